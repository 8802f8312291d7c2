"""What a how-long question asks the time of: the words after its how-long word ("多久能拿到赔款") or, when
those name nothing, the words before it ("理赔款多久能下来"); the event the clock starts from is left out."""

from __future__ import annotations

import re

from knowledge.questions import content_terms
from knowledge.terms import query_terms

AFTER_START = re.compile(r"以后|之后|后(?![端者续期])")  # the end of a clause's start event ("收到…文件后")
_HOW_LONG = re.compile(r"多久|多长时间|几天|多少天|几个?月|多少个?工作日|几个工作日")
_CLAUSE_END = re.compile(r"[，,。？?！!；;\s]")


def asked_ending(text: str) -> list[str]:
    """The words after a how-long word in its clause ("多久能拿到赔款" -> 拿到, 赔款 and the articles' 赔付, 理赔),
    or [] when none follow."""
    found = _HOW_LONG.search(text)
    if found is None:
        return []
    end = _CLAUSE_END.search(text, found.end())
    after = text[found.end() : end.start() if end else len(text)]
    return content_terms(after) + query_terms(after)[1]


def asked_subject(text: str) -> list[str]:
    """The words before a how-long word in its clause, the event the clock starts from left out
    ("理赔款大概多久能下来" -> 理赔 and the articles' 赔付; "交齐材料以后多久…" -> []): what the time is for."""
    found = _HOW_LONG.search(text)
    if found is None:
        return []
    starts = [m.end() for m in _CLAUSE_END.finditer(text, 0, found.start())]
    before = re.split(r"以后|之后|后", text[starts[-1] if starts else 0 : found.start()])[-1]
    return content_terms(before) + query_terms(before)[1]
