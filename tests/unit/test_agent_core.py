"""The agent's stream gate: safe text at once, figures and citations only once their sentence checks out."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document

from bot.agent.core import AgentFailed, SentenceGate
from bot.agent.toolbox import Passage, Workbench


def bench() -> Workbench:
    passage = Passage(1, Document("流动比率一般应保持在1.5倍以上，账龄超过90天风险最高。",
                                  metadata={"doc_id": "a", "title": "比率", "chunk_id": "a#1"}))
    return Workbench(tools={}, passages={1: passage})


def feed_all(gate: SentenceGate, tokens: list[str]) -> list[str]:
    out = [piece for token in tokens for piece in gate.feed(token)]
    return out + list(gate.close())


def test_safe_text_streams_at_once_and_figures_wait_for_their_sentence() -> None:
    gate = SentenceGate(bench())
    assert list(gate.feed("流动比率应")) == ["流动比率应"]
    assert list(gate.feed("不低于1.")) == ["不低于"]
    assert list(gate.feed("5倍")) == []
    assert list(gate.feed("[1]。逾期")) == ["1.5倍[1]。", "逾期"]
    assert gate.text == "流动比率应不低于1.5倍[1]。逾期"


def test_a_decimal_mid_line_is_not_taken_for_list_numbering() -> None:
    assert "".join(feed_all(SentenceGate(bench()), ["一般保持", "1.5倍以上[1]。"])) == "一般保持1.5倍以上[1]。"


@pytest.mark.parametrize("tokens", [["要保持", "2.5倍[1]。"], ["见资料", "[4]。"]], ids=["invented", "unknown-passage"])
def test_an_unchecked_sentence_stops_the_stream(tokens: list[str]) -> None:
    with pytest.raises(AgentFailed):
        feed_all(SentenceGate(bench()), tokens)
