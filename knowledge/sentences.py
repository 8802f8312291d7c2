"""Sentences of article chunks and how well they match a question.

Chinese is matched on character bigrams (no segmenter needed, robust to unsegmented colloquial
questions), Latin words and numbers as whole tokens, each weighted by its inverse document frequency
over all sentences of the corpus.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_CLAUSE = re.compile(r"[^；;]+[；;]?")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9/]+|\d+(?:\.\d+)?")
_NOISE = re.compile(r"[\uac00-\ud7af]|\d{4}-\d{2}-\d{2}|浏览量|收藏|作者声明|您的姓名|您的电话|您的需求|详细需求|获取企业信用风险管理方案")
LONG_SENTENCE = 110

# Bigrams of question words that say nothing about the topic.
_STOP = {
    "什么", "怎么", "如何", "哪些", "多少", "多久", "是否", "可以", "能够", "需要", "我们", "你们", "他们",
    "一个", "一般", "一下", "这种", "那个", "这个", "请问", "是不", "不是", "有没", "没有", "到底", "现在",
    "帮我", "告诉", "一些", "怎样", "为什", "么样", "么办", "么是", "的是", "了吗", "吗？", "有什", "哪几",
    "几方", "主要", "通常", "应该", "还是", "以及", "或者", "什么", "情况", "问题", "说明", "这样", "那么",
}

# Characters that are (almost always) function words: a bigram containing one spans a word boundary.
_FUNCTION_CHARS = set("的了吗呢吧啊呀么是我你他她它们这那哪啥")

# Sentences that only advertise the provider (dropped unless the question is about the provider).
# ("凭借" only following the provider's name: a client company "凭借保险…获得授信" is a case, not an advert.)
_MARKETING = re.compile(
    r"作为少有的|少有的|(?:安联[\u4e00-\u9fff]{0,2}|服务商[,，]?)凭借|欢迎联系|量身定制|竞争优势|保持韧性|战略推进器|价值创造|坚实基础|稳健发展|关键所在"
    r"|已帮助众多|实现风险可控|专家团队可提供|深度服务模式|前瞻性的风险管理思维|生命线|重要组成部分|本文将"
)
PROVIDER = re.compile(r"安联|服务商|保险公司|provider|insurer|allianz", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    """One sentence (or clause of a long sentence) of a chunk."""

    text: str
    doc_id: str
    chunk_id: str
    position: int


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``; very long ones are split again at semicolons. List dashes are removed."""
    out: list[str] = []
    for raw in _SENTENCE.findall(text):
        sentence = raw.strip().lstrip("-•·* ").strip()
        if len(sentence) < 6:
            continue
        if len(sentence) > LONG_SENTENCE and ("；" in sentence or ";" in sentence):
            out.extend(c.strip() for c in _CLAUSE.findall(sentence) if len(c.strip()) >= 6)
        else:
            out.append(sentence)
    return out


def is_noise(sentence: str) -> bool:
    """Web-page leftovers: view counters, dates, form labels."""
    return bool(_NOISE.search(sentence))


def is_marketing(sentence: str) -> bool:
    """True for sentences that only praise the provider."""
    return bool(_MARKETING.search(sentence))


def terms(text: str) -> list[str]:
    """Matching units of ``text``: Chinese character bigrams (single characters for 1-char runs), Latin words, numbers."""
    out: list[str] = []
    for run in _HAN_RUN.findall(text):
        if len(run) == 1:
            continue
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    out.extend(w.lower() for w in _LATIN.findall(text))
    return [t for t in out if t not in _STOP and not (_FUNCTION_CHARS & set(t))]


@lru_cache(maxsize=50_000)
def term_set(text: str) -> frozenset[str]:
    """The distinct terms of ``text`` (cached: corpus sentences are scored again for every question)."""
    return frozenset(terms(text))


@lru_cache(maxsize=50_000)
def _word_terms(text: str) -> frozenset[str]:
    return frozenset(t for t in terms(text) if not t[0].isdigit())


