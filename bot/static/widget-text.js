/* Typography of text shown to widget users: full-width punctuation in Chinese text, amounts in 万/亿, and
 * citation markers kept on one line with the character before and the punctuation after them (so "。" or "；"
 * never starts a line). The chat server puts this file into /widget.js (bot/web/embed.py).
 */
const creditbotText = (() => {
  "use strict";
  const CJK = "[\\u3400-\\u9fff\\uf900-\\ufaff\\u3000-\\u303f\\uff00-\\uffef]";
  const FULL = { ",": "，", ":": "：", ";": "；", "?": "？", "!": "！" };
  const AFTER_CJK = new RegExp(`(${CJK})[ \\t]*([,:;?!])[ \\t]*`, "g");
  const BEFORE_CJK = new RegExp(`(\\S)[ \\t]*([,;?!])([ \\t]*)(?=${CJK})`, "g");
  const PERIOD = new RegExp(`(${CJK})\\.(?=\\s|$)`, "gm");
  const PARENS = /\(([^()\n]*)\)/g;
  const HAS_CJK = new RegExp(CJK);
  function fullWidth(text) {
    return text
      .replace(AFTER_CJK, (m, c, p) => c + FULL[p])
      .replace(BEFORE_CJK, (m, c, p, space) => (/\d/.test(c) && !space ? m : c + FULL[p])) // not 1,000
      .replace(PERIOD, "$1。")
      .replace(PARENS, (m, inner, at, all) =>
        HAS_CJK.test(inner + (all[at - 1] || "") + (all[at + m.length] || "")) ? `（${inner}）` : m);
  }
  function wan(value) {
    const n = Number(value);
    const trim = (s) => s.replace(/\.?0+$/, "");
    if (Math.abs(n) >= 1e8) return trim((n / 1e8).toFixed(4)) + "亿";
    if (Math.abs(n) >= 1e4) return trim((n / 1e4).toFixed(2)) + "万";
    return n.toLocaleString("zh-CN", { maximumFractionDigits: 2 });
  }
  const shown = (text) => fullWidth(String(text || ""))
    .replace(/(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{5,}(?:\.\d+)?)元/g, (m, num) => wan(num.replace(/,/g, "")) + "元");

  const REF_GROUP = /([^\s[\]]?)((?:\[\d+\])+)([。，、；：！？）」』”’,.;:!?)]*)/g;
  function richText(text, refs) {
    const out = [];
    let last = 0;
    for (const m of text.matchAll(REF_GROUP)) {
      out.push(text.slice(last, m.index));
      const group = document.createElement("span");
      group.className = "nobr";
      group.append(m[1]);
      for (const part of m[2].split(/(?=\[)/)) {
        const n = Number(part.slice(1, -1));
        group.append(n >= 1 && n <= refs.length ? refs[n - 1](part) : part);
      }
      group.append(m[3]);
      out.push(group);
      last = m.index + m[0].length;
    }
    out.push(text.slice(last));
    return out.filter((x) => x !== "");
  }

  return { shown, wan, richText };
})();
