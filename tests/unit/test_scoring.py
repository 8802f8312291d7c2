"""Choosing article sentences for a question: knowledge/scoring.py, on hand-built chunks."""

from __future__ import annotations

from knowledge.scoring import SentenceScorer
from knowledge.types import Chunk, Hit

MONITORING = Chunk(
    "010_m#1", "010_m", "信用监测", "section", "监测的效果",
    "信用监测可以及早发现买方付款变慢。某零售企业引入信用监测后，坏账率从5%降至1%。",
    0, 0,
)


def _score_of_case(question: str) -> float:
    scorer = SentenceScorer([MONITORING])
    candidates = scorer.candidates(question, "", [Hit(MONITORING, 0.9, 0.9, 3.0)], False)
    return next(c.score for c in candidates if c.sentence.text.startswith("某零售企业"))


def test_a_case_study_weighs_less_unless_evidence_is_asked_for() -> None:
    plain = _score_of_case("信用监测能把坏账率降多少")
    assert _score_of_case("信用监测能把坏账率降多少 有没有实际数据") > plain
    assert _score_of_case("信用监测能把坏账率降多少 有没有真实的数据") > plain
