"""What the articles advise for a buyer's risk class, after a verdict on selling to it on credit.

"Can we keep selling to them on credit?" about a looked-up buyer is answered from its record first
(:func:`tools.replies.credit_verdict`); the articles' line for buyers of that risk class follows, cited.
"""

from __future__ import annotations

import re
from typing import Any

from bot.messages import Reply, Source
from bot.pipeline.knowledge import SEARCH_K, Library, Resolved, to_user_script
from knowledge.normalize import Script, detect_script, to_simplified
from tools.intents import asks_credit_decision
from tools.replies import GRADE_MEANING, STATUS_MEANING

ADVICE_EN = "The articles advise (in Chinese): "
_FIRST_SENTENCE = re.compile(r"^[^。！？!?]*(?:\[\d+\])*[。！？!?]?(?:\[\d+\])*")
_MARK = re.compile(r"\[(\d+)\]")


def advice_question(buyer: dict[str, Any]) -> str:
    """The question to put to the articles about a buyer like this one, in its risk class's words."""
    insolvent = buyer["status"] == "insolvent"
    risk = STATUS_MEANING["insolvent"].split(" ")[0] if insolvent else GRADE_MEANING[buyer["grade"]]
    return f"{risk}的客户赊销时采用什么结算方式"


def looked_up(reply: Reply) -> list[dict[str, Any]]:
    """The buyer records the reply's lookups found (the one asked for by id when several matched)."""
    records = []
    for call in reply.tool_calls:
        if call.name != "buyer_lookup" or not isinstance(call.result, dict) or not call.result.get("matches"):
            continue
        matches = call.result["matches"]
        records.append(next((m for m in matches if m["buyer_id"] == call.args.get("query")), matches[0]))
    return records


def advise(library: Library, message: str, reply: Reply, script: Script | None = None) -> None:
    """Append the articles' first line for the buyer's risk class to a verdict on one buyer, cited
    (``script``: the message's, when the caller has detected it)."""
    records = looked_up(reply)
    script = script or detect_script(message)
    if reply.status != "answered" or len(records) != 1 or not asks_credit_decision(to_simplified(message)):
        return
    question = advice_question(records[0])
    composition = library.compose(Resolved(question, "", question, question), library.search(question, SEARCH_K))
    if composition is None or composition.absent or not composition.citations:
        return
    sentence = _FIRST_SENTENCE.match(composition.text).group()
    numbers: dict[int, int] = {}
    for n in dict.fromkeys(int(m) for m in _MARK.findall(sentence)):
        cited = composition.citations[n - 1]
        reply.sources.append(Source(cited.doc_id, cited.title, cited.snippet, cited.score))
        numbers[n] = len(reply.sources)
    if numbers:
        first, rest = reply.answer.split("\n", 1) if "\n" in reply.answer else (reply.answer, "")
        advice = to_user_script(_MARK.sub(lambda m: f"[{numbers[int(m.group(1))]}]", sentence), script)
        said = ADVICE_EN if script == "en" else to_user_script("资料的建议：", script)
        reply.answer = f"{first}\n{said}{advice}" + (f"\n{rest}" if rest else "")
