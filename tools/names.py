"""Which buyers of the credit service's directory a chat message names, however loosely it is typed.

Pure text work, no I/O: :class:`NameIndex` is built once from the directory (id, name, USCC of every
buyer) and :meth:`NameIndex.find` reads one message. A Chinese company name is, by the registration
rules, region + trade name (字号) + line of business + legal form ("某市 + 宏达 + 电子科技 + 有限公司"); users
type the trade name, often without the rest, with a typo, a homophone or in pinyin. A Latin name is
matched word by word (case, spacing and accents ignored, legal forms dropped), the first word required.

Scores (0..1]: an id or USCC typed 1.0; the trade name as written about 0.8-1.0 (more of the name
matched, higher); in pinyin 0.8; a homophone or a one-character slip with the region or business
matched around it 0.65-0.7; region and line of business without any trade name 0.5. The caller decides
how much evidence a message needs (:data:`SURE`, :data:`PLAUSIBLE`).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import jieba
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from tools.postags import tag

jieba.setLogLevel(logging.WARNING)  # its dictionary loading is not news

SURE = 0.75  # enough on its own
PLAUSIBLE = 0.5  # enough when the message is plainly about a buyer

_CN_LEGAL = re.compile(r"(?:股份有限公司|有限责任公司|集团有限公司|有限公司|集团公司|股份公司|公司|集团|总厂|厂|商行)$")
# An explicit administrative region at the start ("广东省东莞市", "浦东新区"); otherwise the name's first word.
_CN_REGION = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}省)?(?:[\u4e00-\u9fff]{2,3}[市州盟])?(?:[\u4e00-\u9fff]{2,3}[区县])?")
_LATIN_LEGAL = frozenset(
    "co ltd llc gmbh inc corp plc pt tbk sa ag bv nv srl spa kg limited company corporation jsc".split()
)
_HAN = re.compile(r"[\u4e00-\u9fff]+")
# jieba's tags for proper nouns (person, place, organisation, other), and the dictionary count under which a word
# is rare: a 字号 is coined, rare, or filed by jieba as a proper noun.
_PROPER_TAGS = frozenset({"nr", "nrfg", "nrt", "ns", "nt", "nz"})
_RARE = 100
# Not a trade name however rare: numerals, measure words, pronouns, adverbs, prepositions, conjunctions,
# particles, places, and verbs and adjectives (jieba glues a colloquial "没结" into a new verb).
_NOT_NAME_TAGS = frozenset("mqrdpcufva")
_LATIN_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Hit:
    """A buyer the message names: its id, how sure (0..1] and where in the message (start, end)."""

    buyer_id: str
    name: str
    score: float
    span: tuple[int, int]
    alone: bool = False  # only the trade name was found: the words around it decide (:mod:`tools.intents`)
    body: str = ""  # the Chinese name without its legal form


@dataclass(frozen=True)
class _Chinese:
    buyer_id: str
    name: str
    body: str  # without the legal form
    region: str
    brand: str  # the trade name (字号), two characters
    brand_sound: tuple[str, ...]


@dataclass(frozen=True)
class _Latin:
    buyer_id: str
    name: str
    words: tuple[str, ...]


def fold(text: str) -> str:
    """Lower case without accents ("Müller" -> "muller"), full-width forms made plain."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return "".join(c for c in text if not unicodedata.combining(c)).replace("ß", "ss")


def sounds(text: str) -> list[str]:
    """The toneless pinyin of each character of a run of Chinese characters (one syllable per character).

    Each character is read on its own (its usual reading), the same way for names and messages.
    """
    return [_sound(c) for c in text]


@lru_cache(maxsize=8192)
def _sound(char: str) -> str:
    from pypinyin import lazy_pinyin  # on first use: its tables are ~0.4 s and ~55 MB, which a chat server may never need

    return lazy_pinyin(char)[0]


def split_chinese(name: str) -> tuple[str, str, str] | None:
    """(body without legal form, region, trade name) of a Chinese company name; ``None`` when too short."""
    body = _CN_LEGAL.sub("", re.sub(r"[\s()（）]", "", name))
    if len(body) < 2 or not _HAN.fullmatch(body):
        return None
    region = _CN_REGION.match(body).group()
    if not region and len(body) >= 6:  # the first word: "石家庄", "东莞" (jieba knows most place names)
        first = jieba.lcut(body, HMM=False)[0]
        region = first if 2 <= len(first) <= 4 else body[:2]
    if len(body) - len(region) < 2:
        region = ""
    return body, region, body[len(region) : len(region) + 2]


