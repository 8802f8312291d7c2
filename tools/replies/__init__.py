"""Answer texts for tool results, in Chinese or in English: figures first, then a one-line formula, never a
made-up value.

One reply builder, :class:`Replies`, writes every text from the phrase table of a language: :class:`Chinese`
(``CHINESE``, whose texts are also this module's functions) and :class:`English` (``ENGLISH``, for a question
written in English: the same facts, amounts in CNY written out, "CNY 1,250,000"). Each language also lays out
the texts whose shape differs between them: the clarifying question, the record card and the ledger.
"""

from __future__ import annotations

from tools.replies.builder import Replies, cny, num, past_due_over_30, pct, wan, yuan
from tools.replies.chinese import Chinese
from tools.replies.english import English

__all__ = [
    "CHINESE", "ENGLISH", "FORMULAS", "GRADE_MEANING", "NOT_FOUND", "NO_PERMISSION", "SLOT_LABELS", "STATUS_MEANING",
    "UNAVAILABLE", "WHICH_BUYER", "Chinese", "English", "Replies", "ask_for", "buyer_answer", "buyer_reply",
    "buyers_compared", "choices_answer", "cny", "credit_verdict", "dso_answer", "formula_answer", "not_found_answer",
    "num", "past_due_over_30", "pct", "ratio_answer", "receivables_answer", "wan", "yuan",
]

CHINESE = Chinese()
ENGLISH = English()

# The Chinese texts as this module's names (the tool specs render with them).
GRADE_MEANING = Chinese.GRADE_MEANING
STATUS_MEANING = Chinese.STATUS_MEANING
SLOT_LABELS = Chinese.SLOT_LABELS
FORMULAS = Chinese.FORMULAS
UNAVAILABLE = Chinese.UNAVAILABLE
WHICH_BUYER = Chinese.WHICH_BUYER
NOT_FOUND = Chinese.NOT_FOUND
NO_PERMISSION = Chinese.NO_PERMISSION
ask_for = CHINESE.ask_for
formula_answer = CHINESE.formula_answer
dso_answer = CHINESE.dso_answer
ratio_answer = CHINESE.ratio_answer
buyer_answer = CHINESE.buyer_answer
buyer_reply = CHINESE.buyer_reply
credit_verdict = CHINESE.credit_verdict
buyers_compared = CHINESE.buyers_compared
choices_answer = CHINESE.choices_answer
not_found_answer = CHINESE.not_found_answer
receivables_answer = CHINESE.receivables_answer
