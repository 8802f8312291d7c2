"""A verdict on selling on credit to one buyer is followed by the articles' line for its risk class, cited."""

from __future__ import annotations

from bot.messages import Reply, ToolCall
from bot.pipeline.buyer_advice import advice_question, advise
from knowledge.answering import Citation, Composition

RECORD = {"buyer_id": "ZJ0001", "name": "杭州天锐五金制品有限公司", "country": "CN", "industry": "五金", "grade": 8,
          "status": "watch", "credit_limit_cny": 0.0, "avg_days_late": 50, "updated": "2026-06-30"}


class Shelf:
    """Articles answering every question with one cited line and a second one."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def search(self, query: str, k: int) -> list[str]:
        self.asked.append(query)
        return ["hit"]

    def compose(self, resolved, hits):  # noqa: ANN001, ANN201
        citation = Citation(doc_id="900_demo", title="演示文章", snippet="……", score=0.9)
        return Composition(text="对这类买家应先收款后发货[1]。其余从略[1]。", citations=[citation], confidence=0.5)


def verdict() -> Reply:
    call = ToolCall("buyer_lookup", {"query": "ZJ0001"}, {"matches": [RECORD]})
    return Reply("不建议继续放账：……\n（数据更新于 2026-06-30）", tool_calls=[call])


def test_the_question_uses_the_buyers_risk_class() -> None:
    assert advice_question(RECORD).startswith("高风险")
    assert advice_question({**RECORD, "status": "insolvent", "grade": 10}).startswith("破产")


def test_a_verdict_gets_the_first_line_of_the_articles_cited() -> None:
    shelf, reply = Shelf(), verdict()
    advise(shelf, "下周还给他们发货放账吗", reply)  # type: ignore[arg-type]
    assert reply.answer.splitlines()[1] == "资料的建议：对这类买家应先收款后发货[1]。"
    assert [s.doc_id for s in reply.sources] == ["900_demo"] and shelf.asked == [advice_question(RECORD)]


def test_other_buyer_answers_are_left_alone() -> None:
    shelf, reply = Shelf(), verdict()
    advise(shelf, "他们的评级是多少", reply)  # type: ignore[arg-type]
    assert shelf.asked == [] and reply.sources == [] and "资料" not in reply.answer


def test_a_traditional_question_gets_the_advice_in_traditional() -> None:
    shelf, reply = Shelf(), verdict()
    advise(shelf, "下週還給他們發貨放賬嗎", reply)  # type: ignore[arg-type]
    assert reply.answer.splitlines()[1] == "資料的建議：對這類買家應先收款後發貨[1]。"


def test_english_advice_is_introduced_in_english() -> None:
    from bot.pipeline.buyer_advice import ADVICE_EN

    shelf, reply = Shelf(), verdict()
    advise(shelf, "can we keep selling to them on credit next month?", reply, "en")  # type: ignore[arg-type]
    assert reply.answer.splitlines()[1].startswith(ADVICE_EN)
