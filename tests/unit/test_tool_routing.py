"""Routing decisions (tool vs knowledge), clarification, permissions and failures of ToolRouter.handle.

The credit service is replaced by an ``httpx.MockTransport`` here; tests/integration/test_tools.py runs
the same router against the real service.
"""

from __future__ import annotations

import json

import httpx
import pytest

from bot.messages import Caller, Reply, Session, Turn
from bot.tool_routing import ToolRouter
from tools import replies
from tools.client import CreditServiceClient
from tests.support import IN_CI, SHARED
from tools.registry import ToolRegistry

EVAL = SHARED / "eval" / "public.jsonl"
HUAXIN = {
    "buyer_id": "CN1049", "name": "佛山华信金属材料有限公司", "country": "CN", "uscc": "91440600UBDX0C6DXJ",
    "industry": "大宗商品", "grade": 9, "status": "watch", "credit_limit_cny": 0.0, "avg_days_late": 44,
    "updated": "2026-10-31", "score": 0.4,
}


class FakeService:
    """Answers /buyers/search with a fixed list and counts requests."""

    def __init__(self, matches: list[dict] | None = None, fail: bool = False) -> None:
        self.matches = matches or []
        self.fail = fail
        self.requests: list[httpx.Request] = []
        self.directory_requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        directory = request.url.path == "/buyers"  # what the router matches names against: not a lookup
        (self.directory_requests if directory else self.requests).append(request)
        if self.fail:
            raise httpx.ConnectError("connection refused", request=request)
        if directory:
            return httpx.Response(200, json=[{k: m[k] for k in ("buyer_id", "name", "uscc")} for m in self.matches])
        if request.url.path == "/buyers/search":
            return httpx.Response(200, json=self.matches)
        return httpx.Response(404, json={"detail": "not found"})


FIRST_DSO = "应收余额500万，过去60天一共赊销1500万，算DSO"


def make_router(service: FakeService) -> ToolRouter:
    return ToolRouter(ToolRegistry(CreditServiceClient("http://service.test", transport=httpx.MockTransport(service))))


def session(may_lookup: bool = True) -> Session:
    return Session(id="s1", caller=Caller("cli", "abc", may_lookup))


@pytest.mark.parametrize(
    "question",
    [
        "我们DSO一直在变长，这说明啥问题？",
        "DSO是什么意思",
        "你们公司地址在哪",
        "客户逾期了第一步该做什么",
        "什么是应收账款周转天数？",
        "信用评分是怎么算的？",
        "买家破产了怎么办？",
        "逾期多久可以报损？",
        "投保信用保险需要准备什么材料？",
        "买家拖欠货款，理赔流程是什么？",
        "做大宗商品贸易，价格波动很大，信用额度跟保险怎么配合？",
        "出险了，保险是按应收账款全额赔吗？",
        "信用额度怎么申请？",
        "客户还欠着我们的货款",
        "买家的信用额度一般定在多少",
        "你们系统里收录了多少家公司",
    ],
)
def test_knowledge_questions_are_not_for_the_tools(question: str) -> None:
    service = FakeService()
    assert make_router(service).handle(question, session()) is None
    assert service.requests == []


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("应收账款500万，上季度赊销900万，DSO是多少", "500万 ÷ 900万 × 90 = 50.0天"),
        ("what is the DSO if AR is 2.5m and annual credit sales 12m", "2,500,000 ÷ 12,000,000 × 365 = 76.0 days"),
        ("DSO please: AR 640k, quarterly credit sales 1.44M", "640,000 ÷ 1,440,000 × 90 = 40.0 days"),
        ("过去60天一共赊销了300万，现在账上应收还有120万，DSO算下来几天？", "120万 ÷ 300万 × 60 = 24.0天"),
        ("流动资产300万，流动负债200万，流动比率多少？", "1.50"),
        ("逾期50万，应收200万，逾期率是多少", "25.0%"),
        ("2/10 Net 30 不拿折扣的年化成本", "37.24%"),
    ],
)
def test_calculations_answer_with_the_formula(question: str, figure: str) -> None:
    reply = make_router(FakeService()).handle(question, session(may_lookup=False))
    assert reply is not None and reply.status == "answered"
    assert figure in reply.answer
    assert reply.tool_calls and "error" not in reply.tool_calls[0].result


