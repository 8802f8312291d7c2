/* What the widget hears from the server besides its own request: the answer's Server-Sent Events, and, while a
 * person handles the conversation (status "handoff"), the advisors' replies, polled from
 * GET /api/sessions/{session_id}/messages?after=ID. The chat server puts this file into /widget.js (bot/web/embed.py).
 */
const creditbotLive = (() => {
  "use strict";
  const POLL_MS = 2500;

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
        let event = "message", payload = "";
        for (const line of block.split(/\r?\n/)) {
          if (line.startsWith("event:")) event = line.slice(6).trim();
          else if (line.startsWith("data:")) payload += (payload ? "\n" : "") + line.slice(5).replace(/^ /, "");
        }
        if (payload) yield { event, data: JSON.parse(payload) };
      }
      if (done) return;
    }
  }

  /* Polls a session's messages while it is handed off; calls onAdvisor(message) for each advisor reply and
   * onSeen(id) with the newest id seen (kept by the widget so a reload does not show a reply twice). */
  function advisorReplies({ base, headers, onAdvisor, onSeen }) {
    let timer = null, sessionId = null, after = 0, busy = false;
    async function poll() {
      if (busy || !sessionId) return;
      busy = true;
      try {
        const url = new URL(`api/sessions/${encodeURIComponent(sessionId)}/messages`, base);
        url.searchParams.set("after", String(after));
        const r = await fetch(url, { headers: headers() });
        if (r.ok) {
          for (const m of await r.json()) {
            after = Math.max(after, m.id);
            if (m.role === "advisor") onAdvisor(m);
          }
          onSeen(after);
        }
      } catch (e) { /* offline for a moment: the next poll catches up */ }
      finally { busy = false; }
    }
    return {
      watch(id, seen) {
        if (timer && id === sessionId) return;
        this.stop();
        sessionId = id;
        after = seen || 0;
        poll();
        timer = setInterval(poll, POLL_MS);
      },
      stop() { clearInterval(timer); timer = null; sessionId = null; },
      get watching() { return timer !== null; },
    };
  }

  return { sseEvents, advisorReplies };
})();
