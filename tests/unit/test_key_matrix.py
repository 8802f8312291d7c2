"""The dense key matrix: every key scored at once, each chunk keeping its best key."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.store import KeyMatrix


def _unit(*values: float) -> np.ndarray:
    row = np.asarray(values, dtype=np.float32)
    return row / np.linalg.norm(row)


def test_each_chunk_keeps_its_best_key_with_the_question_offset() -> None:
    by_id = {"a#s0": 0, "a#faq0": 1, "b#s0": 2}
    ids = ["a#faq0|q", "b#s0|p", "a#s0|p", "a#faq0|p", "gone#s1|p"]  # any order; an unknown chunk is ignored
    vectors = np.stack([_unit(1, 0, 0), _unit(0, 1, 0), _unit(1, 1, 0), _unit(0, 1, 1), _unit(1, 0, 0)])
    keys = KeyMatrix(ids, vectors, by_id)
    query = _unit(1, 0.2, 0)
    cosine, adjusted = keys.best(query, question_offset=0.05)
    expected_p = vectors[[2, 3, 1]] @ query
    assert cosine[0] == pytest.approx(expected_p[0]) and adjusted[0] == pytest.approx(expected_p[0])
    question = float(vectors[0] @ query)
    assert question + 0.05 > expected_p[1]
    assert cosine[1] == pytest.approx(question) and adjusted[1] == pytest.approx(question + 0.05)
    assert cosine[2] == pytest.approx(expected_p[2])
    # an FAQ key scoring below its passage leaves the passage's score
    lower, lifted = keys.best(_unit(0, 1, 1), question_offset=0.05)
    assert lower[1] == pytest.approx(1.0) and lifted[1] == pytest.approx(1.0)


def test_a_chunk_without_keys_scores_zero_and_ranks_last() -> None:
    keys = KeyMatrix(["x#s0|p"], _unit(0, 1)[None, :], {"x#s0": 0, "y#s0": 1})
    cosine, adjusted = keys.best(_unit(1, 1), question_offset=0.05)
    assert cosine[1] == 0.0 and adjusted[1] == -1.0
    assert cosine[0] == pytest.approx(np.sqrt(0.5))


def test_no_keys_at_all_leaves_every_chunk_unscored() -> None:
    keys = KeyMatrix([], np.zeros((0, 0), dtype=np.float32), {"x#s0": 0})
    cosine, adjusted = keys.best(_unit(1, 0), question_offset=0.05)
    assert cosine.tolist() == [0.0] and adjusted.tolist() == [-1.0]
