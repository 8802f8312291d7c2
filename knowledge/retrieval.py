"""Search: dense keys (a key matrix in memory) and BM25 over jieba terms, fused, over one or more query variants.

A question is searched with its homophone typos corrected, and also as variants: as typed, its asking clauses
when it is a long message (:func:`knowledge.questions.core_questions`), and any the caller adds. A chunk keeps
its best fused score over them (an asking clause counts :data:`CORE_WEIGHT`, another variant :data:`VARIANT_WEIGHT`). Facts are
extra keys: a chunk holding a fact whose subject the question names gains :data:`FACT_KEY_BONUS`.
In a long message, the words only its scene names (the trade, the history) count :data:`SCENE_WEIGHT` in BM25.
When the top of the ranking is a near-tie, pseudo-relevance feedback searches again from the top chunks' passages
(:meth:`Retriever._feedback`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from knowledge.constants import (
    CORE_WEIGHT,
    DENSE_FLOOR,
    DENSE_SPAN,
    DENSE_TOP_FLOOR,
    DENSE_TOP_SPAN,
    DENSE_TOP_WEIGHT,
    DENSE_WEIGHT,
    FACT_KEY_BONUS,
    LEXICAL_WEIGHT,
    PRF_BETA,
    PRF_DEPTH,
    PRF_MARGIN,
    PRF_MIX,
    QUESTION_KEY_OFFSET,
    SCENE_WEIGHT,
    VARIANT_WEIGHT,
)
from knowledge.questions import core_questions
from knowledge.store import IndexState, IndexStore
from knowledge.terms import query_terms, to_simplified, tokenize
from knowledge.types import Hit


def dense_part(adjusted: np.ndarray) -> np.ndarray:
    """Key cosines mapped for fusion: 0..1 over [DENSE_FLOOR, DENSE_FLOOR + DENSE_SPAN], then up to
    DENSE_TOP_WEIGHT more for a key the question nearly repeats (a FAQ question reworded beats a neighbour)."""
    near = np.clip((adjusted - DENSE_FLOOR) / DENSE_SPAN, 0.0, 1.0)
    return near + DENSE_TOP_WEIGHT * np.clip((adjusted - DENSE_TOP_FLOOR) / DENSE_TOP_SPAN, 0.0, 1.0)


class Retriever:
    """Fused dense + lexical search over an :class:`IndexStore`."""

    def __init__(self, store: IndexStore) -> None:
        self.store = store

    def search(self, query: str, k: int = 8, variants: Sequence[str] = ()) -> list[Hit]:
        """The ``k`` chunks best matching ``query`` (and its ``variants``), best first.

        Raises:
            RetrievalError: No index, or the vector store failed.
        """
        query = to_simplified(query.strip())
        if not query:
            return []
        state = self.store.state()
        typed = query
        query = state.corrector.correct(query)  # homophone typos: the corrected form leads
        cores = core_questions(query)
        weighted = [(v, VARIANT_WEIGHT) for v in (typed, *variants)] + [(v, CORE_WEIGHT) for v in cores]
        weighted = [(v, w) for v, w in ((to_simplified(v.strip()), w) for v, w in weighted) if v and v != query]
        vectors = self.store.embedder.search_queries([query, *(v for v, _ in weighted)])  # batched when alike
        lexical, raw = self._lexical(query, state, self._scene_weights(query, cores))
        dense, adjusted = state.keys.best(vectors[0], QUESTION_KEY_OFFSET)  # per chunk: its best key's cosine
        fused = self._combine(adjusted, lexical)
        for (variant, weight), vector in zip(weighted, vectors[1:], strict=True):
            other, other_dense, other_raw = self._fused(variant, vector, state)
            better = other * weight > fused
            fused = np.where(better, other * weight, fused)
            dense, raw = np.where(better, other_dense, dense), np.where(better, other_raw, raw)
        facts = FACT_KEY_BONUS * self._fact_keys(query, state)
        fused = self._feedback(vectors[0], state, fused + facts, facts, lexical)
        order = np.argsort(-fused, kind="stable")[:k]
        return [Hit(state.chunks[i], float(fused[i]), float(dense[i]), float(raw[i])) for i in order]

    def query_vector(self, query: str) -> np.ndarray:
        """The unit embedding of ``query`` exactly as :meth:`search` embeds it (cached after a search)."""
        return self.store.embedder.queries([to_simplified(query.strip())])[0]

    @staticmethod
    def _scene_weights(query: str, cores: Sequence[str]) -> dict[str, float]:
        """:data:`SCENE_WEIGHT` for the terms only the scene of a long message names (none when it has no
        asking clause apart from the whole): the trade and the history a user tells are not what is asked."""
        if not cores:
            return {}
        asked = {t for core in cores for t in tokenize(core)}
        return {t: SCENE_WEIGHT for t in tokenize(query) if t not in asked}

    @staticmethod
    def _feedback(
        vector: np.ndarray, state: IndexState, fused: np.ndarray, facts: np.ndarray, lexical: np.ndarray
    ) -> np.ndarray:
        """Pseudo-relevance feedback (Rocchio): when the first ranking is close at the top, the question is
        searched again with its vector moved towards the top chunks' passages (its words, ``lexical``, as
        before), and the two rankings are mixed.

        A user who tells a story in words the articles never use still lands near the right topic; the
        passages found there speak the articles' own words, so the moved vector separates near-ties that
        the user's wording alone cannot (tests/data/tune_recall4.jsonl, held-out hit@1)."""
        if PRF_MIX <= 0 or len(fused) < 2:
            return fused
        top = np.argsort(-fused, kind="stable")[:PRF_DEPTH]
        if fused[top[0]] - fused[top[1]] >= PRF_MARGIN:  # a clear winner: feedback would only echo it
            return fused
        keys = state.keys
        rows = np.flatnonzero(np.isin(keys.passage_owner, top))  # the top chunks' passage keys
        if not len(rows):
            return fused
        share = np.maximum(fused[keys.passage_owner[rows]], 1e-6).astype(np.float32)
        centroid = np.einsum("k,kd->d", share, keys.passages[rows]) / float(share.sum())
        moved = vector + PRF_BETA * centroid
        moved = (moved / (np.linalg.norm(moved) or 1.0)).astype(np.float32)
        again = Retriever._combine(state.keys.best(moved, QUESTION_KEY_OFFSET)[1], lexical)
        return (1 - PRF_MIX) * fused + PRF_MIX * (again + facts)

    @staticmethod
    def _fused(
        query: str, vector: np.ndarray, state: IndexState, weight: dict[str, float] | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        dense, adjusted = state.keys.best(vector, QUESTION_KEY_OFFSET)  # per chunk: its best key's cosine
        lexical, raw = Retriever._lexical(query, state, weight)
        return Retriever._combine(adjusted, lexical), dense, raw

    @staticmethod
    def _lexical(
        query: str, state: IndexState, weight: dict[str, float] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per chunk: BM25 over the query's ceiling (0..1, shrunk by the share of query terms the corpus
        knows), and raw BM25."""
        terms, synonyms = query_terms(query)
        # synonyms add matches, not ceiling
        raw = np.asarray(state.bm25.scores(terms + synonyms, weight), dtype=np.float32)
        ceiling = state.bm25.ceiling(terms, weight) or 1.0
        return np.minimum(1.0, raw / ceiling) * state.bm25.known_share(terms), raw

    @staticmethod
    def _combine(adjusted: np.ndarray, lexical: np.ndarray) -> np.ndarray:
        """The fused score of every chunk from its best key's adjusted cosine and its lexical score."""
        return DENSE_WEIGHT * dense_part(adjusted) + LEXICAL_WEIGHT * lexical

    @staticmethod
    def _fact_keys(query: str, state: IndexState) -> np.ndarray:
        """1 for chunks holding a fact whose subject (a metric, an event, a term) the question names."""
        named = np.zeros(len(state.chunks), dtype=np.float32)
        for subject, rows in state.fact_subjects.items():
            if subject in query:
                named[rows] = 1.0
        return named
