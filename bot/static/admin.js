/* creditbot console: talks to /admin/api with the session cookie and the page's CSRF token. */
(() => {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const $ = (sel, root = document) => root.querySelector(sel);
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") node.className = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c ?? "")));
    return node;
  };
  const flash = (text, bad = false) => { const f = $("#flash"); f.textContent = text; f.className = bad ? "bad" : "ok"; };

  async function api(method, path, body) {
    const init = { method, headers: { "X-CSRF-Token": csrf }, credentials: "same-origin" };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) { init.body = JSON.stringify(body); init.headers["Content-Type"] = "application/json"; }
    const res = await fetch("/admin/api" + path, init);
    if (res.status === 401) { location.reload(); throw new Error("signed out"); }
    if (!res.ok) {
      let detail = res.statusText;
      try { const d = (await res.json()).detail; detail = typeof d === "string" ? d : JSON.stringify(d); } catch (e) { /* keep */ }
      throw new Error(detail);
    }
    return res.status === 204 ? null : res.json();
  }
  const when = (iso) => iso ? new Date(iso).toLocaleString() : "—";

  function bars(container, rows, label, series) {
    container.replaceChildren();
    const max = Math.max(1, ...rows.flatMap((r) => series.map((s) => r[s.key] || 0)));
    for (const r of rows) {
      const line = el("div", { class: "bar-row" }, el("span", { class: "bar-label" }, r[label]));
      for (const s of series) {
        const v = r[s.key] || 0;
        const bar = el("span", { class: "bar " + s.key, title: `${s.name}: ${Math.round(v)}` });
        bar.style.width = `${(v / max) * 70}%`;
        line.append(bar, el("span", { class: "bar-value" }, `${s.name} ${Math.round(v)}`));
      }
      container.append(line);
    }
    if (!rows.length) container.append(el("p", {}, "No conversations yet."));
  }

  async function showOverview() {
    const o = await api("GET", "/overview");
    const rate = o.answer_rate == null ? "—" : `${Math.round(o.answer_rate * 100)}%`;
    const ms = (v) => v == null ? "—" : `${Math.round(v)} ms`;
    $("#figures").replaceChildren(
      ...[["Replies", o.total], ["Answer rate", rate], ["👍", o.feedback.up], ["👎", o.feedback.down],
          ["Latency p50", ms(o.latency_ms.p50)], ["Latency p95", ms(o.latency_ms.p95)]]
        .map(([k, v]) => el("div", { class: "figure" }, el("b", {}, v), el("span", {}, k))));
    bars($("#chart-day"), o.per_day, "day", [{ key: "answered", name: "answered" }, { key: "no_answer", name: "no answer" }]);
    bars($("#chart-channel"), o.per_channel, "channel", [{ key: "total", name: "replies" }, { key: "answered", name: "answered" }]);
    bars($("#chart-latency"), o.per_day, "day", [{ key: "latency_ms", name: "ms" }]);
    $("#no-answer-table").replaceChildren(el("tr", {}, el("th", {}, "Question"), el("th", {}, "Times")),
      ...o.no_answer.map((q) => el("tr", {}, el("td", {}, q.question), el("td", {}, q.count))));
  }

  async function showKnowledge() {
    const rows = await api("GET", "/articles");
    $("#articles tbody").replaceChildren(...rows.map((a) => el("tr", { "data-doc": a.doc_id },
      el("td", {}, a.title), el("td", {}, a.doc_id), el("td", { class: "chunks" }, a.chunks), el("td", {}, when(a.updated)),
      el("td", {}, a.cited_7d),
      el("td", {},
        el("button", { class: "preview", type: "button", onclick: () => preview(a.doc_id) }, "Preview"),
        el("button", { class: "reingest", type: "button", onclick: () => act("POST", `/articles/${encodeURIComponent(a.doc_id)}/reingest`, `Re-ingested ${a.doc_id}`) }, "Re-ingest"),
        el("button", { class: "delete", type: "button", onclick: () => confirm(`Delete ${a.title}?`) && act("DELETE", `/articles/${encodeURIComponent(a.doc_id)}`, `Deleted ${a.doc_id}`) }, "Delete")))));
  }

  async function act(method, path, done) {
    try { await api(method, path); flash(done); } catch (e) { flash(e.message, true); }
    await showKnowledge();
  }

  async function preview(docId) {
    try {
      const p = await api("GET", `/articles/${encodeURIComponent(docId)}/preview`);
      $("#preview-title").textContent = `${p.title} (${p.doc_id}) — ${p.chunks.length} chunks`;
      $("#preview-cleaned").textContent = p.cleaned;
      $("#preview-chunks").replaceChildren(...p.chunks.map((c) => el("li", { class: "chunk" },
        el("b", {}, `${c.kind}${c.heading ? ": " + c.heading : ""}`), el("p", {}, c.text))));
      $("#preview-facts").replaceChildren(...p.facts.map((f) => el("li", { class: "fact", title: f.sentence },
        el("b", {}, f.kind), " ", f.statement)));
      $("#preview").hidden = false;
    } catch (e) { flash(e.message, true); }
  }

  function upload(event) {
    event.preventDefault();
    const file = $("#upload-file").files[0];
    if (!file) return;
    const form = new FormData(); form.append("file", file);
    const bar = $("#upload-progress"), status = $("#upload-status");
    bar.hidden = false; bar.value = 0; status.textContent = "Uploading…"; $("#upload").disabled = true;
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/admin/api/articles");
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 50); };
    xhr.upload.onload = () => { bar.removeAttribute("value"); status.textContent = "Ingesting: cleaning, chunking, embedding…"; };
    xhr.onload = async () => {
      $("#upload").disabled = false;
      let body = {}; try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      if (xhr.status === 201) {
        bar.value = 100; status.textContent = `Ingested ${body.title}: ${body.chunks} chunks; answers use it now.`;
        flash(`Uploaded ${body.doc_id}`); $("#upload-form").reset(); await showKnowledge();
      } else { bar.hidden = true; status.textContent = `Refused: ${body.detail || xhr.statusText}`; flash(status.textContent, true); }
    };
    xhr.onerror = () => { $("#upload").disabled = false; status.textContent = "Upload failed (network)"; };
    xhr.send(form);
  }

  async function showAnswers() {
    $("#threshold").value = (await api("GET", "/threshold")).threshold;
    const rows = await api("GET", "/answers");
    $("#answers tbody").replaceChildren(...rows.map((a) => el("tr", { "data-answer": a.id },
      el("td", {}, a.id), el("td", {}, a.question), el("td", {}, a.refuse ? "(refused: no answer, offer a person)" : a.answer),
      el("td", { class: "hits" }, a.hits),
      el("td", {}, el("button", { class: "delete", type: "button", onclick: async () => {
        if (!confirm(`Delete curated answer ${a.id}?`)) return;
        try { await api("DELETE", `/answers/${a.id}`); flash(`Deleted answer ${a.id}`); } catch (e) { flash(e.message, true); }
        showAnswers();
      } }, "Delete")))));
  }

  async function addAnswer(event) {
    event.preventDefault();
    try {
      const a = await api("POST", "/answers", { question: $("#answer-question").value, answer: $("#answer-text").value,
        refuse: $("#answer-refuse").checked });
      flash(`Curated answer ${a.id} added`); $("#answer-form").reset();
    } catch (e) { flash(e.message, true); }
    showAnswers();
  }

  async function importAnswers() {
    const file = $("#answers-import").files[0];
    if (!file) return;
    const form = new FormData(); form.append("file", file);
    try { flash(`Imported ${(await api("POST", "/answers.csv", form)).imported} answers`); } catch (e) { flash(e.message, true); }
    $("#answers-import").value = ""; showAnswers();
  }

  async function showReview() {
    const groups = await api("GET", "/review");
    const box = $("#review-groups");
    box.replaceChildren(...groups.map((g, i) => {
      const answer = el("textarea", { class: "curate-answer", rows: 3, "aria-label": "Curated answer for this group" });
      const question = el("input", { class: "curate-question", value: g.question, "aria-label": "Question" });
      return el("article", { class: "group", "data-group": i },
        el("h3", {}, `${g.question} `, el("span", { class: "count" }, `×${g.count}`)),
        el("ul", {}, ...g.items.slice(0, 5).map((it) => el("li", {},
          el("q", {}, it.question), ` — ${it.reasons.join(", ")} · ${it.channel || "?"} · ${when(it.at)}`,
          it.comment ? el("p", { class: "comment" }, `Comment: ${it.comment}`) : "",
          el("p", { class: "said" }, `Bot said: ${it.answer}`),
          it.sources.length ? el("p", {}, `Sources: ${it.sources.join(", ")}`) : "",
          it.session_id ? el("button", { type: "button", class: "show-conversation", onclick: () => conversation(it.session_id) }, "Conversation") : ""))),
        question, answer,
        el("button", { type: "button", class: "curate", onclick: async () => {
          try {
            const a = await api("POST", "/review/curate", { reply_ids: g.reply_ids, question: question.value, answer: answer.value });
            flash(`Curated answer ${a.id} added from the review queue`);
          } catch (e) { flash(e.message, true); }
          showReview();
        } }, "Turn into curated answer"),
        el("button", { type: "button", class: "done", onclick: async () => {
          try { await api("POST", "/review/done", { reply_ids: g.reply_ids }); flash("Marked done"); } catch (e) { flash(e.message, true); }
          showReview();
        } }, "Mark done"));
    }));
    if (!groups.length) box.append(el("p", { id: "review-empty" }, "Nothing to review."));
  }

  async function conversation(sessionId) {
    const rows = await api("GET", `/conversations/${encodeURIComponent(sessionId)}`);
    $("#conversation-list").replaceChildren(...rows.map((r) => el("li", {},
      el("p", {}, el("b", {}, "User: "), r.question), el("p", {}, el("b", {}, `Bot (${r.status}): `), r.answer))));
    $("#conversation").hidden = false;
  }

  async function showAudit() {
    const rows = await api("GET", "/audit");
    $("#audit tbody").replaceChildren(...rows.map((r) => el("tr", {},
      el("td", {}, when(r.at)), el("td", {}, r.user), el("td", {}, r.action), el("td", {}, r.target))));
  }

  const tabs = { overview: showOverview, knowledge: showKnowledge, answers: showAnswers, review: showReview, audit: showAudit };
  function route() {
    const name = (location.hash || "#overview").slice(1);
    const tab = tabs[name] ? name : "overview";
    for (const key of Object.keys(tabs)) $(`#tab-${key}`).hidden = key !== tab;
    for (const a of document.querySelectorAll("nav a[data-tab]")) a.setAttribute("aria-current", a.dataset.tab === tab ? "page" : "false");
    tabs[tab]().catch((e) => flash(e.message, true));
  }

  $("#upload-form").addEventListener("submit", upload);
  $("#answer-form").addEventListener("submit", addAnswer);
  $("#answers-import").addEventListener("change", importAnswers);
  $("#threshold-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try { await api("PUT", "/threshold", { threshold: Number($("#threshold").value) }); flash("Threshold saved"); } catch (e) { flash(e.message, true); }
  });
  window.addEventListener("hashchange", route);
  route();
})();