def test_missing_receivables_is_asked_for_and_completed() -> None:
    router, s = make_router(FakeService()), session()
    first = router.handle("DSO多少？上个月赊出去80万货", s)
    assert first.status == "clarify" and "应收" in first.answer
    assert s.state["pending"]["missing"] == ["receivables"]
    json.dumps(s.state)  # the session store keeps it as JSON
    second = router.handle("应收大概50万", s)
    assert second.status == "answered" and "50万 ÷ 80万 × 30 = 18.8天" in second.answer
    assert "pending" not in s.state and s.state["last_result"]["result"]["dso_days"] == 18.8


def test_pending_clarification_is_dropped_when_the_user_moves_on() -> None:
    router, s = make_router(FakeService()), session()
    assert router.handle("帮我算一下DSO", s).status == "clarify"
    assert router.handle("信用保险的保费一般是多少？", s) is None
    assert s.state == {}


def test_buyer_question_without_a_name_asks_which_buyer() -> None:
    service = FakeService([HUAXIN])
    router, s = make_router(service), session()
    reply = router.handle("这家买家信用怎么样", s)
    assert reply.status == "clarify" and "买家" in reply.answer
    follow = router.handle("华信", s)
    assert follow.status == "answered" and "CN1049" in follow.answer and "观察名单" in follow.answer


def test_buyer_answer_shows_grade_meaning_limit_behaviour_and_caution() -> None:
    reply = make_router(FakeService([HUAXIN])).handle("华信的信用评分", session())
    assert reply.answer.startswith("佛山华信金属材料有限公司（CN1049）信用等级为9/10（很高风险）。")
    for text in ("建议信用限额为0元", "平均逾期44天", "⚠"):
        assert text in reply.answer
    assert len(reply.answer.splitlines()) == 3  # the answer, the rest of its risk in a line, the caution
    assert reply.tool_calls[0].name == "buyer_lookup"


def test_unknown_buyer_is_not_found_never_invented() -> None:
    reply = make_router(FakeService([])).handle("帮我看看 宁波蓝鲸湾零号进出口有限公司 信用分多少", session())
    assert "未找到" in reply.answer and "全称" in reply.answer
    assert "等级" not in reply.answer


def test_callers_without_permission_get_a_polite_refusal_for_buyer_tools_only() -> None:
    service = FakeService([HUAXIN])
    reply = make_router(service).handle("华信的信用评分", session(may_lookup=False))
    assert "权限" in reply.answer and "CN1049" not in reply.answer
    assert service.requests == []


def test_unavailable_service_gives_a_polite_sentence() -> None:
    service = FakeService(fail=True)
    reply = make_router(service).handle("查一下买家 CN1007", session())
    assert reply.answer == "查询服务暂时不可用，请稍后再试。"
    assert len(service.requests) == 2  # one retry
    assert reply.tool_calls[0].result["error"] == "service_unavailable"


@pytest.mark.skipif(not EVAL.exists() and not IN_CI, reason="../shared/eval is not next to the repository")
@pytest.mark.parametrize("case_id", ["p016", "p017", "p018", "p019"])
def test_public_eval_calculator_cases(case_id: str) -> None:
    case = next(json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if case_id in line)
    reply = make_router(FakeService()).handle(case["question"], session())
    assert reply is not None
    assert all(text in reply.answer for text in case["expect_all"])
    assert not case["expect_any"] or any(text in reply.answer for text in case["expect_any"])
    if case_id == "p018":
        assert reply.status == "clarify"


def test_unknown_name_without_buyer_words_goes_to_the_knowledge_core() -> None:
    # An insurer's rating is a knowledge question; only a clear buyer request gets "未找到".
    service = FakeService([])
    assert make_router(service).handle("那安联贸易的评级是多少？", session()) is None
    assert len(service.requests) == 1


def test_weak_buyer_question_with_service_down_says_the_service_is_unavailable() -> None:
    reply = make_router(FakeService(fail=True)).handle("青岛盛达的信用等级", session())
    assert reply is not None and reply.answer == replies.UNAVAILABLE
    assert reply.tool_calls[0].result["error"] == "service_unavailable"


def test_a_stray_phrase_taken_for_a_name_still_reaches_the_knowledge_core_when_the_service_is_down() -> None:
    assert make_router(FakeService(fail=True)).handle("开店不久想免费查查买家信用 有没有这种办法", session()) is None


