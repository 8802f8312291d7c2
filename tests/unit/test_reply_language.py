"""Tool and buyer replies a person would send: what the articles say of each figure the reply states (or that
they say nothing), a ledger judged on the figure the articles define, and English questions answered in English.

Articles, buyers and questions of our own (no evaluation question is used here).
"""

from __future__ import annotations

from datetime import date

import httpx

from bot.messages import Caller, Session
from bot.pipeline.tools import PAST_30_LABEL, ToolStep, _ledger_readings
from bot.pipeline.turn import TurnContext
from bot.tool_routing import ToolRouter
from knowledge.facts import Fact, extract_facts
from knowledge.grounding import ungrounded
from knowledge.reasoning import Finding, judge_metric
from knowledge.types import Chunk
from tools import replies
from tools.client import CreditServiceClient
from tools.registry import ToolRegistry

RULES = Chunk("g_7#s1", "g_7", "预警", "section", "预警",
              "若坏账率持续高于4%，或应收账款周转天数同比增加30%以上，则需收紧授信。", 0, 0)
FACTS: list[Fact] = extract_facts(RULES)

LEDGER = {"as_of": "2026-03-31", "period_days": 90, "ar_outstanding": 1_000_000.0, "credit_sales": 1_500_000.0,
          "dso_days": 60.0, "overdue_cny": 400_000.0, "overdue_ratio": 0.4,
          "aging": {"current": 600_000.0, "d1_30": 250_000.0, "d31_60": 100_000.0, "d61_90": 0.0, "d90_plus": 50_000.0}}
SHOP = {"buyer_id": "CN3005", "name": "温州示例鞋业有限公司", "country": "CN", "uscc": "91330300TEST00001X",
        "industry": "鞋服", "grade": 4, "status": "active", "credit_limit_cny": 2_500_000.0, "avg_days_late": 9,
        "updated": "2026-02-28", "score": 1.0}


def test_a_ledger_is_judged_on_its_share_past_30_days_not_on_all_that_is_late() -> None:
    assert replies.past_due_over_30(LEDGER) == 0.15  # (100k + 50k) / 1m; the 250k 1-30 days late do not count
    readings = _ledger_readings(LEDGER, "那家鞋业的应收和逾期情况", english=False)
    assert readings == [("逾期率", 15.0, "%", PAST_30_LABEL[0])]
    assert _ledger_readings(LEDGER, "它的账龄分布", english=False) == []  # the share is not what was asked
    assert [r[0] for r in _ledger_readings(LEDGER, "X公司的情况", english=True)] == ["逾期率", "DSO"]  # a full card
    assert replies.past_due_over_30({**LEDGER, "ar_outstanding": 0.0}) is None


def test_a_line_on_change_only_is_no_verdict_and_says_so() -> None:
    only_change = judge_metric(FACTS, "DSO", 44.0, "天")
    assert only_change is not None and not only_change.judges
    level = judge_metric(FACTS, "坏账率", 6.0, "%")
    assert level is not None and level.judges


def test_english_verdicts_use_english_words_and_units() -> None:
    level = judge_metric(FACTS, "坏账率", 6.0, "%", english=True)
    assert level is not None and level.lead.startswith("6% is above the 4% in the articles")
    moved = judge_metric(FACTS, "DSO", 52.0, "天", english=True, earlier=(40.0, "天"))
    assert moved is not None and "up 12 days from 40 days (+30%)" in moved.lead
    assert not ungrounded(moved.lead.format(""), [f.sentence for f in moved.facts], list(moved.derived) + ["52"])
    only_change = judge_metric(FACTS, "DSO", 44.0, "天", english=True)
    assert only_change is not None and only_change.lead.startswith("The articles give no normal level for DSO")


class Notes:
    """Articles that name the discount only in a sentence quoting some terms, and judge nothing."""

    def __init__(self) -> None:
        self.english: list[bool] = []

    def judge_metric(self, metric: str, value: float, unit: str = "", earlier: tuple[float, str] | None = None,
                     english: bool = False) -> Finding | None:
        self.english.append(english)
        sentence = "给经销商的常见条款是“3/15 Net 45”，15日内付款可少付3%。"
        fact = Fact(kind="amount", subject="现金折扣", value=None, value2=None, unit="", comparator="", detail="",
                    position=0, sentence=sentence, doc_id="h_8", chunk_id="h_8#s1")
        return Finding(f"资料里相关的说法：{sentence.rstrip('。')}{{0}}。", (fact,), judges=False)

    def title_of(self, doc_id: str) -> str:
        return "折扣"


