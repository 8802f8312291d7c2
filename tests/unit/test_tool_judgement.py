"""A calculator's figure is followed by what the articles make of it, cited, or by a plain "no benchmark"."""

from __future__ import annotations

from bot.messages import Reply, Session, Turn
from bot.pipeline.tools import NO_BENCHMARK, ToolStep
from bot.pipeline.turn import TurnContext
from bot.tool_routing import ToolRouter
from knowledge.facts import Fact
from knowledge.reasoning import Finding
from tools.client import CreditServiceClient
from tools.registry import ToolRegistry

LINE = Fact(kind="threshold", subject="坏账占比", value=12.0, value2=None, unit="%", comparator=">", detail="需复核",
            position=0, sentence="坏账占比超过12%时需复核授信。", doc_id="900_demo", chunk_id="900_demo#s1")

MEANT = Fact(kind="definition", subject="账款逾期率", value=None, value2=None, unit="", comparator="",
             detail="超过约定付款日45天仍未收回的金额占比", position=0,
             sentence="账款逾期率（超过约定付款日45天仍未收回的金额占比）按月统计。", doc_id="901_demo", chunk_id="901_demo#s2")


class Shelf:
    """Articles with one line for the overdue share and nothing on anything else."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, float, str]] = []

    def judge_metric(self, metric: str, value: float, unit: str = "", earlier: tuple[float, str] | None = None,
                     english: bool = False) -> Finding | None:
        self.asked.append((metric, value, unit))
        if metric != "逾期率":
            return None
        return Finding(f"{value:g}{unit}高于资料中的“坏账占比超过12%”{{0}}。", (LINE,))

    def definition(self, name: str) -> Fact | None:
        return MEANT if "逾期率" in name else None

    def title_of(self, doc_id: str) -> str:
        return "演示文章"


def step(shelf: Shelf) -> ToolStep:
    return ToolStep(ToolRouter(ToolRegistry(CreditServiceClient("http://127.0.0.1:9"))), shelf)  # type: ignore[arg-type]


def test_a_figure_the_articles_judge_is_followed_by_their_line_cited() -> None:
    shelf = Shelf()
    reply = step(shelf).handle(TurnContext("逾期率多少：应收账款800万，逾期200万", Session("s")))
    assert reply is not None and shelf.asked == [("逾期率", 25.0, "%")]
    assert reply.answer.splitlines()[1] == "25%高于资料中的“坏账占比超过12%”[1]。"
    assert [(s.doc_id, s.title) for s in reply.sources] == [("900_demo", "演示文章")]


def test_asked_what_to_make_of_the_figure_the_articles_verdict_on_it_comes_first() -> None:
    # "怎么样": the figure held against the articles' line is the answer, named by its metric, then the working
    reply = step(Shelf()).handle(TurnContext("逾期率怎么样：应收账款800万，逾期200万", Session("s")))
    assert reply is not None
    assert reply.answer.splitlines()[0] == "逾期率25%高于资料中的“坏账占比超过12%”[1]。"
    assert reply.answer.splitlines()[1].startswith("逾期率约为 25")


def test_an_overdue_amount_told_by_what_is_still_unpaid_fills_the_ratio() -> None:
    reply = step(Shelf()).handle(TurnContext("应收合计800万，过了账期仍没收回来的是120万，逾期率算下", Session("s")))
    assert reply is not None and reply.status == "answered" and "15" in reply.answer.splitlines()[0]


def test_a_figure_the_articles_say_nothing_about_is_said_plainly_when_asked_about_too() -> None:
    reply = step(Shelf()).handle(TurnContext("DSO多少，偏高吗：应收账款300万，上季度赊销600万", Session("s")))
    assert reply is not None and reply.answer.splitlines()[1] == NO_BENCHMARK.format(metric="DSO")
    assert reply.sources == []


def test_a_plain_calculation_the_articles_say_nothing_about_says_so_too() -> None:
    reply = step(Shelf()).handle(TurnContext("DSO多少：应收账款300万，上季度赊销600万", Session("s")))
    assert reply is not None and reply.answer.splitlines()[1] == NO_BENCHMARK.format(metric="DSO")
    assert reply.sources == []


def test_a_clarifying_question_is_not_judged() -> None:
    shelf = Shelf()
    reply = step(shelf).handle(TurnContext("逾期率多少：应收账款800万", Session("s")))
    assert reply is not None and reply.status == "clarify" and shelf.asked == []


def _after(step_: ToolStep, s: Session, message: str) -> Reply | None:
    """One turn as the assistant runs it: the step's reply, then the turn appended to the session."""
    reply = step_.handle(TurnContext(message, s))
    s.turns.append(Turn(message, reply.answer if reply else "", reply.status if reply else "no_answer"))
    return reply


def test_a_verdict_follow_up_judges_the_figure_just_computed() -> None:
    shelf, s = Shelf(), Session("s")
    tools = step(shelf)
    assert _after(tools, s, "应收账款一千二百万，逾期三百万，逾期率多少") is not None
    again = _after(tools, s, "这个比例算高吗")
    assert again is not None and again.answer == "25%高于资料中的“坏账占比超过12%”[1]。"
    assert [src.doc_id for src in again.sources] == ["900_demo"]
    assert _after(tools, s, "那该怎么办") is not None  # still about the same figure


def test_a_question_of_its_own_after_a_calculation_is_not_taken_for_a_follow_up() -> None:
    shelf, s = Shelf(), Session("s")
    tools = step(shelf)
    _after(tools, s, "应收账款一千二百万，逾期三百万，逾期率多少")
    assert _after(tools, s, "那保单续保一般怎么办") is None


