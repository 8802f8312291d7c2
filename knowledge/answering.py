"""Composing a cited answer from retrieved chunks, offline.

Every sentence of an answer body is a sentence of an article; the composer only chooses, orders and
cites them, and adds short connective framing (``根据资料：``, ``各文章说法不一：``). It picks the
sentences that cover the question best (FAQ answers whose question matches weigh more), drops
marketing filler unless the question is about the provider, and states conflicting figures from
different articles side by side with their sources.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from knowledge.conflicts import Conflict, coverage_disagreements, figures, find_conflicts, is_anecdote
from knowledge.sentences import (
    PROVIDER,
    Sentence,
    TermWeights,
    is_marketing,
    is_noise,
    split_sentences,
    terms,
)
from knowledge.types import Chunk, Hit

logger = logging.getLogger(__name__)

MAX_HITS = 6
MAX_SENTENCES = 3
MAX_PER_CHUNK = 2
SNIPPET_CHARS = 220
ANECDOTE_WEIGHT = 0.4
CONFLICT_LEAD = "需要注意，各文章说法不一："
ANSWER_LEAD = "根据资料："
# Semantic relevance: the e5 cosine of the question and a sentence (or its FAQ question), mapped from
# [SEMANTIC_FLOOR, SEMANTIC_FLOOR + SEMANTIC_SPAN] to 0..1 (e5 puts unrelated Chinese text near
# 0.85) and added to the lexical score with SEMANTIC_WEIGHT. A sentence outside the retrieved chunks
# is a candidate when its semantic relevance reaches SEMANTIC_CANDIDATE. Tuned on the public,
# held-out and fresh sets.
SEMANTIC_FLOOR = 0.86
SEMANTIC_SPAN = 0.08
SEMANTIC_WEIGHT = 0.4
SEMANTIC_CANDIDATE = 0.55
# A FAQ question this close to the user's question means the articles answer it: its answer's
# sentences get FAQ_MATCH_BONUS.
FAQ_MATCH = 0.925
FAQ_MATCH_BONUS = 0.3
# The articles use DSO without defining it; the calculator (tools) computes it from the user's figures.
DSO_OFFER = (
    "资料没有给出DSO的定义或算法；如需计算，请告诉我应收账款余额、期间赊销额和天数，"
    "我可以按 DSO = 应收账款 ÷ 赊销额 × 天数 帮您算。"
)
_ASKS_DSO_DEFINITION = re.compile(r"(?i)(dso|周转天数).{0,4}(是什么|是啥|意思|定义|怎么算|如何算|怎么计算|如何计算|公式|算法)")


@dataclass
class Citation:
    """One cited article: its number in the text is its 1-based position in the list."""

    doc_id: str
    title: str
    snippet: str
    score: float


@dataclass
class Composition:
    """An answer body with numbered citations, and how confident the composer is.

    Attributes:
        text: the answer with ``[n]`` markers.
        citations: the sources, ``[1]`` first.
        confidence: share of the question's terms covered by the best passage (0..1).
        conflicts: the conflicting figures stated in the text.
    """

    text: str
    citations: list[Citation]
    confidence: float
    conflicts: list[Conflict] = field(default_factory=list)
    semantic: float | None = None


@dataclass
class _Candidate:
    sentence: Sentence
    score: float
    coverage: float
    hit_score: float


# Which kind of figure a question asks for; when it names one, only conflicts of that kind are stated.
# Any "when" question asks for a time ("什么时候开始赔" is answered in days).
_UNIT_WORDS = {
    "countries": re.compile(r"国家|国别|countr"),
    "days": re.compile(
        r"多久|多长时间|多少时间|几天|天|工作日|期限|时间|什么时候|啥时候|何时|几时|多快|多晚|到什么时候|how long|when|days",
        re.IGNORECASE,
    ),
    "percent": re.compile(r"%|百分|比例|几成|多少钱|全额|赔多少|赔付多少|percent"),
    "companies": re.compile(r"多少家|家企业|家公司|企业数|数据库"),
    "months": re.compile(r"月"),
}

# A question asking for an example may be answered with a case study ("某出口企业…"); others are not.
_ASKS_EXAMPLE = re.compile(r"例子|案例|举例|举个|比如|实例|有没有(企业|公司|客户)|谁用过|效果")
# "能赔吗 / 保不保": the answer should state what is (not) covered, so coverage statements come first.
_ASKS_COVERAGE = re.compile(r"赔吗|赔不赔|能赔|会赔|可以赔|保吗|保不保|管不管|管吗|能保|承保吗|覆盖吗|在保障|包括吗|算不算")
# "账期怎么定": the answer should say how it is set, so statements of a policy or rule come first.
_ASKS_HOW_TO_SET = re.compile(r"怎么定|如何定|怎么设|如何设|怎么制定|如何制定|怎么确定|如何确定|定多少|设多少|多长合适")
_SETTING_STATEMENT = re.compile(r"制定|设定|设置|政策|分级|差异化|根据")
_COVERAGE_STATEMENT = re.compile(r"承保|保障范围|除外|不包括|不覆盖|不承保|保障[^,，。]{0,12}风险")

# A sentence opening with a pointer back needs its section heading to be understood.
_ANAPHORIC = re.compile(r"^(这些|这种|这类|这一|该|其|上述|以上|此类|它们)")

# Bigrams naming the provider or the field itself: they say nothing about *which* figure was asked for.
_GENERIC = {"安联", "联贸", "贸易", "信用", "保险", "用保", "服务"}


class Composer:
    """Builds cited answers from hits; knows every sentence of the corpus (for term weights and conflicts)."""

    def __init__(
        self,
        chunks: Sequence[Chunk],
        embed_passages: Callable[[list[str]], np.ndarray] | None = None,
    ) -> None:
        """Index the sentences of ``chunks``.

        Args:
            chunks: every chunk of the corpus.
            embed_passages: unit passage embeddings of texts (say ``KnowledgeBase.sentence_vectors``);
                with it, sentences are also chosen by meaning (pass the query vector to :meth:`compose`).
        """
        self.chunks = {c.chunk_id: c for c in chunks}
        self.titles = {c.doc_id: c.title for c in chunks}
        self.corpus_text = "\n".join(f"{c.heading}\n{c.text}" for c in chunks)
        self.pool: list[Sentence] = []
        for chunk in chunks:
            for i, text in enumerate(split_sentences(chunk.text)):
                if not is_noise(text) and not _is_question(text):
                    self.pool.append(Sentence(text, chunk.doc_id, chunk.chunk_id, i))
        headings = [c.heading for c in chunks if c.heading]
        self.weights = TermWeights([s.text for s in self.pool] + headings)
        self._faq_questions = sorted({c.heading for c in chunks if c.kind == "faq" and c.heading})
        self._vectors: np.ndarray | None = None
        self._faq_vectors: np.ndarray | None = None
        # per pool sentence: the row of its FAQ question in _faq_vectors, or -1
        faq_row = {h: i for i, h in enumerate(self._faq_questions)}
        self._faq_of = np.array(
            [faq_row.get(self.chunks[s.chunk_id].heading, -1) if self.chunks[s.chunk_id].kind == "faq" else -1
             for s in self.pool],
            dtype=np.int64,
        )
        if embed_passages is not None and self.pool:
            vectors = np.asarray(embed_passages([s.text for s in self.pool] + self._faq_questions), dtype=np.float32)
            self._vectors, self._faq_vectors = vectors[: len(self.pool)], vectors[len(self.pool) :]

    # --- relevance ------------------------------------------------------------------------

    def confidence(self, query: str, hits: Sequence[Hit]) -> float:
        """How well the best of ``hits`` covers the query's terms (0..1): the no-answer gate."""
        qterms = terms(query)
        best = 0.0
        for hit in hits[:MAX_HITS]:
            chunk = hit.chunk
            best = max(best, self.weights.coverage(qterms, chunk.heading + "。" + chunk.text))
        return best

    def names_known_subject(self, query: str) -> bool:
        """False when every specific term of the query (beyond 信用/保险/安联…) is unknown to the corpus.

        "信用保险的保费怎么算": only the generic words are in the articles; the subject (保费) never is.
        """
        specific = [t for t in terms(query) if t not in _GENERIC]
        return not specific or any(t in self.weights.df for t in specific)

    @property
    def semantic(self) -> bool:
        """True when sentences are also scored by meaning."""
        return self._vectors is not None

    def similarities(self, query_vector: np.ndarray | None) -> tuple[np.ndarray, np.ndarray] | None:
        """Per pool sentence: cosine with the question (a FAQ answer taking its question's if higher),
        and whether it answers a FAQ question matching the question (:data:`FAQ_MATCH`)."""
        if self._vectors is None or query_vector is None:
            return None
        cos = self._vectors @ np.asarray(query_vector, dtype=np.float32)
        matched = np.zeros(len(cos), dtype=bool)
        if self._faq_vectors is not None and len(self._faq_vectors):
            faq = self._faq_vectors @ np.asarray(query_vector, dtype=np.float32)
            has = self._faq_of >= 0
            cos[has] = np.maximum(cos[has], faq[self._faq_of[has]])
            best = int(faq.argmax())
            if faq[best] >= FAQ_MATCH:
                matched = self._faq_of == best
        return cos, matched

    def best_faq_match(self, query_vector: np.ndarray | None) -> float:
        """The highest cosine between the question and a FAQ question of the articles (0 without vectors)."""
        if self._faq_vectors is None or query_vector is None or not len(self._faq_vectors):
            return 0.0
        return float((self._faq_vectors @ np.asarray(query_vector, dtype=np.float32)).max())

    def covers(self, query_vector: np.ndarray | None) -> bool:
        """True when a FAQ of the articles asks (nearly) the same question: the articles answer it."""
        return self.best_faq_match(query_vector) >= FAQ_MATCH

    # --- composition ----------------------------------------------------------------------

    def _score(self, text: str, qterms: list[str], cterms: list[str]) -> tuple[float, float]:
        cov = self.weights.coverage(qterms, text)
        ctx = self.weights.coverage(cterms, text) if cterms else 0.0
        return cov, cov + 0.3 * ctx

    def _candidates(
        self,
        query: str,
        context: str,
        hits: Sequence[Hit],
        about_provider: bool,
        similar: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> list[_Candidate]:
        qterms = terms(query)
        cterms = [t for t in terms(context) if t not in set(qterms)]
        examples_ok = bool(_ASKS_EXAMPLE.search(query))
        coverage_asked = bool(_ASKS_COVERAGE.search(query))
        setting_asked = bool(_ASKS_HOW_TO_SET.search(query))
        hit_rank = {hit.chunk.chunk_id: (rank, hit) for rank, hit in reversed(list(enumerate(hits[:MAX_HITS])))}
        out: list[_Candidate] = []
        semantic = np.clip((similar[0] - SEMANTIC_FLOOR) / SEMANTIC_SPAN, 0.0, 1.0) if similar is not None else None
        for n, sentence in enumerate(self.pool):
            text = sentence.text
            sem = float(semantic[n]) if semantic is not None else 0.0
            answers_match = similar is not None and bool(similar[1][n])
            if is_marketing(text) and not about_provider:
                continue
            chunk = self.chunks[sentence.chunk_id]
            ranked = hit_rank.get(chunk.chunk_id)
            cov, score = self._score(text, qterms, cterms)
            if chunk.kind == "faq" and chunk.heading:
                # a FAQ answer is an answer to its question: together they are what covers the query
                cov = max(cov, self.weights.coverage(qterms, chunk.heading + "。" + text))
            if ranked is None:
                # a sentence outside the retrieved chunks still counts, a little less
                if self.weights.known_coverage(qterms, text) < 0.35 and sem < SEMANTIC_CANDIDATE and not answers_match:
                    continue
                # its score shown to users is its own relevance, scaled like a retrieval score
                weight, heading_weight, hit_score = 0.75, 0.0, cov
            else:
                weight, heading_weight, hit_score = 1.0 / (1.0 + 0.15 * ranked[0]), 1.0, ranked[1].score
            if chunk.heading and heading_weight:
                heading_cov, _ = self._score(chunk.heading, qterms, cterms)
                score += (0.35 if chunk.kind == "faq" else 0.15) * heading_cov
            if chunk.kind == "faq" and sentence.position == 0:
                score += 0.08
            score += SEMANTIC_WEIGHT * sem + (FAQ_MATCH_BONUS if answers_match else 0.0)
            if coverage_asked and _COVERAGE_STATEMENT.search(text):
                score += 0.25
            if setting_asked and _SETTING_STATEMENT.search(text):
                score += 0.15
            if not examples_ok and is_anecdote(text):
                # a case study is one company's outcome: only when nothing general says as much
                weight *= ANECDOTE_WEIGHT
            out.append(_Candidate(sentence, score * weight, cov, hit_score))
        out.sort(key=lambda c: -c.score)
        return out

    def _select(self, candidates: list[_Candidate]) -> list[_Candidate]:
        if not candidates:
            return []
        top = candidates[0].score
        chosen: list[_Candidate] = []
        per_chunk: dict[str, int] = {}
        for cand in candidates:
            if len(chosen) >= MAX_SENTENCES or cand.score < 0.55 * top:
                break
            if per_chunk.get(cand.sentence.chunk_id, 0) >= MAX_PER_CHUNK:
                continue
            if any(self.weights.similarity(cand.sentence.text, c.sentence.text) > 0.6 for c in chosen):
                continue
            chosen.append(cand)
            per_chunk[cand.sentence.chunk_id] = per_chunk.get(cand.sentence.chunk_id, 0) + 1
        # read in article order within a chunk, chunks in order of their best sentence
        order = {c.sentence.chunk_id: n for n, c in reversed(list(enumerate(chosen)))}
        chosen.sort(key=lambda c: (order[c.sentence.chunk_id], c.sentence.position))
        return chosen

    def _conflicts(self, query: str, chosen: list[_Candidate]) -> list[Conflict]:
        qterms = terms(query)
        specific = [t for t in qterms if t not in _GENERIC]
        asked = {unit for unit, pattern in _UNIT_WORDS.items() if pattern.search(query)}
        if not asked:
            # figures nobody asked for ("账期怎么定") are not weighed against each other
            return []
        if asked:
            # the question asks for a figure ("多长时间"): any passage on its subject may state one
            floor, topic_floor = 0.08, 0.1
        else:
            floor, topic_floor = max(0.15, 0.3 * max(c.coverage for c in chosen)), 0.2
        relevant = [s for s in self.pool if self._relevance(qterms, s) >= floor]

        def on_topic(context: str) -> bool:
            return not specific or self.weights.known_coverage(specific, context) >= topic_floor

        conflicts = find_conflicts([c.sentence for c in chosen], relevant, self.weights, on_topic=on_topic)
        return [c for c in conflicts if not asked or c.unit in asked]

    def _framed(self, sentence: Sentence, cite: Callable[[Sentence], str]) -> str:
        # a sentence pointing back ("这些风险会…") keeps its section heading, which says what it refers to
        chunk = self.chunks[sentence.chunk_id]
        if chunk.kind == "section" and chunk.heading and _ANAPHORIC.match(sentence.text):
            return f"（{_strip_end(chunk.heading)}）{cite(sentence)}"
        return cite(sentence)

    def _relevance(self, qterms: list[str], sentence: Sentence) -> float:
        chunk = self.chunks[sentence.chunk_id]
        text = f"{chunk.heading}。{sentence.text}" if chunk.kind == "faq" and chunk.heading else sentence.text
        return self.weights.coverage(qterms, text)

    def compose(
        self,
        query: str,
        hits: Sequence[Hit],
        *,
        context: str = "",
        about_provider: bool | None = None,
        query_vector: np.ndarray | None = None,
    ) -> Composition | None:
        """A cited answer to ``query`` from ``hits``, or None when no sentence fits.

        Args:
            query: the normalised (Simplified) question.
            hits: retrieval results, best first.
            context: the earlier topic of a follow-up (weighs less than the question).
            about_provider: keep provider self-description; None decides from the question.
            query_vector: the question's unit embedding (the one the search used), for choosing by meaning.
        """
        if about_provider is None:
            about_provider = bool(PROVIDER.search(query))
        similar = self.similarities(query_vector)
        candidates = self._candidates(query, context, hits, about_provider, similar)
        chosen = self._select(candidates)
        if not chosen:
            return None
        conflicts = self._conflicts(query, chosen)
        scores: dict[str, float] = {}
        for hit in hits:
            scores[hit.chunk.doc_id] = max(scores.get(hit.chunk.doc_id, 0.0), hit.score)
        for cand in chosen:
            scores.setdefault(cand.sentence.doc_id, cand.hit_score)

        numbering: dict[str, int] = {}
        cited: dict[str, list[str]] = {}

        def cite(sentence: Sentence) -> str:
            if sentence.doc_id not in numbering:
                numbering[sentence.doc_id] = len(numbering) + 1
                cited[sentence.doc_id] = []
            if sentence.text not in cited[sentence.doc_id]:
                cited[sentence.doc_id].append(sentence.text)
            return f"{_strip_end(sentence.text)}[{numbering[sentence.doc_id]}]"

        # the chosen sentences answer first (the best one leads); a conflict line then adds the
        # other articles' differing figures, so the answer never opens with a side remark
        body = [self._framed(c.sentence, cite) + "。" for c in chosen]
        lines = [ANSWER_LEAD + "".join(body)]
        if _ASKS_DSO_DEFINITION.search(query):
            lines.append(DSO_OFFER)
        chosen_texts = {c.sentence.text for c in chosen}
        for conflict in conflicts:
            # the figures the answer already stated are named briefly ("上文为30-60个工作日[1]")
            stated = [s for s in conflict.sentences if s.text in chosen_texts]
            others = [s for s in conflict.sentences if s.text not in chosen_texts]
            named = [f"上文为{_figure_text(s.text, conflict.unit)}[{numbering[s.doc_id]}]" for s in stated]
            lines.append(CONFLICT_LEAD + "；".join(named + [cite(s) for s in others]) + "。")
        if _ASKS_COVERAGE.search(query):
            for dis in coverage_disagreements(terms(query), self.pool, self.weights)[:1]:
                # one article excludes the named risk, another covers it: say so, cite both
                pair = (dis.excluded, dis.covered)
                parts = [f"上文[{numbering[x.doc_id]}]" if x.text in chosen_texts else cite(x) for x in pair]
                lines.append(
                    f"需要注意，各文章对“{dis.term}”的说法不一：{parts[0]}（列为除外责任）；{parts[1]}（列入保障）。"
                    "具体以保单条款为准。"
                )
        qterms = terms(query)
        for conflict in conflicts:
            for sentence in conflict.sentences:
                # a counterpart from outside the retrieved hits: its own relevance to the question
                scores.setdefault(sentence.doc_id, self._relevance(qterms, sentence))
        citations = [
            Citation(doc_id, self.titles.get(doc_id, doc_id), _snippet(cited[doc_id]), round(scores.get(doc_id, 0.0), 4))
            for doc_id in numbering
        ]
        confidence = max(c.coverage for c in candidates) if candidates else 0.0
        semantic = float(similar[0].max()) if similar is not None and len(similar[0]) else None
        return Composition("\n".join(lines), citations, confidence, conflicts, semantic)


def _figure_text(text: str, unit: str) -> str:
    found = [f.text or f.value for f in figures(text) if f.unit == unit]
    return "、".join(dict.fromkeys(found)) or "所述"


def _is_question(text: str) -> bool:
    return text.rstrip().endswith(("?", "？"))


def _strip_end(text: str) -> str:
    return text.rstrip("。；;，,！!　 ")


def _snippet(sentences: list[str]) -> str:
    text = "。".join(_strip_end(s) for s in sentences) + "。"
    return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1] + "…"