def test_completing_a_pending_buyer_request_checks_the_permission_again() -> None:
    service = FakeService([HUAXIN])
    router, s = make_router(service), session()
    assert router.handle("帮我查一下这个买家的信用等级", s).status == "clarify"
    borrowed = Session(id=s.id, caller=Caller("api", "someone-else", False), state=s.state)
    reply = router.handle("华信", borrowed)
    assert reply is not None and reply.answer == replies.NO_PERMISSION
    assert reply.tool_calls[0].result["error"] == "forbidden" and service.requests == []


def test_zero_sales_gets_a_chinese_explanation_not_a_number() -> None:
    reply = make_router(FakeService()).handle("应收500万，上季度赊销0元，DSO多少", session())
    assert reply is not None and "赊销额必须大于 0" in reply.answer and "天。" not in reply.answer
    assert reply.tool_calls[0].result["error"] == "invalid_input"


def test_pending_buyer_question_can_be_cancelled() -> None:
    service = FakeService([HUAXIN])
    router, s = make_router(service), session()
    assert router.handle("这家买家信用怎么样", s).status == "clarify"
    assert router.handle("算了不用了", s) is None
    assert s.state == {} and service.requests == []


def test_how_dso_is_computed_gives_the_formula_then_computes_the_numbers_sent_next() -> None:
    router, s = make_router(FakeService()), session(may_lookup=False)
    reply = router.handle("DSO怎么算？", s)
    assert reply.status == "answered" and "DSO = 应收账款 ÷ 赊销额 × 天数" in reply.answer
    assert "帮您算" in reply.answer and not reply.tool_calls
    done = router.handle("应收300万，赊销900万，一个季度", s)
    assert done.status == "answered" and "÷ 900万" in done.answer and "= 30.0天" in done.answer
    assert "pending" not in s.state


def test_formula_offer_is_dropped_when_the_user_moves_on() -> None:
    router, s = make_router(FakeService()), session()
    assert "流动资产 ÷ 流动负债" in router.handle("流动比率怎么算", s).answer
    assert router.handle("理赔需要多久？", s) is None and s.state == {}


def test_traditional_message_is_read_and_answered_in_traditional() -> None:
    reply = make_router(FakeService()).handle("應收帳款300萬，賒銷900萬，一季度，DSO多少", session())
    assert reply is not None and "30.0天" in reply.answer and "應收" in reply.answer


def test_refusal_without_permission_is_polite_and_points_to_what_still_works() -> None:
    reply = make_router(FakeService([HUAXIN])).handle("查一下买家 CN1049", session(may_lookup=False))
    assert reply.answer.startswith("抱歉") and "DSO" in reply.answer and "知识问答" in reply.answer


def test_unmatched_weak_name_without_permission_goes_to_the_knowledge_core() -> None:
    service = FakeService([HUAXIN])
    assert make_router(service).handle("安联贸易评级多少", session(may_lookup=False)) is None
    assert service.requests == []


@pytest.mark.parametrize("other", ["你们公司地址在哪", "信用额度怎么定", "客户逾期了第一步该做什么"])
def test_a_question_after_which_buyer_is_not_taken_for_a_name(other: str) -> None:
    service = FakeService([HUAXIN])
    router, s = make_router(service), session()
    assert router.handle("帮我查一个客户的额度", s).status == "clarify"
    assert router.handle(other, s) is None
    assert s.state == {} and service.requests == []


def after_a_dso(router: ToolRouter, s: Session) -> Reply:
    """Answer one DSO calculation and keep it as the session's last turn."""
    first = router.handle(FIRST_DSO, s)
    assert first is not None
    s.turns.append(Turn(FIRST_DSO, first.answer, "answered"))
    return first


def test_a_what_if_follow_up_redoes_the_last_calculation_with_the_changed_input() -> None:
    router, s = make_router(FakeService()), session()
    assert "20.0天" in after_a_dso(router, s).answer
    second = router.handle("要是赊销做到2000万呢", s)
    assert second is not None and "500万 ÷ 2000万 × 60 = 15.0天" in second.answer


def _asked(router: ToolRouter, s: Session, message: str) -> Reply:
    reply = router.handle(message, s)
    assert reply is not None
    s.turns.append(Turn(message, reply.answer, reply.status))
    return reply


