"""Choosing article sentences for an answer: the corpus sentence pool, term weights and meaning.

The scorer knows every sentence of the corpus. For a question it scores each one by the question's
terms (IDF-weighted), by meaning (e5 cosine, a FAQ answer taking its question's), by the retrieved
chunk it sits in, and by whether it carries the kind of figure asked for; then it selects a few.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from knowledge.conflicts import anecdote_trade, excluded_items, figures, is_anecdote
from knowledge.constants import (
    ADVICE_BONUS,
    ANECDOTE_WEIGHT,
    ASKED_KIND_BONUS,
    FAQ_MATCH,
    FAQ_MATCH_BONUS,
    MAX_HITS,
    MAX_PER_CHUNK,
    MAX_SENTENCES,
    SELECT_SHARE,
    SEMANTIC_CANDIDATE,
    SEMANTIC_FLOOR,
    SEMANTIC_SPAN,
    SEMANTIC_WEIGHT,
)
from knowledge.normalize import in_article_words
from knowledge.questions import asks_advice, understand
from knowledge.sentences import (
    Sentence,
    TermWeights,
    is_marketing,
    is_noise,
    recommends,
    split_sentences,
    term_set,
    terms,
)
from knowledge.types import Chunk, Hit


@dataclass
class Candidate:
    """A pool sentence scored for one question."""

    sentence: Sentence
    score: float
    coverage: float
    hit_score: float


# Which kind of figure a question asks for; when it names one, only conflicts of that kind are stated.


UNIT_WORDS = {
    # "买家注册地的国家" names a place; only "多少个国家" asks for a count
    "countries": re.compile(r"(多少|几)个?(国家|国别)|how many countr", re.IGNORECASE),
    "days": re.compile(
        r"多久|多长时间|多少时间|几天|天|工作日|期限|时间|什么时候|啥时候|何时|几时|多快|多晚|到什么时候|how long|when|days",
        re.IGNORECASE,
    ),
    "percent": re.compile(r"%|百分|比例|占比|几成|多少钱|全额|赔多少|赔付多少|percent"),
    "companies": re.compile(r"多少家|家企业|家公司|企业数|数据库"),
    "months": re.compile(r"(多少|几)个?月"),
}

# A question asking for an example, or for evidence ("有没有实际数据"), may be answered with a case study
# ("某出口企业…"); others are not.
_ASKS_EXAMPLE = re.compile(r"例子|案例|举例|举个|比如|实例|有没有(企业|公司|客户)|谁用过|效果|(实际|真实|具体)的?数据|有没有数据")
# "能赔吗 / 保不保": the answer should state what is (not) covered, so coverage statements come first.
_ASKS_COVERAGE = re.compile(r"(保险|保障|承保)范围(吗|么|内吗|之内吗)|赔吗|赔不赔(?!得)|能赔|会赔|可以赔|都赔|全赔|照赔|保吗|保不保|都保|管不管|管吗|能保|承保吗|覆盖吗|在保障|包括吗|算不算")
# "账期怎么定": the answer should say how it is set, so statements of a policy or rule come first.
_ASKS_HOW_TO_SET = re.compile(r"怎么定|如何定|怎么设|如何设|怎么制定|如何制定|怎么确定|如何确定|定多少|设多少|多长合适")
_SETTING_STATEMENT = re.compile(r"制定|设定|设置|政策|分级|差异化|根据")
_COVERAGE_STATEMENT = re.compile(r"承保|保障范围|除外|不包括|不覆盖|不承保|保障[^,，。]{0,12}风险")


# Bigrams naming the provider or the field itself: they say nothing about *which* figure was asked for.
GENERIC = {"安联", "联贸", "贸易", "信用", "保险", "用保", "服务"}


class SentenceScorer:
    """Scores and selects corpus sentences for a question."""

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
        # what each excluding sentence lists as excluded ("战争", "汇率损失"): matched to a question by meaning
        self.excluded = [(item, s) for s in self.pool for item in excluded_items(s.text)]
        self._static = [_Static.of(s, self.chunks[s.chunk_id]) for s in self.pool]
        # per term, the pool sentences holding it: a question's coverage of every sentence in a few array adds
        self._postings = _postings(term_set(s.text) for s in self.pool)
        self._with_heading = _postings(st.heading_terms | term_set(s.text) if st.faq_heading else frozenset()
                                       for s, st in zip(self.pool, self._static, strict=True))
        self._excluded_vectors: np.ndarray | None = None
        if embed_passages is not None and self.pool:
            texts = [s.text for s in self.pool] + self._faq_questions + [item for item, _ in self.excluded]
            vectors = np.asarray(embed_passages(texts), dtype=np.float32)
            n, m = len(self.pool), len(self.pool) + len(self._faq_questions)
            self._vectors, self._faq_vectors, self._excluded_vectors = vectors[:n], vectors[n:m], vectors[m:]

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
        A colloquial word of the lexicon counts as the article words it stands for.
        """
        specific = [t for t in terms(in_article_words(query)) if t not in GENERIC]
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

    def closest_excluded(self, query_vector: np.ndarray | None, margin: float) -> list[str]:
        """The excluded items within ``margin`` of the closest in meaning to the question, closest first."""
        if self._excluded_vectors is None or query_vector is None or not len(self._excluded_vectors):
            return []
        cos = self._excluded_vectors @ np.asarray(query_vector, dtype=np.float32)
        order = np.argsort(-cos)
        return [self.excluded[int(i)][0] for i in order if cos[i] >= cos[order[0]] - margin]

    def best_faq_match(self, query_vector: np.ndarray | None) -> float:
        """The highest cosine between the question and a FAQ question of the articles (0 without vectors)."""
        if self._faq_vectors is None or query_vector is None or not len(self._faq_vectors):
            return 0.0
        return float((self._faq_vectors @ np.asarray(query_vector, dtype=np.float32)).max())

    def covers(self, query_vector: np.ndarray | None) -> bool:
        """True when a FAQ of the articles asks (nearly) the same question: the articles answer it."""
        return self.best_faq_match(query_vector) >= FAQ_MATCH

    # --- selection ------------------------------------------------------------------------

    def candidates(
        self,
        query: str,
        context: str,
        hits: Sequence[Hit],
        about_provider: bool,
        similar: tuple[np.ndarray, np.ndarray] | None = None,
        favoured: set[str] | None = None,
    ) -> list[Candidate]:
        """Every pool sentence that may answer ``query``, scored, best first."""
        qterms = terms(query)
        cterms = [t for t in terms(context) if t not in set(qterms)]
        examples_ok = bool(_ASKS_EXAMPLE.search(query))
        coverage_asked = bool(_ASKS_COVERAGE.search(query))
        setting_asked = bool(_ASKS_HOW_TO_SET.search(query))
        advice_asked = asks_advice(understand(query))
        asked_units = asked_units_of(query)
        hit_rank = {hit.chunk.chunk_id: (rank, hit) for rank, hit in reversed(list(enumerate(hits[:MAX_HITS])))}
        out: list[Candidate] = []
        semantic = np.clip((similar[0] - SEMANTIC_FLOOR) / SEMANTIC_SPAN, 0.0, 1.0).tolist() if similar is not None else None
        matches = similar[1].tolist() if similar is not None else None
        # TermWeights.coverage (and known_coverage) of every sentence at once
        own, known = self._coverage(self._postings, qterms)
        with_heading, _ = self._coverage(self._with_heading, qterms)
        context = self._coverage(self._postings, cterms)[0] if cterms else None
        heading_cov: dict[str, float] = {}
        qset = set(qterms)
        for n, sentence in enumerate(self.pool):
            static = self._static[n]
            sem = semantic[n] if semantic is not None else 0.0
            answers_match = matches is not None and matches[n]
            if static.marketing and not about_provider:
                continue
            chunk = static.chunk
            ranked = hit_rank.get(chunk.chunk_id)
            cov = own[n]
            score = cov + 0.3 * (context[n] if context is not None else 0.0)
            if static.faq_heading:
                # a FAQ answer is an answer to its question: together they are what covers the query
                cov = max(cov, with_heading[n])
            if ranked is None:
                # a sentence outside the retrieved chunks still counts, a little less
                if known[n] < 0.35 and sem < SEMANTIC_CANDIDATE and not answers_match:
                    continue
                # its score shown to users is its own relevance, scaled like a retrieval score
                weight, heading_weight, hit_score = 0.75, 0.0, cov
            else:
                weight, heading_weight, hit_score = 1.0 / (1.0 + 0.15 * ranked[0]), 1.0, ranked[1].score
            if chunk.heading and heading_weight:
                if chunk.heading not in heading_cov:
                    heading_cov[chunk.heading] = self.weights.coverage(qterms, chunk.heading)
                score += (0.35 if chunk.kind == "faq" else 0.15) * heading_cov[chunk.heading]
            if static.first_faq_sentence:
                score += 0.08
            score += SEMANTIC_WEIGHT * sem + (FAQ_MATCH_BONUS if answers_match else 0.0)
            if coverage_asked and static.coverage_statement:
                score += 0.25
            if (asked_units and static.units & asked_units) or (favoured and sentence.text in favoured):
                score += ASKED_KIND_BONUS  # the sentence carries the kind of figure or fact asked for
            if setting_asked and static.setting_statement:
                score += 0.15
            if advice_asked and static.recommends:
                score += ADVICE_BONUS  # "要不要停货" is answered by what the articles say to do
            if not examples_ok and static.anecdote and not static.trade_terms & qset:
                # (a case from the asker's own line of business, "某建材经销商" for a builder's merchant, is no aside)
                # a case study is one company's outcome: only when nothing general says as much
                weight *= ANECDOTE_WEIGHT
            out.append(Candidate(sentence, score * weight, cov, hit_score))
        out.sort(key=lambda c: -c.score)
        return out

    def _coverage(self, postings: dict[str, np.ndarray], query_terms: list[str]) -> tuple[list[float], list[float]]:
        """Per pool sentence, :meth:`TermWeights.coverage` of the query's terms, and ``known_coverage`` (the
        IDF of the distinct terms it holds over the sum of all of them, or of those the corpus knows)."""
        covered = np.zeros(len(self.pool))
        total = known_total = 0.0
        for term in dict.fromkeys(query_terms):
            idf = self.weights.idf(term)
            total += idf
            known_total += idf if term in self.weights.df else 0.0
            rows = postings.get(term)
            if rows is not None:
                covered[rows] += idf
        zero = np.zeros(len(self.pool))
        return (covered / total if total else zero).tolist(), (covered / known_total if known_total else zero).tolist()

    def select(self, candidates: list[Candidate], limit: int = MAX_SENTENCES) -> list[Candidate]:
        """The best candidates (at most ``limit``, two per chunk, no near-duplicates), in reading order."""
        if not candidates:
            return []
        top = candidates[0].score
        chosen: list[Candidate] = []
        per_chunk: dict[str, int] = {}
        for cand in candidates:
            if len(chosen) >= limit or cand.score < SELECT_SHARE * top:
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

    def relevance(self, qterms: list[str], sentence: Sentence) -> float:
        """IDF-weighted coverage of the question's terms by the sentence (with its FAQ question)."""
        chunk = self.chunks[sentence.chunk_id]
        text = f"{chunk.heading}。{sentence.text}" if chunk.kind == "faq" and chunk.heading else sentence.text
        return self.weights.coverage(qterms, text)


