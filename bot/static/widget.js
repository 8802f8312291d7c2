/* creditbot website widget — plain modern JS, no build step.
 *
 * Embed with one tag:
 *   <script src="https://HOST/widget.js" data-site-key="KEY" async></script>
 * Optional attributes: data-title, data-contact-url (the "联系人工" link; default mailto:support@example.com).
 * Host page API: window.creditbot.open("预填的问题"), window.creditbot.close().
 * Everything renders inside a shadow root, so the host page's CSS and the widget's cannot collide.
 */
(() => {
  "use strict";
  if (window.creditbot && window.creditbot.version) return;

  const script = document.currentScript || document.querySelector('script[src$="widget.js"]');
  const base = new URL(".", script ? script.src : location.href);
  const cfg = {
    siteKey: (script && script.dataset.siteKey) || "",
    title: (script && script.dataset.title) || "信用保险助手",
    contactUrl: (script && script.dataset.contactUrl) || "mailto:support@example.com",
  };
  const STORAGE = `creditbot:${base.origin}:${cfg.siteKey}`;
  const MAX_HISTORY = 60;
  const SUGGESTIONS = ["客户破产了能赔吗", "理赔要多久", "账期怎么定", "应收500万、季度赊销900万，DSO多少"];

  const CSS = `
    :host { all: initial; }
    * { box-sizing: border-box; font-family: system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; }
    .launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; width: 56px; height: 56px;
      border-radius: 50%; border: 0; background: #0b5cad; color: #fff; cursor: pointer; display: grid; place-items: center;
      box-shadow: 0 4px 14px rgba(0,0,0,.25); }
    .launcher:focus-visible, button:focus-visible, textarea:focus-visible, a:focus-visible {
      outline: 3px solid #f5a623; outline-offset: 2px; }
    .panel { position: fixed; right: 20px; bottom: 88px; z-index: 2147483001; width: 380px; height: min(600px, calc(100vh - 110px));
      display: flex; flex-direction: column; background: #fff; color: #1d2330; border-radius: 12px;
      box-shadow: 0 8px 30px rgba(0,0,0,.3); overflow: hidden; font-size: 14px; line-height: 1.55; }
    .panel[hidden] { display: none; }
    header { display: flex; align-items: center; gap: 8px; padding: 10px 12px; background: #0b5cad; color: #fff; }
    header h2 { flex: 1; margin: 0; font-size: 16px; font-weight: 600; }
    header button { background: transparent; border: 1px solid rgba(255,255,255,.6); color: #fff; border-radius: 6px;
      padding: 3px 8px; cursor: pointer; font-size: 13px; }
    header .close { border: 0; font-size: 22px; line-height: 1; padding: 2px 6px; }
    .log { flex: 1; overflow-y: auto; padding: 12px; background: #f5f7fa; }
    .msg { max-width: 88%; margin: 0 0 10px; padding: 8px 11px; border-radius: 10px; white-space: pre-wrap;
      word-wrap: break-word; overflow-wrap: anywhere; }
    .user { margin-left: auto; background: #0b5cad; color: #fff; border-bottom-right-radius: 2px; }
    .bot { background: #fff; border: 1px solid #dde3ea; border-bottom-left-radius: 2px; }
    .bot.pending .text::after { content: "▍"; animation: blink 1s steps(2) infinite; }
    @keyframes blink { to { visibility: hidden; } }
    .sources { margin: 8px 0 0; padding: 0; list-style: none; white-space: normal; }
    .sources li { margin: 3px 0; }
    .cite { background: none; border: 0; padding: 0; color: #0b5cad; text-decoration: underline; cursor: pointer;
      font-size: 13px; text-align: left; }
    .ref { background: none; border: 0; padding: 0 1px; color: #0b5cad; cursor: pointer; font-size: 12px;
      vertical-align: super; line-height: 1; }
    .excerpt { margin: 4px 0 6px; padding: 6px 8px; background: #eef3f9; border-left: 3px solid #0b5cad;
      font-size: 12.5px; color: #333; }
    .excerpt[hidden] { display: none; }
    .excerpt strong { display: block; margin-bottom: 2px; }
    .actions { display: flex; align-items: center; gap: 6px; margin-top: 6px; white-space: normal; font-size: 12px; color: #667; }
    .actions button { background: #fff; border: 1px solid #ccd3dc; border-radius: 6px; padding: 1px 7px; cursor: pointer; font-size: 14px; }
    .actions button[aria-pressed="true"] { background: #dbe9f8; border-color: #0b5cad; }
    .actions button:disabled { cursor: default; color: inherit; opacity: .45; }
    .actions button:disabled[aria-pressed="true"] { opacity: 1; }
    .contact { display: inline-block; margin-top: 6px; color: #b3261e; font-weight: 600; }
    .suggest { display: flex; flex-wrap: wrap; gap: 6px; padding: 8px 12px 0; background: #f5f7fa; }
    .suggest[hidden] { display: none; }
    .suggest p { width: 100%; margin: 0 0 2px; color: #556; font-size: 12.5px; }
    .suggest button { border: 1px solid #0b5cad; color: #0b5cad; background: #fff; border-radius: 14px;
      padding: 4px 10px; cursor: pointer; font-size: 13px; }
    form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #dde3ea; background: #fff; }
    textarea { flex: 1; resize: none; height: 42px; padding: 9px 10px; border: 1px solid #b9c3cf; border-radius: 8px;
      font-size: 15px; color: #1d2330; background: #fff; }
    form button { border: 0; border-radius: 8px; background: #0b5cad; color: #fff; padding: 0 16px; font-size: 15px; cursor: pointer; }
    form button:disabled { background: #8aa9c9; cursor: wait; }
    .error { color: #b3261e; }
    .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    @media (max-width: 480px) {
      .panel { inset: 0; right: 0; bottom: 0; width: 100%; height: 100%; border-radius: 0; }
      .launcher { right: 14px; bottom: 14px; }
    }`;

  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c);
    return node;
  };

  function load() {
    try {
      const saved = JSON.parse(localStorage.getItem(STORAGE) || "{}");
      return { sessionId: saved.sessionId || null, history: Array.isArray(saved.history) ? saved.history : [] };
    } catch (e) {
      return { sessionId: null, history: [] };
    }
  }
  const state = load();
  function save() {
    try {
      localStorage.setItem(STORAGE, JSON.stringify({ sessionId: state.sessionId, history: state.history.slice(-MAX_HISTORY) }));
    } catch (e) { /* storage full or disabled: the conversation still works for this page */ }
  }

  let ui = null;
  let busy = false;
  let lastFocus = null;

  function build() {
    const host = el("div", { id: "creditbot-widget" });
    const root = host.attachShadow({ mode: "open" });
    root.append(el("style", { text: CSS }));
    const launcher = el("button", { class: "launcher", type: "button", "aria-label": "打开在线帮助：" + cfg.title,
      "aria-haspopup": "dialog", "aria-expanded": "false", "aria-controls": "cb-panel" });
    launcher.innerHTML = '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">' +
      '<path fill="currentColor" d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z"/></svg>';
    const log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": "对话记录" });
    const suggest = el("div", { class: "suggest" }, el("p", { text: "您可以这样问：" }));
    for (const q of SUGGESTIONS) suggest.append(el("button", { type: "button", text: q, onclick: () => ask(q) }));
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
      log, suggest, form);
    panel.addEventListener("keydown", trapKeys);
    launcher.addEventListener("click", () => (panel.hidden ? open() : close()));
    root.append(launcher, panel);
    document.body.append(host);
    ui = { host, root, launcher, panel, log, suggest, input, send };
    for (const item of state.history) render(item);
    updateSuggestions();
  }

  function trapKeys(e) {
    if (e.key === "Escape") { e.preventDefault(); close(); return; }
    if (e.key !== "Tab") return;
    const items = [...ui.panel.querySelectorAll("button:not([disabled]), textarea, a[href]")]
      .filter((n) => n.offsetParent !== null);
    if (!items.length) return;
    const first = items[0], last = items[items.length - 1], active = ui.root.activeElement;
    if (e.shiftKey && active === first) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && active === last) { e.preventDefault(); first.focus(); }
  }

  function updateSuggestions() { ui.suggest.hidden = state.history.length > 0; }

  function open(question) {
    if (!ui) build();
    if (ui.panel.hidden) {
      lastFocus = document.activeElement;
      ui.panel.hidden = false;
      ui.launcher.setAttribute("aria-expanded", "true");
      ui.log.scrollTop = ui.log.scrollHeight;
    }
    ui.input.focus();
    if (typeof question === "string" && question.trim()) ask(question);
  }

  function close() {
    if (!ui || ui.panel.hidden) return;
    ui.panel.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "false");
    ui.launcher.focus();
    lastFocus = null;
  }

  function reset() {
    state.sessionId = null;
    state.history = [];
    save();
    ui.log.replaceChildren();
    updateSuggestions();
    ui.input.focus();
  }

  function render(item) {
    if (item.role === "user") {
      const node = el("div", { class: "msg user" }, el("span", { class: "sr-only", text: "我：" }), item.text);
      ui.log.append(node);
      return node;
    }
    const text = el("span", { class: "text", text: item.text || "" });
    const node = el("div", { class: "msg bot" }, el("span", { class: "sr-only", text: "助手：" }), text);
    ui.log.append(node);
    if (item.reply) finish(node, item);
    return node;
  }

  function finish(node, item) {
    const reply = item.reply;
    node.classList.remove("pending");
    const toggles = [];
    if (reply.sources && reply.sources.length) {
      const list = el("ol", { class: "sources", "aria-label": "引用来源" });
      reply.sources.forEach((s, i) => {
        const id = `cb-src-${reply.reply_id}-${i}`;
        const excerpt = el("div", { class: "excerpt", id, hidden: "" }, el("strong", { text: s.title }), s.snippet || "");
        const cite = el("button", { type: "button", class: "cite", "aria-expanded": "false", "aria-controls": id,
          text: `[${i + 1}] ${s.title}` });
        const toggle = (show) => {
          excerpt.hidden = show === undefined ? !excerpt.hidden : !show;
          cite.setAttribute("aria-expanded", String(!excerpt.hidden));
        };
        cite.addEventListener("click", () => toggle());
        toggles.push(toggle);
        list.append(el("li", {}, cite, excerpt));
      });
      node.append(list);
    }
    // "[n]" markers in the answer become links to the n-th source's excerpt
    const text = node.querySelector(".text");
    text.replaceChildren();
    reply.answer.split(/(\[\d+\])/).forEach((part) => {
      const n = /^\[(\d+)\]$/.test(part) ? Number(part.slice(1, -1)) : 0;
      if (n >= 1 && n <= toggles.length) {
        text.append(el("button", { type: "button", class: "ref", text: part,
          "aria-label": `来源 ${n}：${reply.sources[n - 1].title}`, onclick: () => toggles[n - 1](true) }));
      } else if (part) {
        text.append(part);
      }
    });
    if (reply.status === "no_answer") {
      node.append(el("a", { class: "contact", href: cfg.contactUrl, target: "_blank", rel: "noopener", text: "联系人工" }));
    }
    if (reply.reply_id) {
      const status = el("span", { class: "thanks", role: "status" });
      const rate = (rating, btn) => async () => {
        up.disabled = down.disabled = true;
        btn.setAttribute("aria-pressed", "true");
        item.rated = rating;
        save();
        try {
          const r = await fetch(new URL("api/feedback", base), { method: "POST", headers: headers(false),
            body: JSON.stringify({ reply_id: reply.reply_id, rating }) });
          status.textContent = r.ok ? "谢谢反馈" : "反馈未能保存";
        } catch (e) { status.textContent = "反馈未能保存"; }
      };
      const up = el("button", { type: "button", "aria-label": "有帮助", "aria-pressed": "false", text: "👍" });
      const down = el("button", { type: "button", "aria-label": "没有帮助", "aria-pressed": "false", text: "👎" });
      up.addEventListener("click", rate("up", up));
      down.addEventListener("click", rate("down", down));
      if (item.rated) {
        up.disabled = down.disabled = true;
        (item.rated === "up" ? up : down).setAttribute("aria-pressed", "true");
      }
      node.append(el("div", { class: "actions" }, "这个回答有帮助吗？", up, down, status));
    }
  }

  function headers(stream) {
    const h = { "Content-Type": "application/json", Accept: stream ? "text/event-stream" : "application/json" };
    if (cfg.siteKey) h["X-Site-Key"] = cfg.siteKey;
    return h;
  }

  async function* sseEvents(response) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
      let cut;
      while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, "");
        let event = "message", data = "";
        for (const line of block.split(/\r?\n/)) {
          if (line.startsWith("event:")) event = line.slice(6).trim();
          else if (line.startsWith("data:")) data += (data ? "\n" : "") + line.slice(5).replace(/^ /, "");
        }
        if (data) yield { event, data: JSON.parse(data) };
      }
      if (done) return;
    }
  }

  function failure(status, body) {
    if (status === 429) return "提问太频繁了，请稍等片刻再试。";
    if (status === 503) return "助手正在启动或繁忙，请稍后再试。";
    return (body && body.error ? `无法发送：${body.error}` : "网络出了点问题，请稍后再试。");
  }

  async function ask(raw) {
    const text = (raw || "").trim();
    if (!text || busy) return;
    if (!ui) build();
    if (ui.panel.hidden) open();
    busy = true;
    ui.send.disabled = true;
    ui.input.value = "";
    const userItem = { role: "user", text };
    state.history.push(userItem);
    render(userItem);
    updateSuggestions();
    const botItem = { role: "bot", text: "" };
    const node = render(botItem);
    node.classList.add("pending");
    ui.log.setAttribute("aria-busy", "true");
    const span = node.querySelector(".text");
    ui.log.scrollTop = ui.log.scrollHeight;
    try {
      const body = { message: text };
      if (state.sessionId) body.session_id = state.sessionId;
      const r = await fetch(new URL("api/chat", base), { method: "POST", headers: headers(true), body: JSON.stringify(body) });
      if (!r.ok) {
        let err = null;
        try { err = await r.json(); } catch (e) { /* not JSON */ }
        throw Object.assign(new Error("http"), { message: failure(r.status, err) });
      }
      for await (const { event, data } of sseEvents(r)) {
        if (event === "delta") {
          botItem.text += data.text;
          span.textContent = botItem.text;
          ui.log.scrollTop = ui.log.scrollHeight;
        } else if (event === "done") {
          botItem.reply = data;
          botItem.text = data.answer;
          state.sessionId = data.session_id || state.sessionId;
          state.history.push(botItem);
          finish(node, botItem);
        } else if (event === "error") {
          throw new Error("抱歉，系统暂时出了点问题，请稍后再试。");
        }
      }
      if (!botItem.reply) throw new Error("回答中断了，请再试一次。");
    } catch (e) {
      node.classList.remove("pending");
      node.classList.add("error");
      span.textContent = e && e.message && !/fetch|network/i.test(e.message) ? e.message : failure(0, null);
    } finally {
      save();
      busy = false;
      ui.send.disabled = false;
      ui.log.removeAttribute("aria-busy");
      ui.log.scrollTop = ui.log.scrollHeight;
    }
  }

  window.creditbot = { version: "1", open, close, ask: (q) => open(q) };
  if (document.body) build();
  else document.addEventListener("DOMContentLoaded", build, { once: true });
})();