@pytest.mark.parametrize(("follow_up", "shown"), [
    ("要是负债多出250万呢", "1300万 ÷ 650万"),  # a change by an amount adds to the remembered input
    ("假如资产减少了500万呢", "800万 ÷ 400万"),  # ...or takes from it
    ("如果负债增加到650万呢", "1300万 ÷ 650万"),  # a value set to a figure is no change
])
def test_regression_a_what_if_said_as_a_change_moves_the_remembered_input(follow_up: str, shown: str) -> None:
    # regression: "负债多出250万" used to replace the liabilities with 250万 (or fall through when 负债 was said
    # without 流动)
    router, s = make_router(FakeService()), session()
    _asked(router, s, "流动资产 1300万，流动负债 400万，流动比率多少")
    second = router.handle(follow_up, s)
    assert second is not None and shown in second.answer


def test_regression_a_what_if_on_discount_terms_changes_only_the_term_it_names() -> None:
    # regression: a what-if after a cash-discount cost was not recomputed at all
    router, s = make_router(FakeService()), session()
    _asked(router, s, "3/15 net 40 不拿折扣的年化成本")
    net = _asked(router, s, "要是 net 75 呢")
    assert "3/15 Net 75" in net.answer
    pct = _asked(router, s, "那折扣如果是1%呢")
    assert "1/15 Net 75" in pct.answer
    days = router.handle("折扣期改成25天呢", s)
    assert days is not None and "1/25 Net 75" in days.answer


def test_a_what_if_without_a_calculation_just_before_is_left_to_the_knowledge_core() -> None:
    router, s = make_router(FakeService()), session()
    assert router.handle("假如应收只剩300万呢", s) is None


def test_a_new_calculation_right_after_one_takes_the_input_it_leaves_out() -> None:
    router, s = make_router(FakeService()), session()
    after_a_dso(router, s)
    second = router.handle("那应收400万 赊销1600万 DSO呢", s)
    assert second is not None and second.status == "answered" and "400万 ÷ 1600万 × 60 = 15.0天" in second.answer


def test_an_amount_left_out_is_asked_for_not_taken_from_the_last_calculation() -> None:
    router, s = make_router(FakeService()), session()
    after_a_dso(router, s)
    second = router.handle("另一家子公司赊销700万，DSO是多少", s)
    assert second is not None and second.status == "clarify" and "应收" in second.answer


def test_a_follow_up_giving_the_figures_uses_the_metric_the_previous_question_named() -> None:
    router, s = make_router(FakeService()), session()
    s.turns.append(Turn("流动比率一般多少以下要当心", "…", "answered"))
    reply = router.handle("我们账上流动资产880万，流动负债800万呢", s)
    assert reply is not None and "1.1" in reply.answer


def test_figures_without_a_metric_before_them_stay_with_the_knowledge_core() -> None:
    router, s = make_router(FakeService()), session()
    s.turns.append(Turn("买方破产了理赔要交什么", "…", "answered"))
    assert router.handle("合同金额300万，已经付了100万", s) is None


def test_discount_terms_without_a_net_term_ask_for_it_then_answer() -> None:
    """Regression: "1/15" with no net term was answered from the articles; the cost needs the net term."""
    router, s = make_router(FakeService()), session()
    first = router.handle("对方要1/15的折扣 放弃这点钱折成年化算多少", s)
    assert first is not None and first.status == "clarify" and "Net" in first.answer
    second = router.handle("net 45", s)
    assert second is not None and second.status == "answered" and "12.29%" in second.answer  # 1/99 × 365/30


def test_a_360_day_year_annualises_the_discount_over_360() -> None:
    """Regression: "按360天" was ignored and the cost annualised over 365 days."""
    reply = make_router(FakeService()).handle("1/20 net 50 放弃折扣的年化成本 一年按360天算", session())
    assert reply is not None and "12.12%" in reply.answer and "× 360/30" in reply.answer  # 1/99 × 360/30


def test_an_ageing_bucket_after_a_buyer_asks_its_ledger_not_a_calculation() -> None:
    # regression: the day counts of "逾期61到90天" were read as a calculation's amounts
    router = make_router(FakeService([HUAXIN]))
    s = session()
    s.state["buyer"] = {"buyer_id": "CN1049", "name": HUAXIN["name"]}
    request = router.buyers.named("截至9月30日 逾期61到90天的有多少", s, None)
    assert request is not None and request.tool == "buyer_receivables"
    assert request.args["buyers"] == [["CN1049"]] and "aging" in request.args["asks"]
