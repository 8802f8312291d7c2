/* creditbot website widget — plain modern JS, no build step.
 *
 * Embed (the first line lets the page call creditbot(...) before the script has loaded):
 *   <script>window.creditbot=window.creditbot||function(){(creditbot.q=creditbot.q||[]).push(arguments)};</script>
 *   <script src="https://HOST/widget.js" data-site-key="KEY" async></script>
 * Optional attribute: data-title. "联系人工" hands the conversation to a person; their replies appear in the panel.
 * Host page API: creditbot("open", "预填的问题"), creditbot("close"); once loaded also creditbot.open(...).
 * Everything renders in the shadow root of a <creditbot-widget> element whose styles are all reset, so the
 * host page's CSS and the widget's cannot collide. Refusals of the site key are explained in the console.
 */
(() => {
  "use strict";
  const stub = window.creditbot;
  if (stub && stub.version) return;

  const script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  const base = new URL(".", script ? script.src : location.href);
  const data = (script && script.dataset) || {};
  const cfg = { siteKey: data.siteKey || "", title: data.title || "信用保险助手" };
  const STORAGE = `creditbot:${base.origin}:${cfg.siteKey}`;
  const MAX_HISTORY = 60;
  const SUGGESTIONS = ["客户破产了能赔吗", "理赔要多久", "账期怎么定", "应收500万、季度赊销900万，DSO多少"];
  const T = {
    refused: "此网站未获授权使用该助手，请联系网站管理员。",
    greeting: `您好，我是${cfg.title}：可以解答贸易信用保险的问题（理赔、限额、账期等），也能帮您计算 DSO 等指标。`,
    network: "网络出了点问题，消息没有发出。", busy: "助手正在启动或繁忙，消息没有发出。",
    tooFast: "提问太频繁了，请稍等片刻再试。", broken: "回答中断了，请再试一次。",
    server: "抱歉，系统暂时出了点问题，请稍后再试。",
  };
  const STATUS = { active: "正常经营", watch: "观察名单", insolvent: "破产 / 无力偿付" };

  const CSS = "__WIDGET_CSS__"; // bot/static/widget.css, put here by the server

  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    node.append(...children);
    return node;
  };

  /* __WIDGET_TEXT__ */ // bot/static/widget-text.js, put here by the server
  const { shown, wan, richText } = creditbotText;
  /* __WIDGET_LIVE__ */ // bot/static/widget-live.js, put here by the server
  const { sseEvents, advisorReplies } = creditbotLive;

  // ---- state kept across page loads: only answered exchanges (a failed send is not restored)
  function load() {
    try {
      const saved = JSON.parse(localStorage.getItem(STORAGE) || "{}");
      const items = Array.isArray(saved.history) ? saved.history : [];
      const history = items.filter((it, i) => it.role === "bot" ? !!it.reply : it.role === "advisor" ? !!it.text
        : it.role === "user" && items[i + 1] && items[i + 1].role === "bot" && items[i + 1].reply);
      return { sessionId: saved.sessionId || null, history, seen: saved.seen || 0 };
    } catch (e) {
      return { sessionId: null, history: [], seen: 0 };
    }
  }
  const state = load();
  function save() {
    try {
      localStorage.setItem(STORAGE, JSON.stringify({ sessionId: state.sessionId, seen: state.seen,
        history: state.history.slice(-MAX_HISTORY) }));
    } catch (e) { /* storage full or disabled: the conversation still works for this page */ }
  }

  let ui = null;
  let refusal = null; // {code, reason} once the server said this page may not use the key
  const queue = []; // questions waiting for the answer in flight
  let inFlight = null;
  let pendingVote = null; // a 👎 whose comment box is open: sent as it is when the next question goes
  const live = advisorReplies({ base, headers: () => headers(false), onSeen: (id) => { state.seen = id; save(); },
    onAdvisor: (m) => { const item = { role: "advisor", text: m.text }; state.history.push(item); save(); if (ui) scrollToStart(render(item)); } });
  function follow(reply) { // while a person holds the conversation, their replies come in as they are sent
    if (reply && reply.status === "handoff" && state.sessionId) live.watch(state.sessionId, state.seen);
    else live.stop();
  }

  function build() {
    if (ui) return;
    if (!customElements.get("creditbot-widget")) customElements.define("creditbot-widget", class extends HTMLElement {});
    const host = el("creditbot-widget", { id: "creditbot-widget" });
    const root = host.attachShadow({ mode: "open" });
    root.append(el("style", { text: CSS }));
    const launcher = el("button", { class: "launcher", type: "button", "aria-label": "打开在线帮助：" + cfg.title,
      "aria-haspopup": "dialog", "aria-expanded": "false", "aria-controls": "cb-panel" });
    launcher.innerHTML = '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">' +
      '<path fill="currentColor" d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z"/></svg>';
    const log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": "对话记录" });
    const input = el("textarea", { id: "cb-input", rows: "1", maxlength: "2000", "aria-label": "输入您的问题",
      placeholder: "输入您的问题，回车发送" });
    const send = el("button", { type: "submit", text: "发送" });
    const form = el("form", { onsubmit: (e) => { e.preventDefault(); ask(input.value); } }, input, send);
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); ask(input.value); }
    });
    const panel = el("div", { class: "panel", id: "cb-panel", role: "dialog", "aria-modal": "true",
      "aria-labelledby": "cb-title", hidden: "" },
      el("header", {},
        el("h2", { id: "cb-title", text: cfg.title }),
        el("button", { type: "button", class: "new", text: "新对话", "aria-label": "开始新对话", onclick: reset }),
        el("button", { type: "button", class: "close", "aria-label": "关闭", text: "×", onclick: close })),
      log, form);
    panel.addEventListener("keydown", trapTab);
    launcher.addEventListener("click", () => (panel.hidden ? open() : close()));
    root.append(launcher, panel);
    document.documentElement.append(host); // outside <body>: a body's opacity, filter or transform cannot reach it
    ui = { host, root, launcher, panel, log, input };
    for (const item of state.history) render(item);
    if (!state.history.length) greet();
    follow([...state.history].reverse().find((it) => it.role === "bot")?.reply);
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && !ui.panel.hidden) { e.preventDefault(); close(); }
    }, true);
  }

  function greet() {
    ui.log.append(el("div", { class: "msg bot greeting" }, refusal ? el("span", { class: "notice", text: T.refused }) : T.greeting));
    if (refusal) return;
    const chips = el("div", { class: "suggest", role: "group", "aria-label": "您可以这样问" });
    for (const q of SUGGESTIONS) chips.append(el("button", { type: "button", text: q, onclick: () => ask(q) }));
    ui.log.append(chips);
  }

  function trapTab(e) {
    if (e.key !== "Tab") return;
    const items = [...ui.panel.querySelectorAll("button:not([disabled]), textarea, a[href]")]
      .filter((n) => n.offsetParent !== null);
    if (!items.length) return;
    const first = items[0], last = items[items.length - 1], active = ui.root.activeElement;
    if (e.shiftKey && active === first) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && active === last) { e.preventDefault(); first.focus(); }
  }

  function open(question) {
    build();
    if (ui.panel.hidden) {
      ui.panel.hidden = false;
      ui.launcher.setAttribute("aria-expanded", "true");
      ui.log.scrollTop = ui.log.scrollHeight;
    }
    ui.input.focus();
    if (typeof question === "string" && question.trim()) ask(question);
  }

  function close() {
    if (!ui || ui.panel.hidden) return;
    const inside = document.activeElement === ui.host;
    ui.panel.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "false");
    if (inside) ui.launcher.focus();
  }

  function reset() {
    if (inFlight) inFlight.abort();
    queue.length = 0;
    state.sessionId = null;
    state.history = [];
    state.seen = 0;
    live.stop();
    save();
    ui.log.replaceChildren();
    greet();
    ui.input.focus();
  }

  function scrollToStart(node) { // a long answer shows its first line, not its last
    const log = ui.log;
    log.scrollTop = Math.min(node.offsetTop - 12, log.scrollHeight - log.clientHeight);
  }

  function render(item) {
    if (item.role === "advisor") {
      const node = el("div", { class: "msg advisor" }, el("span", { class: "person", text: "人工顾问" }),
        el("span", { class: "sr-only", text: "：" }), el("span", { class: "text", text: shown(item.text) }));
      ui.log.append(node);
      return node;
    }
    if (item.role === "user") {
      const node = el("div", { class: "msg user" }, el("span", { class: "sr-only", text: "我：" }), item.text);
      ui.log.append(node);
      return node;
    }
    const node = el("div", { class: "msg bot" }, el("span", { class: "sr-only", text: "助手：" }), el("span", { class: "text" }));
    ui.log.append(node);
    if (item.reply) finish(node, item);
    return node;
  }

  function buyerCard(reply) {
    const call = (reply.tool_calls || []).find((c) => c.name === "buyer_lookup" && c.result && c.result.matches);
    const b = call && reply.status === "answered" && call.result.matches.find((m) => reply.answer.includes(m.buyer_id));
    if (!b) return null;
    const dl = el("dl");
    const row = (k, v) => dl.append(el("dt", { text: k }), el("dd", { text: v }));
    row("信用等级", `${b.grade}/10`);
    row("状态", STATUS[b.status] || b.status);
    row("建议信用限额", wan(b.credit_limit_cny) + "元");
    row("付款表现", b.avg_days_late ? `平均逾期 ${b.avg_days_late} 天` : "基本按时付款");
    const card = el("div", { class: "card", role: "group", "aria-label": "买家信息" },
      el("h3", { text: `${b.buyer_id} ${b.name}` }), el("p", { text: [b.country, b.industry].filter(Boolean).join(" · ") }), dl);
    const warn = b.status === "watch" ? "该买家在观察名单上，建议收紧账期、控制新增敞口。"
      : b.status === "insolvent" ? "该买家已破产或无力偿付，请停止赊销，并尽快按保单要求报损 / 申请理赔。" : "";
    if (warn) card.append(el("p", { class: "warn", text: "⚠ " + warn }));
    card.append(el("p", { text: `信用等级 1 = 风险最低，10 = 已违约；数据更新于 ${b.updated}` }));
    return card;
  }

  function finish(node, item) {
    const reply = item.reply;
    const refs = [];
    const text = node.querySelector(".text");
    if (reply.sources && reply.sources.length) {
      const list = el("ol", { class: "sources", "aria-label": "引用来源" });
      reply.sources.forEach((s, i) => {
        const id = `cb-src-${reply.reply_id}-${i}`;
        const title = shown(s.title);
        const excerpt = el("div", { class: "excerpt", id, hidden: "" }, el("strong", { text: title }), shown(s.snippet));
        const cite = el("button", { type: "button", class: "cite", "aria-expanded": "false", "aria-controls": id,
          text: `[${i + 1}] ${title}` });
        const toggle = (show) => {
          excerpt.hidden = show === undefined ? !excerpt.hidden : !show;
          cite.setAttribute("aria-expanded", String(!excerpt.hidden));
        };
        cite.addEventListener("click", () => toggle());
        refs.push((label) => el("button", { type: "button", class: "ref", text: label,
          "aria-label": `来源 ${i + 1}：${title}`, onclick: () => toggle(true) }));
        list.append(el("li", {}, cite, excerpt));
      });
      node.append(list);
    }
    const card = buyerCard(reply);
    text.replaceChildren(...(card ? [card] : richText(shown(reply.answer), refs)));
    if (reply.status === "no_answer") {
      node.append(el("button", { type: "button", class: "contact", text: "联系人工", onclick: () => ask("联系人工") }));
    }
    if (reply.reply_id && reply.status !== "handoff") node.append(feedbackRow(item));
  }

  function feedbackRow(item) {
    const status = el("span", { class: "thanks", role: "status" });
    const up = el("button", { type: "button", "aria-label": "有帮助", "aria-pressed": "false", text: "👍" });
    const down = el("button", { type: "button", "aria-label": "没有帮助", "aria-pressed": "false", text: "👎" });
    const row = el("div", { class: "actions" }, "这个回答有帮助吗？", up, down, status);
    const mark = (rating) => {
      up.disabled = down.disabled = true;
      (rating === "up" ? up : down).setAttribute("aria-pressed", "true");
    };
    const vote = async (rating, comment) => {
      item.rated = rating;
      save();
      try {
        const r = await fetch(new URL("api/feedback", base), { method: "POST", headers: headers(false),
          body: JSON.stringify({ reply_id: item.reply.reply_id, rating, comment: comment || "" }) });
        status.textContent = r.ok ? "谢谢反馈" : "反馈未能保存";
      } catch (e) { status.textContent = "反馈未能保存"; }
    };
    up.addEventListener("click", () => { mark("up"); vote("up"); });
    down.addEventListener("click", () => {
      mark("down");
      const box = el("textarea", { "aria-label": "哪里不对？（可选）", placeholder: "哪里不对？告诉我们可以改进的地方（可选）", maxlength: "2000" });
      const submit = () => { pendingVote = null; form.remove(); vote("down", box.value.trim()); };
      const form = el("div", { class: "comment" }, box, el("button", { type: "button", text: "提交反馈", onclick: submit }));
      pendingVote = submit;
      row.after(form);
      box.focus();
    });
    if (item.rated) mark(item.rated);
    return row;
  }

  function headers(stream) {
    const h = { "Content-Type": "application/json", Accept: stream ? "text/event-stream" : "application/json" };
    if (cfg.siteKey) h["X-Site-Key"] = cfg.siteKey;
    return h;
  }

  // ---- the site owner's console gets the exact reason; the visitor a Chinese sentence
  async function checkEmbed() {
    try {
      const url = new URL("api/widget/check", base);
      if (cfg.siteKey) url.searchParams.set("site_key", cfg.siteKey);
      const verdict = await (await fetch(url)).json();
      if (!verdict.ok) refuse(verdict);
      return !verdict.ok;
    } catch (e) { return false; /* server unreachable: not a refusal */ }
  }
  function refuse(verdict) {
    if (refusal) return;
    refusal = verdict;
    console.error(`[creditbot] the chat server refuses this page (${location.origin}): ${verdict.reason}. ` +
      `Setting: ${verdict.setting || "CREDITBOT_SITE_KEYS"} (see the README's widget section).`);
    const greeting = ui && ui.log.querySelector(".greeting");
    if (!greeting) return;
    greeting.replaceChildren(el("span", { class: "notice", text: T.refused }));
    for (const chips of ui.log.querySelectorAll(".suggest")) chips.remove();
  }

  function ask(raw) {
    const text = (raw || "").trim();
    if (!text) return;
    open();
    if (pendingVote) pendingVote();
    ui.input.value = "";
    ui.input.focus(); // a chip disappears once clicked: focus stays in the widget
    const chips = ui.log.querySelector(".suggest");
    if (chips) chips.remove();
    const job = { text, node: render({ role: "user", text }) };
    ui.log.scrollTop = ui.log.scrollHeight;
    queue.push(job);
    if (!inFlight) pump();
  }

  async function pump() {
    while (queue.length) {
      const job = queue.shift();
      inFlight = new AbortController();
      await exchange(job, inFlight.signal);
    }
    inFlight = null;
  }

  async function exchange(job, signal) {
    const botItem = { role: "bot", text: "" };
    const node = render(botItem);
    const span = node.querySelector(".text");
    span.replaceChildren(el("span", { class: "typing", role: "status", "aria-label": "助手正在输入" }, el("i"), el("i"), el("i")));
    ui.log.setAttribute("aria-busy", "true");
    ui.log.scrollTop = ui.log.scrollHeight;
    try {
      const body = { message: job.text };
      if (state.sessionId) body.session_id = state.sessionId;
      const r = await fetch(new URL("api/chat", base), { method: "POST", headers: headers(true), body: JSON.stringify(body), signal });
      if (!r.ok) {
        let err = {};
        try { err = await r.json(); } catch (e) { /* not JSON */ }
        if (r.status === 403) refuse({ reason: err.error || "refused (403)" });
        throw new Error(r.status === 403 ? T.refused : r.status === 429 ? T.tooFast : r.status === 503 ? T.busy : T.server);
      }
      for await (const { event, data } of sseEvents(r)) {
        if (event === "delta") {
          botItem.text += data.text;
          span.textContent = shown(botItem.text);
          scrollToStart(node);
        } else if (event === "done") {
          botItem.reply = data;
          state.sessionId = data.session_id || state.sessionId;
          state.history.push({ role: "user", text: job.text }, botItem);
          save();
          finish(node, botItem);
          scrollToStart(node);
          follow(data);
        } else if (event === "error") {
          throw new Error(T.server);
        }
      }
      if (!botItem.reply) throw new Error(T.broken);
    } catch (e) {
      node.remove();
      if (signal.aborted) return;
      const known = Object.values(T).includes(e.message);
      fail(job, known ? e.message : (await checkEmbed()) ? T.refused : T.network);
    } finally {
      ui.log.removeAttribute("aria-busy");
    }
  }

  function fail(job, why) {
    job.node.classList.add("failed");
    const retry = el("button", { type: "button", text: "重试", "aria-label": `重试发送：${job.text}` });
    const note = el("div", { class: "failnote", role: "alert" }, el("span", { text: `未发送：${why}` }), retry);
    retry.addEventListener("click", () => {
      note.remove();
      job.node.remove();
      ask(job.text);
    });
    job.node.after(note);
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  const commands = { open, close, ask: (q) => open(q) };
  const api = function creditbot(command, ...args) {
    const fn = commands[command];
    if (fn) return fn(...args);
    console.warn(`[creditbot] unknown command ${JSON.stringify(command)}; try creditbot("open", "问题")`);
  };
  Object.assign(api, commands, { version: "2" });
  window.creditbot = api;
  const start = () => {
    build();
    checkEmbed();
    for (const args of (stub && stub.q) || []) api(...args);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
  else start();
})();
