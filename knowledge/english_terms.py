"""Chinese domain nouns in English (``english_terms`` of ``knowledge/lexicon.yaml``), and whether a question
was asked in English.

An English reply names the articles' Chinese terms in English where the lexicon knows them and quotes the
rest in Chinese: nothing is translated that the lexicon does not list. A question normalised for retrieval
carries Chinese glossary terms; :func:`asked_in_english` sets them aside before judging its language.
"""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.lexicon import english_glossary, lexicon, synonyms

_LEFT_OVER = 2  # an item with more Chinese characters than this outside known terms stays in Chinese
_HAN = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _glossary() -> tuple[dict[str, str], re.Pattern[str] | None]:
    entries = {str(k): str(v) for k, v in (lexicon().get("english_terms") or {}).items()}
    if not entries:
        return entries, None
    # the longest term first, so that 应收账款周转天数 wins over 应收账款
    return entries, re.compile("|".join(re.escape(k) for k in sorted(entries, key=len, reverse=True)))


@lru_cache(maxsize=1)
def _glossary_terms() -> frozenset[str]:
    # what normalisation adds to an English question: glossary terms, and the synonyms those bring along
    return frozenset(t for added in [*english_glossary().values(), *synonyms().values()] for t in added.split())


def asked_in_english(text: str) -> bool:
    """True for an English question once the Chinese terms the glossary added for retrieval are set aside
    ("Excluded risks? 除外责任 不覆盖"); a Chinese question with English words (AR, claim) is not."""
    rest = " ".join(w for w in text.split() if w not in _glossary_terms())
    return bool(re.search(r"[A-Za-z]{2,}", rest)) and not _HAN.search(rest)


def nouns(text: str) -> list[str]:
    """The English of the glossary's Chinese terms in ``text``, in order of appearance, each once."""
    entries, pattern = _glossary()
    if pattern is None:
        return []
    return list(dict.fromkeys(entries[m.group(0)] for m in pattern.finditer(text)))


def head_noun(text: str) -> str:
    """The English of the glossary term ``text`` ends with, else "": a Chinese phrase names its head noun last
    ("高风险客户须采用预付款" is a prepayment)."""
    entries, pattern = _glossary()
    text = text.strip(" 。，,；;等")
    ends = [m for m in pattern.finditer(text) if m.end() == len(text)] if pattern is not None else []
    return entries[ends[-1].group(0)] if ends else ""


def in_english(text: str) -> str:
    """A Chinese name (an aspect, a subject) in English: its known terms joined by "or", else quoted in Chinese."""
    known = nouns(text)
    if not known:
        return f"“{text}”"
    return known[0] if len(known) == 1 else ", ".join(known[:-1]) + " or " + known[-1]


def render(item: str) -> str:
    """A Chinese item in English when the glossary knows (nearly) all of it, else quoted in Chinese."""
    item = item.strip(" 。，,；;等")
    entries, pattern = _glossary()
    if item in entries:
        return entries[item]
    left = pattern.sub("", item) if pattern is not None else item
    known = nouns(item) + re.findall(r"[A-Za-z][A-Za-z0-9/-]*", left)  # Latin words (DSO) are English already
    if known and len(re.findall(r"[\u4e00-\u9fff]", left)) <= _LEFT_OVER:
        return " ".join(known)
    return f"“{item}”"