class TermWeights:
    """Inverse document frequencies of terms over a set of sentences."""

    def __init__(self, sentences: Iterable[str]) -> None:
        df: Counter[str] = Counter()
        n = 0
        for s in sentences:
            n += 1
            df.update(set(terms(s)))
        self.n = max(n, 1)
        self.df = df
        self._idf: dict[str, float] = {}
        self._queries: dict[tuple[str, ...], tuple[set[str], dict[str, float], float]] = {}

    def idf(self, term: str) -> float:
        """Smoothed IDF; unseen terms weigh like moderately rare ones."""
        value = self._idf.get(term)
        if value is None:
            value = self._idf[term] = self._compute_idf(term)
        return value

    def _compute_idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        if df == 0:
            # unseen: a real topic word (退税) or a junk bigram across a word boundary (在是); count it
            # like a moderately rare word rather than the rarest one
            return 0.4 * math.log(self.n + 1)
        return math.log((self.n + 1) / (df + 0.5))

    def coverage(self, query_terms: Iterable[str], text: str) -> float:
        """Share of the query's (IDF-weighted, distinct) terms that occur in ``text``: 0..1."""
        wanted, weight, total = self._weighted(tuple(query_terms))
        if not wanted:
            return 0.0
        return sum(weight[t] for t in wanted & term_set(text)) / total if total else 0.0

    def _weighted(self, query_terms: tuple[str, ...]) -> tuple[set[str], dict[str, float], float]:
        """The distinct terms, their IDFs and the sum: one question is scored against every sentence."""
        known = self._queries.get(query_terms)
        if known is None:
            wanted = set(query_terms)
            known = (wanted, {t: self.idf(t) for t in wanted}, sum(self.idf(t) for t in wanted))
            if len(self._queries) >= 256:
                self._queries.clear()
            self._queries[query_terms] = known
        return known

    def known_coverage(self, query_terms: Iterable[str], text: str) -> float:
        """Like :meth:`coverage`, counting only terms the corpus knows (a question's typos do not count)."""
        return self.coverage([t for t in set(query_terms) if t in self.df], text)

    def similarity(self, a: str, b: str) -> float:
        """IDF-weighted cosine of the term sets of two sentences, numbers ignored."""
        ta = _word_terms(a)
        tb = _word_terms(b)
        if not ta or not tb:
            return 0.0
        common = sum(self.idf(t) ** 2 for t in ta & tb)
        norm = math.sqrt(sum(self.idf(t) ** 2 for t in ta) * sum(self.idf(t) ** 2 for t in tb))
        return common / norm if norm else 0.0


# --- the shape of a sentence -------------------------------------------------------------------
# "当客户评级下降时即时提示调整…", "如果逾期时间较长，可以考虑…": a condition, then what to do (应 of 应收账款 is no "should")
_ON_CONDITION = re.compile(r"(?:(?:当|如果|若|一旦|遇到)[^。]{2,30}?|[^，,。]{2,20}(?:时|的话)[，,])[^。]{0,12}?"
                           r"(?:应(?!收|付)|需(?!求)|可以|建议|须|必须|立即|及时|即时)")
# what one should do: a modal ("建议…", "企业应…", "必须采用…", "可以考虑…"), or an instruction, bare or after a
# label ("对中等风险客户设置…", "额度管理：根据评估结果设定…") (应 of 应收/应付/效应/应对 is no "should"; a buyer
# "频繁要求延长" is a sign, not a requirement of ours; a bare 需 states a procedure's condition, "理赔时需提供单据")
_RECOMMENDS = re.compile(
    r"建议|(?<!效)应(?!收|付|对|用)|需要|必须|务必|(?<![无必])须|要求(?:新|买|客)|关键(?:要|在于)|重要的是要|"
    r"可以?(?:考虑|采取|通过|利用|借助|建立|设计|采用)|"
    r"^(?:[^：:，,。]{2,12}[：:])?(?:对|为|针对)[^，,。；;]{1,16}(?:客户|买方|买家|业务|交易)|"
    r"^(?:[^：:，,。]{2,12}[：:])?(?:首先|其次|定期|建立|制定|设置|设立|采用|采取|实施|发送|核查|调取|查询|明确|保留|利用|严格|启动|"
    r"选择|避免|确保|保持)|^[^：:，,。]{2,12}[：:](?:通过|根据)"
)
# two things set against each other ("与…的区别在于：前者…后者…", "比纸质单据快11天")
_CONTRAST = re.compile(r"区别|差异|不同于|前者|后者|相比|相较|比[^，,。；;]{1,12}(快|慢|高|低|多|少)|[，,；;]而|则")


def advises_on_condition(text: str) -> bool:
    """True for a sentence saying what to do when something happens ("当…时，应…")."""
    return bool(_ON_CONDITION.search(text))


def recommends(text: str) -> bool:
    """True for a sentence saying what to do ("建议…", "高风险客户必须采用预付款", "当…时，应…")."""
    return bool(_RECOMMENDS.search(text)) or advises_on_condition(text)


# a sentence naming what decides something: "X取决于A和B", "由A决定", "视A而定", "与A有关", "A，决定B"
_DEPENDENCE = re.compile(r"取决于|决定于|由[^，,。；;]{1,12}决定|视[^，,。；;]{1,12}而定|与[^，,。；;]{1,12}(?:有关|相关)|"
                         r"受[^，,。；;]{1,12}影响|[，,；;]决定")


_GRADE = re.compile(r"(?<![A-Za-z])[A-D]{1,3}[+-]?级|\d+级|评级为|等级为")


def states_grade(text: str) -> bool:
    """True for a sentence stating a grade or rating ("标准普尔AA级财务实力评级")."""
    return bool(_GRADE.search(text))


def names_factors(text: str) -> bool:
    """True for a sentence naming what something depends on ("理赔效率取决于案件复杂度和文件完整性")."""
    return bool(_DEPENDENCE.search(text))


def contrasts(text: str) -> bool:
    """True for a sentence stating a difference between two things."""
    return bool(_CONTRAST.search(text))


def enumerates(text: str) -> bool:
    """True for a sentence that lists several items ("包括贸易合同、交货凭证、账龄表等")."""
    return text.count("、") >= 2 or text.count("；") + text.count(";") >= 2  # (the pool's text may be half-width)


def introduces_list(text: str) -> bool:
    """A sentence ending in a colon only announces what follows ("流程包括以下几个环节：")."""
    return text.rstrip().endswith((":", "："))
