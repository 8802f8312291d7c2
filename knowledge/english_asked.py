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

from knowledge.english_terms import render
from knowledge.lexicon import words
from knowledge.normalize import glossary_heads

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
_UNASKED = frozenset(words("english_unasked_terms"))
# English words bounding or averaging the asked quantity, as the Chinese words the absence check reads
_QUALIFIERS = {"average": "平均", "typical": "一般", "minimum": "最低", "maximum": "最高", "at least": "至少",
               "at most": "最多"}  # lexicon.yaml: naming them says nothing of what is asked
_LATIN_NAME = re.compile(r"[A-Za-z]{2,}|\d+/\d+")  # a word or a "2/10" an article may write as it is

T = TypeVar("T")

# An English question asking a quantity, by the kinds knowledge/absence.py reads from Chinese asking words
# (lexicon.yaml ``quantity_kinds``); the first that matches decides.
_ASKED_KINDS = (
    ("duration", ASKS_UNITS["days"]),
    ("percent", ASKS_UNITS["percent"]),
    ("amount", re.compile(r"\bhow much (?:money|does it cost|is it)\b|\bwhat (?:does|do|would|will) .{1,40}\bcost\b", re.I)),
    # "what is the average/minimum X" (a bare "how many / how much" names its subject too loosely, and "what
    # are the typical signs" asks a list)
    ("figure", re.compile(r"\bwhat(?:'s|s| is| was)\s+(?:the\s+|a\s+)?(?:average|typical|usual|minimum|maximum)\b", re.I)),
)
# ...and the Chinese asking words of each kind, so the check reads the English question as a Chinese one
_CHINESE_ASKING = {"duration": "多少天", "percent": "多少比例", "amount": "多少钱", "figure": "是多少"}
_ACRONYM = re.compile(r"\b[A-Z][A-Za-z]*[A-Z][A-Za-z]*\b")  # "DSO", "TradeScore": written as is in the articles


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


def asked_in_chinese(question: str, known: Callable[[str], bool] | None = None) -> str | None:
    """An English question asking a quantity, put as the Chinese one the absence check reads ("平均DSO是多少"):
    its qualifiers and article terms (the glossary's head terms, the acronyms ``known`` to the articles), then the Chinese
    asking words of its kind; None when it asks no quantity or names no article term.

    The English words never match the articles' Chinese sentences, so without this an English question whose
    asked figure the articles lack got the nearest figure of another thing as its lead.
    """
    kind = next((k for k, asks in _ASKED_KINDS if asks.search(question)), None)
    if kind is None:
        return None
    lowered = question.lower()
    qualifiers = [zh for en, zh in _QUALIFIERS.items() if re.search(rf"\b{en}\b", lowered)]
    latin = [w for w in dict.fromkeys(_ACRONYM.findall(question)) if known is not None and known(w)]
    asked = [t for t in glossary_heads(question) if t not in _UNASKED]
    if not latin and not asked:
        return None
    return "".join([*qualifiers, *latin, *asked]) + _CHINESE_ASKING[kind]


# How an English reply names the absent quantity of each kind (knowledge/absence.py's kinds)
_EN_LABELS = {"duration": "time", "percent": "share", "amount": "amount", "count": "number", "level": "level",
              "figure": "figure"}


def absent_in_english(kind: str, subject: str, question: str) -> str:
    """"Sorry, the articles give no figure for the average DSO.": the absent quantity of an English question, named
    by its English qualifiers and its subject in English where the glossary knows it (quoted Chinese otherwise)."""
    lowered = question.lower()
    qualifiers = [en for en in _QUALIFIERS if re.search(rf"\b{en}\b", lowered)]
    for chinese in _QUALIFIERS.values():
        subject = subject.replace(chinese, "")
    named = " ".join([*qualifiers, render(subject)]) if subject.strip() else " ".join(qualifiers) or "what you ask"
    return f"Sorry, the articles give no {_EN_LABELS.get(kind, 'figure')} for the {named}."