def _step(notes: Notes) -> ToolStep:
    router = ToolRouter(ToolRegistry(CreditServiceClient("http://127.0.0.1:9")))
    return ToolStep(router, notes)  # type: ignore[arg-type]


def test_what_the_articles_say_of_the_metric_follows_every_result_cited_even_when_it_is_no_verdict() -> None:
    plain = _step(Notes()).handle(TurnContext("1/20 net 50 不拿折扣的年化成本", Session("s")))
    assert plain is not None and plain.answer.splitlines()[1].endswith("15日内付款可少付3%[1]。")
    assert [s.doc_id for s in plain.sources] == ["h_8"]


def test_a_discount_reply_ends_with_its_formula_not_a_general_remark() -> None:
    args = {"kind": "discount_cost", "discount_pct": 1.0, "discount_days": 20, "net_days": 50}
    text = replies.ratio_answer(args, {"value": 0.1229, "compound": 0.13})
    assert text.splitlines()[-1].startswith("年化成本 = ") and len(text.splitlines()) == 2


def test_a_discount_on_an_invoice_says_what_is_received() -> None:
    """Regression (reason3): the sum given away, and the sum that comes in after it."""
    args = {"kind": "discount_cost", "discount_pct": 3.0, "discount_days": 15, "net_days": 45, "invoice": 500_000}
    first = replies.ratio_answer(args, {"value": 0.38, "compound": 0.44}).splitlines()[0]
    assert "1.5万" in first and "实收 48.5万" in first


def test_an_english_calculation_gets_english_figures_and_verdicts() -> None:
    notes = Notes()
    reply = _step(notes).handle(TurnContext("Receivables 900k and credit sales 2.7M last quarter, DSO? is it high",
                                            Session("s")))
    assert reply is not None and reply.answer.startswith("DSO is about 30.0 days.")
    assert "900,000 ÷ 2,700,000 × 90 = 30.0 days" in reply.answer and notes.english == [True]
    chinese = _step(Notes()).handle(TurnContext("应收90万，上季度赊销270万，DSO多少", Session("s")))
    assert chinese is not None and chinese.answer.startswith("DSO（应收账款周转天数）约为 30.0 天。")


def _router(buyers: list[dict]) -> ToolRouter:
    def service(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=buyers)

    client = CreditServiceClient("http://service.test", transport=httpx.MockTransport(service))
    return ToolRouter(ToolRegistry(client), today=lambda: date(2026, 3, 31))


def test_an_english_buyer_question_is_answered_in_english_and_a_chinese_one_in_chinese() -> None:
    s = Session("s", caller=Caller("cli", "abc", True))
    english = _router([SHOP]).handle("does CN3005 pay late on average?", s)
    assert english is not None and english.answer.startswith("温州示例鞋业有限公司 (CN3005): pays 9 days late")
    assert "平均" not in english.answer
    chinese = _router([SHOP]).handle("CN3005 平均晚付几天", s)
    assert chinese is not None and chinese.answer.startswith("温州示例鞋业有限公司（CN3005）平均逾期9天付款。")
    assert chinese.answer.splitlines()[1].startswith("另：信用等级为4/10")


def test_an_english_ledger_reply_states_the_asked_figures_first_in_cny() -> None:
    text = replies.ENGLISH.receivables_answer(SHOP, LEDGER, ["dso", "overdue"])
    first = text.splitlines()[0]
    assert first.endswith("DSO 60.0 days; overdue CNY 400,000 (40.0% of receivables).")
    assert "Some is over 60 days past due" in text and "应收" not in text
    assert replies.ENGLISH.credit_verdict({**SHOP, "status": "watch"}).startswith("Better not extend more credit")


def test_an_english_question_gets_the_nth_step_in_english() -> None:
    from knowledge.questions import understand
    from knowledge.reasoning import nth_step

    steps = Chunk("k_9#s1", "k_9", "催收", "section", "催收步骤",
                  "催收通常分三步：首先电话提醒；其次寄出律师函；最后提起诉讼。", 0, 0)
    question = understand("what is the second step of the collection process? 催收 第二步", date(2026, 3, 1))
    second = nth_step(question, extract_facts(steps), lambda f: 1.0)
    assert second is not None and second.lead == "Step 2: 寄出律师函{0}."


def test_an_english_formula_question_is_explained_in_english() -> None:
    s = Session("s")
    router = ToolRouter(ToolRegistry(CreditServiceClient("http://127.0.0.1:9")))
    explained = router.handle("current ratio formula?", s)
    assert explained is not None and explained.answer.startswith("The current ratio: current ratio = current assets")
    assert "流动" not in explained.answer
    assert router.handle("如何计算流动比率", s).answer.startswith("流动比率的计算公式")  # type: ignore[union-attr]
