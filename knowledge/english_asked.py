"""What an English question asks, read from its English question words, and which answer sentence says it.

The Chinese question words (多久, 哪些, 是什么) are read by :mod:`knowledge.questions`; an English question
asks the same things in its own words ("what is the time limit", "by when", "what is excluded"). The English
reply (:mod:`knowledge.english`) builds its first sentence for the asked kind from the first chosen sentence
that states that kind, not only from the lead: an answer's second sentence often holds the asked fact when
retrieval put a related sentence first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from knowledge.lexicon import words

# "what is X" / "explain X" / "what does X mean": the English ways of asking what a term means
ASKS_MEANING = re.compile(r"^\s*(what\s+is|what's|what\s+are|explain|define)\b|\bmean(s|t)?\b", re.I)
# English ways of asking a time or a share that the Chinese question words do not catch
ASKS_UNITS = {
    "days": re.compile(r"\bhow (soon|quickly|fast|long|many (working )?days)\b|\bwithin how\b|\bby when\b"
                       r"|\btime limit\b|\bdeadline\b", re.I),
    "percent": re.compile(r"\bwhat (share|percentage|proportion|part)\b|\bper ?cent", re.I),
}
ASKS_STEPS = re.compile(r"\bsteps?\b|\bin (what|which) order\b|\bprocess\b|\bprocedure\b", re.I)
ASKS_COVER = re.compile(r"\bprotect(s|ed|ing)?\b|\bcover|\binsur", re.I)  # ("bad debt protection" names a scheme)
# "any loss whatsoever", "all losses", "everything": a question whether cover is unlimited
ASKS_ALL = re.compile(r"\b(any|all|every)\b.{0,12}\b(loss|losses|risks?|cases?)\b|\bwhatsoever\b|\beverything\b", re.I)
ASKS_EXCLUDED = re.compile(r"除外|不覆盖|不承保|\bexclu|\bnot (covered|insured)\b", re.I)
# "before the due date", "ahead of": the figure asked counts back from an event (the article's "…前7天")
ASKS_BEFORE = re.compile(r"\bbefore\b|\bahead of\b|\bin advance\b", re.I)

# "does / is / will / can …" opening one of its sentences: a question asking yes or no
ASKS_YES_NO = re.compile(r"(^|[.?!;]\s+)(does|do|is|are|will|would|can|could|may)\b", re.I)
# "坏账保护是通过…的方案": a sentence that opens by saying what a term is
_IS_DEFINED = re.compile(r"^(?P<term>[\u4e00-\u9fff]{2,8}?)(?:是|即)(?P<body>[^。；;]{6,80})")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_UNASKED = frozenset(words("english_unasked_terms"))  # lexicon.yaml: naming them says nothing of what is asked
_LATIN_NAME = re.compile(r"[A-Za-z]{2,}|\d+/\d+")  # a word or a "2/10" an article may write as it is

T = TypeVar("T")


def chinese_terms(question: str) -> list[str]:
    """The Chinese words of a question: for an English one, the glossary terms normalisation added."""
    return _HAN_RUN.findall(question)


def defined_in(sentence: str, question: str) -> tuple[str, str] | None:
    """(term, body) when the sentence opens by saying what a term the question names is ("X是Y"), else None."""
    match = _IS_DEFINED.match(sentence)
    if match is None or not any(t in match.group("term") for t in chinese_terms(question)):
        return None
    return match.group("term"), match.group("body")


def asked_units(text: str) -> set[str]:
    """The unit classes of figure an English question asks for (``days``, ``percent``)."""
    return {unit for unit, asks in ASKS_UNITS.items() if asks.search(text)}


def names(question: str, term: str, english: Sequence[str]) -> bool:
    """True when the question names a Chinese term: the term itself (the glossary added it for the search)
    or one of its English renderings ``english`` as whole words."""
    if not term:
        return False
    lowered = question.lower()
    return term in question or any(re.search(rf"\b{re.escape(e.lower())}\b", lowered) for e in english if e)


def first_stating(sentences: Sequence[T], states: Callable[[T], object]) -> T | None:
    """The first sentence (lead first) for which ``states`` gives something, else None."""
    return next((s for s in sentences if states(s)), None)


def named_count(text: str, question: str) -> int:
    """How much of what the question names ``text`` holds: the characters of its Chinese terms (for an English
    question, its glossary terms; the generic ones every answer shares left out; a longer term says more), and
    of its Latin names the article writes too ("Net 30", "DSO")."""
    asked = [t for t in dict.fromkeys(chinese_terms(question)) if t not in _UNASKED]
    latin = dict.fromkeys(_LATIN_NAME.findall(question))
    return (sum(len(t) for t in asked if t in text)
            + sum(len(w) for w in latin if re.search(rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])", text, re.I)))


def clauses(text: str) -> list[str]:
    """A sentence's clauses (cut at commas, semicolons and colons), those of four characters or more."""
    return [c for c in re.split(r"[，,；;：:。]", text) if len(c) >= 4]


def item_of(text: str, figure: str) -> str:
    """The item of a "、" list in ``text`` that holds ``figure`` (a figure says nothing of the other items)."""
    return next((i for i in text.split("、") if figure in i), text)