def may_be_a_name(text: str) -> bool:
    """Whether a Chinese phrase may hold the 字号 of some firm ("恒丰", "宏远", a typo of one).

    Some word of it is a proper noun, or a noun jieba does not know or rarely sees; common words
    alone ("一般", "货款", "有几家") name no one.
    """
    for word, flag in tag(text):
        if not _HAN.search(word):
            continue
        if flag in _PROPER_TAGS or (
            len(word) >= 2 and flag[0] not in _NOT_NAME_TAGS and jieba.dt.FREQ.get(word, 0) < _RARE
        ):
            return True
    return False


class NameIndex:
    """The directory's names, indexed by trade name, its sound, region and first Latin word."""

    def __init__(self, entries: Iterable[tuple[str, str, str]]) -> None:
        """``entries``: (buyer_id, name, uscc) of every buyer."""
        self.codes: dict[str, tuple[str, str]] = {}
        self.by_brand: dict[str, list[_Chinese]] = defaultdict(list)
        self.by_sound: dict[tuple[str, ...], list[_Chinese]] = defaultdict(list)
        self.by_region: dict[str, list[_Chinese]] = defaultdict(list)
        self.by_word: dict[str, list[_Latin]] = defaultdict(list)
        self.by_pinyin: dict[str, list[_Chinese]] = defaultdict(list)
        for buyer_id, name, uscc in entries:
            for code in (buyer_id, uscc):
                if code:
                    self.codes[code.casefold()] = (buyer_id, name)
            self._add(buyer_id, name)
        self.long_words = [w for w in self.by_word if len(w) >= 5]
        self.size = len(self.codes)

    def _add(self, buyer_id: str, name: str) -> None:
        parts = split_chinese(name)
        if parts:
            body, region, brand = parts
            entry = _Chinese(buyer_id, name, body, region, brand, tuple(sounds(brand)))
            self.by_brand[brand].append(entry)
            self.by_sound[entry.brand_sound].append(entry)
            self.by_pinyin["".join(entry.brand_sound)].append(entry)
            if region:
                self.by_region[region].append(entry)
            return
        words = tuple(w for w in _LATIN_WORD.findall(fold(name)) if w not in _LATIN_LEGAL)
        if words:
            self.by_word[words[0]].append(_Latin(buyer_id, name, words))

    def find(self, message: str) -> list[Hit]:
        """Every buyer the message may name, best first (one hit per buyer)."""
        text = fold(message)
        hits = [*self._codes(text), *self._chinese(text), *self._latin(text)]
        best: dict[str, Hit] = {}
        for hit in hits:
            if hit.buyer_id not in best or hit.score > best[hit.buyer_id].score:
                best[hit.buyer_id] = hit
        return sorted(best.values(), key=lambda h: (-h.score, h.span[0], h.buyer_id))

    def _codes(self, text: str) -> Iterable[Hit]:
        """Ids and USCCs typed whole, or an id's letters and digits apart ("cn 1007", "CN-1007")."""
        for m in re.finditer(r"(?<![0-9a-z])[a-z]+[\s-]+\d+(?![0-9a-z])|[0-9a-z]+", text):
            found = self.codes.get(re.sub(r"[\s-]+", "", m.group()))
            if found:
                yield Hit(found[0], found[1], 1.0, m.span())

    def _chinese(self, text: str) -> Iterable[Hit]:
        for run in _HAN.finditer(text):
            chars, start = run.group(), run.start()
            syllables = sounds(chars)
            candidates: set[_Chinese] = set()
            for i in range(len(chars) - 1):
                candidates.update(self.by_brand.get(chars[i : i + 2], ()))
                candidates.update(self.by_sound.get(tuple(syllables[i : i + 2]), ()))
                candidates.update(self.by_region.get(chars[i : i + 2], ()))
                candidates.update(self.by_region.get(chars[i : i + 3], ()))
            for entry in candidates:
                hit = _score_chinese(entry, chars, syllables, start)
                if hit:
                    yield hit
        for m in _LATIN_WORD.finditer(text):  # a trade name typed in pinyin: "hongda", "hong da"
            following = _LATIN_WORD.match(text, m.end() + 1) if text[m.end() : m.end() + 1] == " " else None
            typed = [(m.group(), m.span())]
            if following:
                typed.append((m.group() + following.group(), (m.start(), following.end())))
            for word, span in typed:
                for entry in self.by_pinyin.get(word, ()):
                    yield Hit(entry.buyer_id, entry.name, 0.8, span)

    def _latin(self, text: str) -> Iterable[Hit]:
        tokens = [(m.group(), m.span()) for m in _LATIN_WORD.finditer(text)]
        for i, (token, _) in enumerate(tokens):
            for entry in self._by_first_word(token):
                run = _latin_run(entry.words, [t for t, _ in tokens[i:]])
                whole = run == len(entry.words)
                if run >= 2 or whole:
                    score = 0.75 + 0.25 * run / len(entry.words)
                elif len(token) >= 5 and i + 1 < len(tokens) and tokens[i + 1][0] in _LATIN_LEGAL:
                    score = SURE  # the first word, then a legal form ("Muller GmbH"): a firm's name as typed
                elif len(token) >= 5:
                    score = 0.6  # the first word alone: a buyer only when the message is about one
                else:
                    continue
                yield Hit(entry.buyer_id, entry.name, round(score, 3), (tokens[i][1][0], tokens[i + run - 1][1][1]))

    def _by_first_word(self, token: str) -> list[_Latin]:
        found = list(self.by_word.get(token, ()))
        if len(token) >= 5:  # a slip in a long word: "muler" for "muller"
            for word, _, _ in process.extract(token, self.long_words, scorer=fuzz.ratio, score_cutoff=85, limit=None):
                if word != token:
                    found.extend(self.by_word[word])
        return found


