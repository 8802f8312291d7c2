"""The session keeps the last buyer looked up: follow-ups about it use it; calculations stay calculations.

The credit service is an ``httpx.MockTransport`` serving a two-buyer directory (invented companies).
"""

from __future__ import annotations

import httpx

from bot.messages import Caller, Session, Turn
from bot.tool_routing import ToolRouter
from tools.client import CreditServiceClient
from tools.registry import ToolRegistry

BUYERS = [
    {"buyer_id": "HB0101", "name": "石家庄润丰纸业有限公司", "country": "CN", "uscc": "", "industry": "造纸",
     "grade": 8, "status": "watch", "credit_limit_cny": 200000.0, "avg_days_late": 37, "updated": "2026-07-31"},
    {"buyer_id": "HB0102", "name": "保定远航汽配有限公司", "country": "CN", "uscc": "", "industry": "汽配",
     "grade": 3, "status": "active", "credit_limit_cny": 1500000.0, "avg_days_late": 4, "updated": "2026-07-31"},
]
LEDGER = {"buyer_id": "HB0101", "as_of": "2026-07-31", "period_days": 90, "ar_outstanding": 500000.0,
          "credit_sales": 900000.0, "dso_days": 50.0, "overdue_cny": 120000.0, "overdue_ratio": 0.24,
          "aging": {"current": 380000.0, "d1_30": 120000.0, "d31_60": 0.0, "d61_90": 0.0, "d90_plus": 0.0}}


def service(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path == "/buyers":
        return httpx.Response(200, json=[{k: b[k] for k in ("buyer_id", "name", "uscc")} for b in BUYERS])
    if path == "/buyers/search":
        q = request.url.params["q"]
        return httpx.Response(200, json=[{**b, "score": 1.0} for b in BUYERS if b["buyer_id"] == q])
    if path == "/buyers/HB0101/receivables":
        return httpx.Response(200, json={**LEDGER, "as_of": request.url.params.get("as_of", "2026-07-31")})
    return httpx.Response(404, json={"detail": "not found"})


def router() -> ToolRouter:
    return ToolRouter(ToolRegistry(CreditServiceClient("http://service.test", transport=httpx.MockTransport(service))))


def test_follow_ups_use_the_buyer_just_looked_up() -> None:
    r, s = router(), Session("f", Caller("cli", "abc", True))
    assert "HB0101" in r.handle("润丰纸业查一下", s).answer
    limit = r.handle("它的额度呢", s)
    assert limit.answer.startswith("石家庄润丰纸业有限公司（HB0101）建议信用限额为20万元")
    ledger = r.handle("那他家截至2026-06-30欠多少", s)
    assert ledger.tool_calls[-1].name == "buyer_receivables" and ledger.tool_calls[-1].args["as_of"] == "2026-06-30"
    verdict = r.handle("这家下个月还能放账吗", s)
    assert verdict.answer.startswith("不建议继续放账") and "观察名单" in verdict.answer


def test_another_buyer_named_takes_over_and_calculations_stay_calculations() -> None:
    r, s = router(), Session("g", Caller("cli", "abc", True))
    r.handle("润丰纸业查一下", s)
    assert "HB0102" in r.handle("远航汽配呢", s).answer and s.state["buyer"]["buyer_id"] == "HB0102"
    assert r.handle("帮我算DSO", s).status == "clarify"  # a calculator asked for by name: the user's own figures
    assert r.handle("理赔一般要多久", s) is None  # a knowledge question is not about the buyer


def test_without_a_buyer_in_the_session_a_bare_follow_up_is_not_a_lookup() -> None:
    assert router().handle("它的额度呢", Session("h", Caller("cli", "abc", True))) is None


def test_an_unknown_company_is_not_found_with_similar_names_offered() -> None:
    reply = router().handle("帮我查查 润丰物流有限公司", Session("k", Caller("cli", "abc", True)))
    assert reply.answer.startswith("未找到名称或编号为“润丰物流有限公司”的买家")
    assert "石家庄润丰纸业有限公司" in reply.answer and "全称" in reply.answer


def test_a_count_of_buyers_or_a_generic_customer_after_a_lookup_is_not_about_that_buyer() -> None:
    r, s = router(), Session("k", Caller("cli", "abc", True))
    r.handle("润丰纸业查一下", s)
    assert r.handle("现在有几家买家欠款", s) is None
    assert r.handle("客户拖欠了货款该找谁", s) is None
    assert r.handle("它逾期多少", s).tool_calls[-1].name == "buyer_receivables"  # "它" still points back at it


def test_a_generic_question_is_not_reported_as_an_outage_when_the_service_is_down() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    r = ToolRouter(ToolRegistry(CreditServiceClient("http://service.test", transport=httpx.MockTransport(down))))
    assert r.handle("客户还欠着一笔货款没结", Session("m", Caller("cli", "abc", True))) is None


def test_a_follow_up_naming_only_a_new_date_or_period_reruns_the_ledger_just_told() -> None:
    r, s = router(), Session("h", Caller("cli", "abc", True))

    def ask(message: str):  # noqa: ANN202 - the reply, with the turn kept as the chat service keeps it
        reply = r.handle(message, s)
        s.turns.append(Turn(message, reply.answer if reply else "", reply.status if reply else "no_answer"))
        return reply

    ask("润丰纸业 2026-07-31 的DSO")
    again = ask("换成6月30号呢")
    assert again.tool_calls[-1].args == {"buyer_id": "HB0101", "as_of": "2026-06-30", "period_days": 90}
    longer = ask("按120天口径呢")
    assert longer.tool_calls[-1].args == {"buyer_id": "HB0101", "as_of": "2026-06-30", "period_days": 120}
    assert ask("理赔一般要多久") is None  # a question of its own
    assert ask("按60天算呢") is None  # the ledger is no longer the turn just before
