"""Word segmentation for BM25: jieba with a trade-credit domain dictionary and stopwords.

Glossary (the domain words kept whole): 应收账款 = accounts receivable; 应收账款周转天数 = DSO
(days sales outstanding); 信用限额 / 信用额度 = credit limit; 拖欠 = protracted default;
坏账 / 呆坏账 = bad debt; 除外责任 = exclusions; 追偿 = recovery; 超额损失限额 = excess-of-loss limit.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

from knowledge.lexicon import search_synonyms, words

logger = logging.getLogger(__name__)

# Words jieba keeps whole (lexicon.yaml ``domain_words``).
DOMAIN_WORDS: tuple[str, ...] = words("domain_words")

STOPWORDS: frozenset[str] = frozenset(
    """的 了 和 与 及 或 是 在 有 也 都 就 而 对 为 以 于 把 被 让 给 从 到 等 这 那 其 之 个 些 此 吗 呢 吧 啊 呀
    么 嘛 哦 我 我们 你 你们 您 他 她 它 他们 自己 怎么 怎么样 怎样 如何 什么 哪些 哪 多少 能 会 可以 可 要 需要 应
    应该 该 吗 还 又 再 很 更 最 太 不 没 没有 吧 请问 一下 一个 一些 这种 这个 那个 这样 那样 如果 但 但是 因为
    所以 并 并且 通过 进行 已经 还是 还有 时候 时 后 前 中 里 上 下 吗 想 问 请 帮 啥 咋 么 得 着 过 能否
    是否 比如 例如 现在 目前 一般 通常 平时 具体 方面""".split()
)

# Colloquial words a user types -> the words the articles use (query side only; lexicon.yaml ``search_synonyms``).
QUERY_SYNONYMS: dict[str, tuple[str, ...]] = search_synonyms()

_ASCII = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*")
_WORDLIKE = re.compile(r"[\u4e00-\u9fff]|[a-z0-9]")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _tokenizer():  # noqa: ANN202 - jieba.Tokenizer
    import jieba

    jieba.setLogLevel(logging.WARNING)
    # jieba's default tokenizer, not a second one: its word table is ~70 MB, and the buyer-name checks in
    # tools segment with the default one in the same process; the domain words do not touch a trade name
    tok = jieba.dt
    for word in DOMAIN_WORDS:
        tok.add_word(word, freq=200000)
    with _lock:
        tok.initialize()
    return tok


def tokenize(text: str) -> list[str]:
    """Segment ``text`` into lowercase search terms (jieba search mode, stopwords dropped).

    Long words are also split into their dictionary sub-words (``应收账款周转天数`` yields
    ``应收账款``, ``周转天数`` …), so a paraphrase using a shorter word still matches.
    """
    terms: list[str] = []
    for word in _tokenizer().cut_for_search(text.lower()):
        word = word.strip()
        if not word or word in STOPWORDS or not _WORDLIKE.search(word):
            continue
        terms.append(word)
    return terms


def segment(text: str) -> list[str]:
    """``text`` as jieba words (precise mode, with the domain dictionary), whitespace dropped."""
    return [w for w in _tokenizer().lcut(text) if w.strip()]


@lru_cache(maxsize=1)
def _t2s():  # noqa: ANN202 - opencc.OpenCC
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=512)
def to_simplified(text: str) -> str:
    """Traditional -> simplified Chinese (``壞帳`` -> ``坏帐``); other text is returned unchanged."""
    if not any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return text
    # OpenCC keeps the variant 帐 (坏帐, 帐款); the articles write 账.
    return _t2s().convert(text).replace("帐", "账")


# "赔不赔 / 保不保 / 能不能 / 有没有": one question, whether A; its 不 or 没 negates nothing.
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")


def without_a_not_a(text: str) -> str:
    """``text`` with each A-not-A question reduced to its A ("信用险赔不赔" -> "信用险赔"), so that "不赔"
    is found only where the user says it will not pay."""
    return _A_NOT_A.sub(r"\1", text)


def query_terms(text: str) -> tuple[list[str], list[str]]:
    """:func:`tokenize` and, separately, the article words for its colloquial words (``不赔`` -> ``除外责任``).

    The colloquial words are looked for in the question without its A-not-A pairs ("赔不赔" says no "不赔")."""
    terms = tokenize(text)
    asked = without_a_not_a(text)
    asked_terms = terms if asked == text else tokenize(asked)
    synonyms = [syn for term in asked_terms for syn in QUERY_SYNONYMS.get(term, ())]
    for word, replacements in QUERY_SYNONYMS.items():
        if len(word) > 1 and word in asked and word not in asked_terms:
            synonyms.extend(replacements)
    extra = tokenize(" ".join(synonyms)) if synonyms else []
    return terms, [t for t in dict.fromkeys(extra) if t not in terms]


def is_domain_word(word: str) -> bool:
    """True when ``word`` is in the domain dictionary."""
    return word in DOMAIN_WORDS
