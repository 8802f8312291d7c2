"""Choosing article sentences for a question: knowledge/scoring.py, on hand-built chunks."""

from __future__ import annotations

from knowledge.scoring import SentenceScorer
from knowledge.sentences import terms
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


def test_candidates_cover_each_sentence_as_term_weights_do() -> None:
    faq = Chunk("011_f#1", "011_f", "理赔", "faq", "理赔要多久？", "材料齐全后一般30个工作日内赔付。", 0, 0)
    scorer = SentenceScorer([MONITORING, faq])
    question = "信用监测以后理赔要多久"
    qterms = terms(question)
    candidates = scorer.candidates(question, "坏账率", [Hit(MONITORING, 0.9, 0.9, 3.0), Hit(faq, 0.8, 0.8, 2.0)], False)
    assert {c.sentence.chunk_id for c in candidates} == {"010_m#1", "011_f#1"}
    for cand in candidates:  # a FAQ answer is covered with its question
        assert abs(cand.coverage - scorer.relevance(qterms, cand.sentence)) < 1e-12