def asks_coverage(query: str) -> bool:
    """True when the question asks whether something is covered ("能赔吗", "保不保")."""
    return bool(_ASKS_COVERAGE.search(query))


def coverage_ask(query: str) -> re.Match[str] | None:
    """Where the question asks whether something is covered ("…，保险能赔吗" -> "能赔"), or None."""
    return _ASKS_COVERAGE.search(query)


def asked_units_of(query: str) -> set[str]:
    """The unit classes of figure a question asks for (``days`` for "多久", ``percent`` for "比例")."""
    return {unit for unit, pattern in UNIT_WORDS.items() if pattern.search(query)}


@dataclass(frozen=True)
class _Static:
    """What :meth:`SentenceScorer.candidates` asks of a pool sentence whatever the question: read once at load."""

    chunk: Chunk
    faq_heading: bool  # a FAQ answer with its question: covered together with it
    heading_terms: frozenset[str]
    first_faq_sentence: bool
    marketing: bool
    coverage_statement: bool
    setting_statement: bool
    units: frozenset[str]  # the unit classes of its figures
    anecdote: bool
    trade_terms: frozenset[str]  # a case study's line of business
    recommends: bool  # says what to do (answers an advice question)

    @classmethod
    def of(cls, sentence: Sentence, chunk: Chunk) -> _Static:
        text = sentence.text
        return cls(
            chunk, chunk.kind == "faq" and bool(chunk.heading), term_set(chunk.heading),
            chunk.kind == "faq" and sentence.position == 0, is_marketing(text), bool(_COVERAGE_STATEMENT.search(text)),
            bool(_SETTING_STATEMENT.search(text)), frozenset(f.unit for f in figures(text)), is_anecdote(text),
            frozenset(terms(anecdote_trade(text))), recommends(text),
        )


def _postings(term_sets: Iterable[frozenset[str]]) -> dict[str, np.ndarray]:
    """Per term, the rows (in order) whose term set holds it."""
    rows: dict[str, list[int]] = {}
    for n, found in enumerate(term_sets):
        for term in found:
            rows.setdefault(term, []).append(n)
    return {term: np.array(found, dtype=np.int32) for term, found in rows.items()}


def _is_question(text: str) -> bool:
    return text.rstrip().endswith(("?", "？"))