def _latin_run(words: tuple[str, ...], tokens: list[str]) -> int:
    """How many of the name's words the tokens give in order from the first (a slip allowed in long words)."""
    run = 0
    for word, token in zip(words, tokens):
        if token != word and not (len(word) >= 5 and fuzz.ratio(word, token) >= 85):
            break
        run += 1
    return run


def _matched_share(body: str, chars: str) -> float:
    """The share of the name's characters found in the message in runs of two or more."""
    covered = [False] * len(body)
    for i in range(len(body) - 1):
        for j in range(len(body), i + 1, -1):
            if body[i:j] in chars:
                covered[i:j] = [True] * (j - i)
                break
    return sum(covered) / len(body)


def _score_chinese(entry: _Chinese, chars: str, syllables: list[str], start: int) -> Hit | None:
    """How surely the run of Chinese characters ``chars`` names ``entry`` (``None``: it does not)."""
    at = chars.find(entry.brand)
    alone = False
    if at >= 0:
        share = _matched_share(entry.body, chars)
        score, alone = 0.8 + 0.2 * share, share * len(entry.body) <= len(entry.brand)
    else:
        at = next((i for i in range(len(syllables) - 1) if tuple(syllables[i : i + 2]) == entry.brand_sound), -1)
        if at >= 0:
            score = 0.7 + 0.1 * _matched_share(entry.body, chars)  # a homophone: "宏源" for "宏远"
        else:
            at, score = _near_brand(entry, chars)
    if at < 0:
        return None
    width = len(entry.brand) if score >= 0.65 else len(entry.region)
    span = (start + at, start + at + width)
    return Hit(entry.buyer_id, entry.name, round(min(score, 1.0), 3), span, alone, entry.body)


def _near_brand(entry: _Chinese, chars: str) -> tuple[int, float]:
    """Region and business typed but the trade name slipped by one character (0.65), or missing (0.5)."""
    if not entry.region or entry.region not in chars:
        return -1, 0.0
    after = chars.find(entry.region) + len(entry.region)
    rest = entry.body[len(entry.region) + len(entry.brand) :]
    business = any(rest[i : i + 2] in chars for i in range(len(rest) - 1))
    if not business:
        return -1, 0.0
    typed = chars[after : after + len(entry.brand)]
    if len(typed) == len(entry.brand) and Levenshtein.distance(typed, entry.brand) <= 1:
        return after, 0.65 + 0.1 * _matched_share(entry.body, chars)
    return chars.find(entry.region), 0.5
