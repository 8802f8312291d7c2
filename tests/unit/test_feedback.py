"""Pseudo-relevance feedback in search: a near-tie at the top is settled by the neighbourhood of the top chunks."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from knowledge.constants import PRF_MARGIN
from knowledge.lexical import BM25
from knowledge.retrieval import Retriever
from knowledge.store import KeyMatrix


def _unit(*values: float) -> np.ndarray:
    row = np.asarray(values, dtype=np.float32)
    return row / np.linalg.norm(row)


def _state() -> SimpleNamespace:
    """Chunk 0 stands alone; chunks 1 and 2 say nearly the same thing (one topic told twice)."""
    by_id = {"alone#s0": 0, "topic#s0": 1, "topic#s1": 2}
    vectors = np.stack([_unit(1, 0, 0, 2), _unit(0, 1, 0, 2), _unit(0, 1, 0.3, 2)])
    keys = KeyMatrix(["alone#s0|p", "topic#s0|p", "topic#s1|p"], vectors, by_id)
    return SimpleNamespace(keys=keys, bm25=BM25([["丙"], ["丁"], ["戊"]]))  # no word shared with the query: dense decides


def _search(state: SimpleNamespace, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    fused, _, _ = Retriever._fused("甲乙", query, state)
    lexical, _ = Retriever._lexical("甲乙", state)
    return fused, Retriever._feedback(query, state, fused, np.zeros_like(fused), lexical)


def test_a_near_tie_goes_to_the_topic_the_top_chunks_share() -> None:
    state = _state()
    query = _unit(1.05, 1, 0, 2)  # a shade closer to the lone chunk than to either telling of the topic
    first, settled = _search(state, query)
    assert np.argmax(first) == 0 and first[0] - np.sort(first)[-2] < PRF_MARGIN
    assert settled[1] > settled[0] and settled[2] > settled[0]


def test_a_clear_winner_is_left_alone() -> None:
    state = _state()
    first, settled = _search(state, _unit(3, 1, 0, 2))
    assert first[0] - max(first[1], first[2]) >= PRF_MARGIN
    np.testing.assert_array_equal(settled, first)
