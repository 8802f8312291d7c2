"""Choosing answer sentences by meaning: sentence vectors blended with the lexical score, and the
"a FAQ asks the same question" check — with hand-made unit vectors standing in for e5."""

from __future__ import annotations

import numpy as np

from knowledge.answering import Composer
from knowledge.types import Chunk, Hit

DOCUMENTS = "需在知悉破产事件后30天内提交索赔文件,包括贸易合同、交货凭证、应收账款账龄表等。"
SPEED = "正规保险服务商在收到完整理赔文件后,通常在30-60个工作日内完成审核赔付。"
CLAIMS = Chunk("004_b#faq4", "004_b", "现金流断裂怎么办", "faq", "发生买方破产后如何快速启动理赔?", DOCUMENTS, 0, 0)
TIMING = Chunk("000_a#faq2", "000_a", "了解贸易信用保险", "faq", "理赔流程通常需要多长时间?", SPEED, 0, 0)
# "理赔的时候要交什么单据": no word in common with the documents sentence but 理赔 with the other one
QUESTION = "理赔的时候要交什么单据"


def _unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


# axis 0: "claim documents", axis 1: "claim timing", axis 2: anything else
VECTORS = {
    DOCUMENTS: _unit(1.0, 0.0, 0.85),
    SPEED: _unit(0.0, 1.0, 0.85),
    "发生买方破产后如何快速启动理赔?": _unit(0.2, 0.2, 1.0),
    "理赔流程通常需要多长时间?": _unit(0.0, 0.5, 1.0),
}
QUERY = _unit(0.55, 0.0, 1.0)


def embed(texts: list[str]) -> np.ndarray:
    return np.stack([VECTORS[t] for t in texts])


def hits() -> list[Hit]:
    return [Hit(TIMING, 0.8, 0.9, 3.0), Hit(CLAIMS, 0.7, 0.88, 1.0)]


def test_without_vectors_the_shared_word_wins() -> None:
    # (not asking "什么单据": a question asking for a list is led by the sentence listing them, vectors or not)
    result = Composer([TIMING, CLAIMS]).compose("理赔的时候单据怎么交", hits())
    assert result is not None
    assert result.text.index("30-60") < result.text.find("贸易合同") or "贸易合同" not in result.text
    assert result.semantic is None


def test_the_sentence_closest_in_meaning_leads() -> None:
    composer = Composer([TIMING, CLAIMS], embed_passages=embed)
    assert composer.semantic
    result = composer.compose(QUESTION, hits(), query_vector=QUERY)
    assert result is not None
    assert "贸易合同" in result.text
    assert "30-60" not in result.text.split("[")[0]
    assert result.semantic is not None and result.semantic > 0.9


def test_a_faq_question_close_in_meaning_means_covered() -> None:
    composer = Composer([TIMING, CLAIMS], embed_passages=embed)
    assert composer.covers(_unit(0.0, 0.5, 1.0))
    assert not composer.covers(_unit(1.0, -1.0, 0.0))
    assert not Composer([TIMING, CLAIMS]).covers(QUERY)


def test_a_when_question_asks_for_days() -> None:
    early = Chunk("000_a#faq1", "000_a", "t", "faq", "贸易信用保险主要保障哪些风险?",
                  "贸易信用保险承保买方超期拖欠货款的风险(通常指逾期90天以上未支付)。", 0, 0)
    late = Chunk("003_c#faq2", "003_c", "t", "faq", "贸易信用保险具体保障哪些风险?",
                 "贸易信用保险承保超合同约定账期180天以上的长期拖欠。", 0, 0)
    result = Composer([early, late]).compose(
        "买方一直拖欠货款不付，保险什么时候开始承保赔付", [Hit(early, 0.8, 0.9, 3.0), Hit(late, 0.7, 0.9, 3.0)]
    )
    assert result is not None
    assert "说法不一" in result.text and "180天" in result.text and "90天" in result.text
