"""Homophone typos corrected against the corpus vocabulary by pinyin (``理陪`` -> ``理赔``, ``逾其`` -> ``逾期``).

Pinyin input methods produce the right sound with the wrong character. A run of Chinese characters in
the question that is neither a corpus word nor a dictionary word, but sounds exactly like a corpus word
(toneless pinyin) differing in one character, is replaced by that word. Only corpus words of at least
``typo_min_word`` characters (``lexicon.yaml``) are targets: shorter ones are too ambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from knowledge.lexicon import lexicon
from knowledge.terms import STOPWORDS, is_domain_word, segment

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
MAX_WORD = 4


@lru_cache(maxsize=4096)
def _sound(text: str) -> tuple[str, ...]:
    from pypinyin import lazy_pinyin

    return tuple(lazy_pinyin(text))


def _blank(word: str, i: int) -> str:
    return f"{word[:i]}*{word[i + 1:]}"


def _dictionary() -> dict[str, int]:
    from knowledge.terms import _tokenizer

    return _tokenizer().FREQ


COMMON_FREQ = 5000  # a corpus word this frequent in everyday Chinese (不是, 时间) is no typo target


def _specific(word: str) -> bool:
    """A domain word, or a word rare in everyday Chinese: a homophone of it is likely a typo."""
    return is_domain_word(word) or _dictionary().get(word, 0) < COMMON_FREQ


class TypoCorrector:
    """Corrects homophone typos in questions against the words of a corpus."""

    def __init__(self, texts: Iterable[str]) -> None:
        shortest = int(lexicon().get("typo_min_word", 2))
        words = {w for text in corpus_words(tuple(texts)) for w in text
                 if shortest <= len(w) <= MAX_WORD and _HAN_RUN.fullmatch(w)}
        self.words = words
        # each word with one character blanked -> the words that give it: a window matching none of them is no
        # word's one-character slip, so its pinyin (the costly part of a question's check) is never worked out, and
        # a corpus word's pinyin only when a window one character off it is checked (pypinyin's import and a
        # thousand words' sounds are ~1 s of a server's start)
        self.one_off: dict[str, list[str]] = {}
        for word in sorted(words):
            for i in range(len(word)):
                self.one_off.setdefault(_blank(word, i), []).append(word)

    def _replacement(self, window: str) -> str | None:
        if window in self.words or _dictionary().get(window):
            return None
        near = sorted({w for i in range(len(window)) for w in self.one_off.get(_blank(window, i), [])})
        if not near:
            return None
        sound = _sound(window)
        for word in near:  # each one character off the window (the window is no corpus word)
            if _sound(word) == sound and _specific(word):
                return word
        return None

    def correct(self, text: str) -> str:
        """``text`` with its homophone typos replaced by corpus words (unchanged when there are none)."""
        if not self.words:
            return text
        out = list(text)
        for run in _HAN_RUN.finditer(text):
            start, chars = run.start(), run.group(0)
            i = 0
            while i < len(chars) - 1:
                for size in range(min(MAX_WORD, len(chars) - i), 1, -1):
                    if size >= 3 and chars[i : i + size] in self.words:  # a corpus word is read whole: no slip
                        i += size - 1  # inside it ("信用政策" holds no "用证")
                        break
                    word = self._replacement(chars[i : i + size])
                    if word is not None:
                        out[start + i : start + i + size] = list(word)
                        i += size - 1
                        break
                i += 1
        return "".join(out)


@lru_cache(maxsize=2)
def corpus_words(texts: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Each of a corpus's texts as jieba words (:func:`~knowledge.terms.segment`), cut once per corpus: the typo
    targets, the subject words and the composer's vocabulary all read them (cut three times over, ~0.5 s of a
    server's start)."""
    return tuple(tuple(segment(text)) for text in texts)


@lru_cache(maxsize=2)
def corrector_for(texts: tuple[str, ...]) -> TypoCorrector:
    """One corrector per corpus (the retriever and the composer share it)."""
    return TypoCorrector(texts)


def corpus_texts(chunks: Iterable[object]) -> tuple[str, ...]:
    """The texts a corpus's vocabulary is read from: each chunk's heading and text."""
    return tuple(f"{c.heading}\n{c.text}" for c in chunks)  # type: ignore[attr-defined]


KEYWORD_CHUNKS = 3  # a word in this many chunks of a corpus is one of its subjects...
KEYWORD_FREQ = 300  # ...when it is rare in everyday Chinese (jieba's dictionary frequency below this)


def corpus_keywords(texts: Iterable[str]) -> frozenset[str]:
    """The corpus's own subject words: words rare in everyday Chinese found in several chunks.

    "保理" in a corpus about factoring; never "企业" or "风险", which are everyday words.
    """
    seen: dict[str, int] = {}
    for text in corpus_words(tuple(texts)):
        for word in {w for w in text if len(w) >= 2 and _HAN_RUN.fullmatch(w)}:
            seen[word] = seen.get(word, 0) + 1
    rare = {w for w, n in seen.items() if n >= KEYWORD_CHUNKS and _dictionary().get(w, 0) < KEYWORD_FREQ}
    return frozenset(w for w in rare if is_domain_word(w) or w not in STOPWORDS)
