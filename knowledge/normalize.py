"""Question normalisation before retrieval: script detection, Traditional -> Simplified, English glossary.

The articles are in Simplified Chinese. A Traditional-Chinese question is converted with OpenCC's
``t2s`` tables (``opencc-python-reimplemented``); an English question keeps its text (the multilingual
embedding reads it) and gains the Chinese domain terms of a small glossary, so the lexical ranker
and the answer composer can match it too. :func:`to_user_script` converts an answer back.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from knowledge.lexicon import english_glossary, search_synonyms, synonyms
from knowledge.terms import without_a_not_a

logger = logging.getLogger(__name__)

Script = Literal["hans", "hant", "en"]

# English domain phrases -> Chinese query terms (lexicon.yaml ``english_glossary``). Longer phrases are matched first.
GLOSSARY: dict[str, str] = english_glossary()


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A glossary phrase as a pattern: whole words, a space or hyphen between them, an optional plural ending
    and apostrophe."""
    # an apostrophe may be left out or typed curly ("hasnt paid", "hasn’t paid"), as users type them
    words = [re.escape(w).replace("'", "['’]?") for w in re.split(r"[\s\-]+", phrase.strip())]
    return re.compile(r"(?<![a-z])" + r"[\s\-]+".join(words) + r"(?:s|es)?(?![a-z])")


_GLOSSARY_PATTERNS = [(_phrase_pattern(k), v) for k, v in sorted(GLOSSARY.items(), key=lambda kv: -len(kv[0]))]


_HAN = re.compile(r"[\u4e00-\u9fff]")
_BEFORE = re.compile(r"([\u4e00-\u9fff]{2})(?:之前|以前)")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@dataclass(frozen=True)
class NormalizedQuery:
    """A question ready for retrieval.

    Attributes:
        original: the user's text as received.
        text: Simplified-Chinese text (English keeps its words, plus glossary terms) for retrieval.
        script: ``hans``, ``hant`` or ``en`` — the script the answer should be given in.
        surface: the Simplified text before glossary and synonym terms were added ("" if unknown);
            whether a message is a short follow-up is judged on it.
    """

    original: str
    text: str
    script: Script
    surface: str = ""


@lru_cache(maxsize=2)
def _converter(config: str):  # noqa: ANN202 - OpenCC has no type stubs
    from opencc import OpenCC

    return OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional -> Simplified Chinese (``帳`` becomes the mainland ``账`` used by the articles)."""
    return _converter("t2s").convert(text).replace("帐", "账")


def to_traditional(text: str) -> str:
    """Simplified -> Traditional Chinese."""
    return _converter("s2t").convert(text)


def detect_script(text: str) -> Script:
    """``en`` when the text has Latin words and no Han characters; ``hant`` when converting changes it."""
    han = _HAN.findall(text)
    if not han:
        return "en" if _LATIN_WORD.search(text) else "hans"
    joined = "".join(han).replace("帐", "账")  # 帐 is common in Simplified text too (帐期, 坏帐)
    return "hant" if to_simplified(joined) != joined else "hans"


@lru_cache(maxsize=1)
def _glossary_words() -> dict[str, str]:
    """Each glossary word of 7+ letters with one inner letter dropped -> the word ("managment" -> "management";
    not the last letter: "insure" is a word of its own, not a typed "insurer")."""
    whole = {w for phrase in GLOSSARY for w in re.split(r"[\s\-]+", phrase.lower())}
    return {w[:i] + w[i + 1 :]: w for w in whole if len(w) >= 7 for i in range(1, len(w) - 1)
            if w[:i] + w[i + 1 :] not in whole}


def _letters_restored(lowered: str) -> str:
    """An English word typed with one letter of a glossary word left out, restored ("bankrupcy", "managment"):
    the commonest typo of long words; a real word is rarely a longer glossary word less one letter."""
    dropped = _glossary_words()
    return re.sub(r"[a-z]{6,}", lambda m: dropped.get(m.group(0), m.group(0)), lowered)


def glossary_terms(text: str) -> list[str]:
    """Chinese domain terms for the English phrases found in ``text`` (longest phrases first)."""
    lowered = _letters_restored(text.lower())
    terms: list[str] = []
    for pattern, chinese in _GLOSSARY_PATTERNS:
        if pattern.search(lowered):
            lowered = pattern.sub(" ", lowered)
            for term in chinese.split():
                if term not in terms:
                    terms.append(term)
    return terms


def glossary_heads(text: str) -> list[str]:
    """The first Chinese term of each English phrase found in ``text``: what the phrase names, without the
    synonyms added for the search ("insolvent" names 破产, not also 无力偿付)."""
    lowered = _letters_restored(text.lower())
    heads: list[str] = []
    for pattern, chinese in _GLOSSARY_PATTERNS:
        if pattern.search(lowered):
            lowered = pattern.sub(" ", lowered)
            heads.append(chinese.split()[0])
    return list(dict.fromkeys(heads))


def expand_synonyms(text: str) -> str:
    """``text`` plus the article wording of colloquial words it contains."""
    extra = [v for k, v in synonyms().items() if k in text and v not in text]
    # "投保之前" is written "投保前" in the articles (and "承保前"): add the short form
    extra += [m.group(1) + "前" for m in _BEFORE.finditer(text)]
    return f"{text} {' '.join(extra)}" if extra else text


@lru_cache(maxsize=1)
def _article_words() -> tuple[tuple[str, str], ...]:
    """Colloquial word -> its article words (both synonym sections of the lexicon), longest word first."""
    pairs = dict(synonyms())
    for word, article in search_synonyms().items():
        pairs[word] = " ".join(filter(None, [pairs.get(word, ""), *article]))
    return tuple(sorted(pairs.items(), key=lambda kv: -len(kv[0])))


def in_article_words(text: str) -> str:
    """``text`` with each colloquial word the lexicon knows replaced by the article words for it.

    "信用险" becomes "信用保险": no fragment of a colloquial form ("用险") is left to look like a
    subject the articles never name.
    """
    text = without_a_not_a(text)  # "赔不赔" asks whether it pays: no "不赔" in it
    for word, article in _article_words():
        text = text.replace(word, f" {article} ")
    return text


def normalize_query(text: str) -> NormalizedQuery:
    """NFKC, Simplified Chinese, glossary terms for English, synonyms for colloquial words."""
    original = text
    text = unicodedata.normalize("NFKC", text).strip()
    script = detect_script(text)
    if script == "hant":
        text = to_simplified(text)
    surface = text
    if _LATIN_WORD.search(text):
        terms = glossary_terms(text)
        if terms:
            text = f"{text} {' '.join(terms)}"
    return NormalizedQuery(original=original, text=expand_synonyms(text), script=script, surface=surface)


def to_user_script(text: str, script: Script) -> str:
    """An answer in the user's script: Traditional for a Traditional question, else unchanged."""
    return to_traditional(text) if script == "hant" else text