def test_a_verdict_follow_up_needs_a_calculation_in_the_turn_before() -> None:
    shelf, s = Shelf(), Session("s")
    tools = step(shelf)
    _after(tools, s, "应收账款一千二百万，逾期三百万，逾期率多少")
    s.turns.append(Turn("理赔要多久", "……", "answered"))
    assert _after(tools, s, "这个算高吗") is None


class CarelessShelf(Shelf):
    """Articles whose verdict would state a figure found neither in its source nor in the calculation."""

    def judge_metric(self, metric: str, value: float, unit: str = "", earlier: tuple[float, str] | None = None,
                     english: bool = False) -> Finding | None:
        return Finding(f"{value:g}{unit}，行业均值约为9%{{0}}。", (LINE,))


def test_a_verdict_with_a_figure_from_nowhere_is_not_shown() -> None:
    reply = step(CarelessShelf()).handle(TurnContext("逾期率多少，高吗：应收账款800万，逾期200万", Session("s")))
    assert reply is not None and "9%" not in reply.answer
    assert reply.answer.splitlines()[1] == NO_BENCHMARK.format(metric="逾期率") and reply.sources == []


def test_an_earlier_value_sent_after_the_calculation_is_compared_with_it() -> None:
    shelf, s = Shelf(), Session("s")
    tools = step(shelf)
    _after(tools, s, "应收账款一千二百万，逾期三百万，逾期率多少")
    again = _after(tools, s, "上季度是20%")
    assert again is not None and shelf.asked[-1] == ("逾期率", 25.0, "%")
    assert s.state["last_result"]["earlier"] == [20.0, "%"]


def test_asking_how_much_it_moved_compares_with_the_previous_calculation_of_that_metric() -> None:
    shelf, s = Shelf(), Session("s")
    tools = step(shelf)
    _after(tools, s, "应收账款一千万，逾期一百五十万，逾期率多少")
    _after(tools, s, "应收账款一千万，逾期二百万，逾期率多少")
    moved = _after(tools, s, "跟前一次比涨了几个点")
    assert moved is not None and moved.status == "answered"
    assert shelf.asked[-1] == ("逾期率", 20.0, "%") and s.state["last_result"]["earlier"] == [15.0, "%"]


def test_asking_how_much_it_moved_without_an_earlier_figure_asks_for_it() -> None:
    shelf, s = Shelf(), Session("s")
    tools = step(shelf)
    _after(tools, s, "DSO多少：应收账款300万，上季度赊销600万")
    asked = _after(tools, s, "和去年同期相比变化大吗")
    assert asked is not None and asked.status == "clarify" and "DSO" in asked.answer
    assert not any(ch.isdigit() for ch in asked.answer.split("例如")[0])  # no figure of its own
    told = _after(tools, s, "去年同期是36天")
    assert told is not None and s.state["last_result"]["earlier"] == [36.0, "天"]
    assert told.answer.startswith("DSO为45天。")  # the figure the verdict is about, stated once


def test_a_calculation_of_another_kind_is_no_earlier_figure() -> None:
    s = Session("s")
    tools = step(Shelf())
    _after(tools, s, "DSO多少：应收账款300万，上季度赊销600万")
    _after(tools, s, "应收账款一千万，逾期二百万，逾期率多少")
    assert s.state["last_result"]["previous"] is None
    assert _after(tools, s, "比之前高了多少").status == "clarify"


def test_a_traditional_follow_up_gets_its_verdict_in_traditional() -> None:
    shelf, s = Shelf(), Session("s")
    tools = step(shelf)
    _after(tools, s, "應收帳款一千二百萬，逾期三百萬，逾期率多少")
    again = _after(tools, s, "這樣算高嗎")
    assert again is not None and "高於資料中" in again.answer


def test_a_buyer_lookup_leaves_its_risk_in_words_for_the_next_question() -> None:
    import httpx

    from bot.messages import Caller

    buyer = {"buyer_id": "CN2001", "name": "示例五金制品有限公司", "country": "CN", "uscc": "91330200ABCD12345X",
             "industry": "五金", "grade": 8, "status": "active", "credit_limit_cny": 100000.0, "avg_days_late": 12,
             "updated": "2026-09-30", "score": 1.0}

    def service(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[buyer])

    client = CreditServiceClient("http://service.test", transport=httpx.MockTransport(service))
    tools = ToolStep(ToolRouter(ToolRegistry(client)), Shelf())  # type: ignore[arg-type]
    turn = TurnContext("查一下 CN2001", Session("s", caller=Caller("cli", "abc", True)))
    assert tools.handle(turn) is not None and turn.topic == "查一下 CN2001 高风险客户"


def test_how_a_metric_is_computed_opens_with_the_articles_own_definition_cited() -> None:
    reply = step(Shelf()).handle(TurnContext("逾期率到底咋计算", Session("s")))
    assert reply is not None
    first = reply.answer.splitlines()[0]
    assert first.startswith("按资料的定义，账款逾期率指超过约定付款日45天仍未收回的金额占比[1]") and "以此为准" in first
    assert "逾期金额 ÷ 应收账款" in reply.answer  # the generic formula still follows, for reference
    assert [s.doc_id for s in reply.sources] == ["901_demo"]


def test_how_a_metric_the_articles_do_not_define_is_computed_is_the_formula_alone() -> None:
    reply = step(Shelf()).handle(TurnContext("流动比率怎么算", Session("s")))
    assert reply is not None and reply.answer.startswith("流动比率的计算公式") and reply.sources == []
