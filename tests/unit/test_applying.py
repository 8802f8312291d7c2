"""The user's amount worked out with an article's share, cut or gain (knowledge.applying).

Invented articles and questions of our own (no evaluation question is used here).
"""

from __future__ import annotations

from knowledge.applying import apply
from knowledge.facts import Fact, extract_facts
from knowledge.grounding import ungrounded
from knowledge.questions import understand
from knowledge.types import Chunk

PAYOUT = Chunk("p_1#faq0", "p_1", "赔付", "faq", "出险后赔多少？",
               "保单一般赔付核定损失的85%，其余由被保险人自担。", 0, 0)
CASE = Chunk("q_2#s1", "q_2", "案例", "section", "某纺织厂的做法",
             "某纺织厂上线催收系统后坏账金额下降30%，单据流转比以前快9天。", 0, 0)
AUDIT = Chunk("r_3#faq1", "r_3", "抽查", "faq", "怎么抽查客户？",
              "每季度抽取销售额排名前25%的客户复核资信。", 0, 0)
FACTS: list[Fact] = [f for c in (PAYOUT, CASE, AUDIT) for f in extract_facts(c)]


def relevance_by_words(question: str):  # noqa: ANN201 - a Relevance
    def relevance(fact: Fact) -> float:
        shared = {ch for ch in question if "\u4e00" <= ch <= "\u9fff"} & set(fact.sentence)
        return len(shared) / 10
    return relevance


def _finding(question: str):  # noqa: ANN202
    return apply(understand(question), FACTS, relevance_by_words(question))


def _grounded(finding, question: str) -> bool:  # noqa: ANN001
    text = finding.lead.format(*[""] * len(finding.facts))
    return not ungrounded(text, [f.sentence for f in finding.facts], [question, *finding.derived])


def test_a_share_of_the_article_is_applied_to_the_users_sum() -> None:
    q = "一个客户跑路了，欠了我们200万，保单核定损失后一般赔付多少"
    finding = _finding(q)
    assert finding is not None and "170万" in finding.lead and finding.facts[0].doc_id == "p_1"
    assert _grounded(finding, q)


def test_a_cut_the_article_reports_is_taken_off_the_amount() -> None:
    q = "我们坏账金额现在有50万，要是也像纺织厂那样下降30%，会剩多少"
    finding = _finding(q)
    assert finding is not None and "35万" in finding.lead and "1−30%" in finding.lead
    assert _grounded(finding, q)


def test_days_gained_are_taken_off_the_users_days() -> None:
    q = "我们单据流转要20天，换成那家纺织厂的系统能快到几天"
    finding = _finding(q)
    assert finding is not None and "11天" in finding.lead and "20天−9天" in finding.lead


def test_a_count_of_customers_keeps_its_measure_word() -> None:
    q = "我们一共40个客户，按销售额排名前面那部分每季度复核资信，要复核多少个"
    finding = _finding(q)
    assert finding is not None and "10个" in finding.lead


def test_the_share_the_user_names_is_used_as_given() -> None:
    q = "30万的货款按八成赔能赔多少"
    finding = _finding(q)
    assert finding is not None and "24万" in finding.lead and not finding.facts


def test_no_amount_or_two_figures_of_one_kind_is_no_finding() -> None:
    assert _finding("保单一般赔付损失的多少") is None
    assert _finding("去年坏账金额50万今年40万，下降了多少") is None  # a change between the user's figures
    assert _finding("What share of a 2 million loss does the policy pay?") is None


def test_a_time_limit_before_an_event_is_no_gain_in_days() -> None:
    notice = Chunk("s_4#faq2", "s_4", "提醒", "faq", "什么时候提醒客户？", "账期到期时要提前5天电话提醒客户。", 0, 0)
    q = "账期一共30天的话，该提前几天给客户打电话"
    assert apply(understand(q), extract_facts(notice), relevance_by_words(q)) is None


def test_days_that_name_a_bucket_of_debts_are_no_days_of_the_users() -> None:
    # "拖了60天以上的单据" says which debts; "多大比例" asks a share: no days are worked out
    assert _finding("单据流转里拖了60天以上的单据占了多大比例") is None
    assert _finding("单据流转要60天以上 换系统后能快到几天") is None


def test_what_a_cut_saves_is_the_cut_itself() -> None:
    q = "纺织厂那个案例坏账下降30%，我们每年坏账1,500k，套用这个降幅能少亏多少"
    finding = _finding(q)
    assert finding is not None and "150万×30%＝45万" in finding.lead


def test_what_a_share_leaves_over_is_asked_by_who_bears_it() -> None:
    q = "出险损失400万，保单赔付85%，剩下我们自己要承担多少"
    finding = _finding(q)
    assert finding is not None and "400万×（1−85%）＝60万" in finding.lead


def test_a_payout_share_answers_what_the_loss_gets_back_though_no_word_is_shared() -> None:
    # "能拿回多少" shares no word with "赔付核定损失的85%": the share marked as paid on a loss answers it
    q = "货款120万打了水漂，能拿回多少"
    finding = apply(understand(q), FACTS, lambda f: 0.0)
    assert finding is not None and "120万×85%＝102万" in finding.lead and _grounded(finding, q)


def test_the_part_paid_and_the_part_left_are_both_worked_out_when_both_are_asked() -> None:
    q = "坏账200万，保险赔多少，剩下的部分自己扛多少"
    finding = _finding(q)
    assert finding is not None and "200万×85%＝170万" in finding.lead and "＝30万" in finding.lead


def test_a_share_of_something_else_is_no_payout_share() -> None:
    # "前25%的客户" and "下降30%" are no share of a loss paid: without words in common nothing is applied
    only_others = [f for f in FACTS if f.doc_id != "p_1"]
    assert apply(understand("损失80万，保险大概能赔多少"), only_others, lambda f: 0.0) is None


def test_a_foreign_currency_stays_with_the_worked_sum() -> None:
    q = "海外客户欠了40万欧元，理赔能拿回多少"
    finding = apply(understand(q), FACTS, lambda f: 0.0)
    assert finding is not None and "40万欧元×85%＝34万欧元" in finding.lead


def test_whether_all_is_paid_is_answered_with_the_part_paid() -> None:
    q = "我这笔60万的坏账，保险会全额赔吗"
    finding = apply(understand(q), FACTS, lambda f: 0.0)
    assert finding is not None and finding.lead.startswith("不是全额") and "＝51万" in finding.lead


# regression cases (reason3): a rise worded with 涨, a count of times, a quoted change, a share read as a line
GROWTH = Chunk("s_4#s2", "s_4", "案例", "section", "某灯具厂的做法",
               "某灯具厂接入预警后，订单量反增25%，存货周转次数提升50%，避免了60%的潜在损失。", 0, 0)
MORE_FACTS: list[Fact] = [*FACTS, *extract_facts(GROWTH)]


def _finding_with_growth(question: str):  # noqa: ANN202
    by_sentence = relevance_by_words(question)
    # as the answerer does, a fact's own subject counts too: one sentence holds several shares
    return apply(understand(question), MORE_FACTS, lambda f: by_sentence(f) + len(set(question) & set(f.subject)) / 10)


def test_a_rise_worded_with_zhang_is_added_to_the_amount() -> None:
    q = "订单量去年3亿，照灯具厂那样涨25%的话今年有多少"
    finding = _finding_with_growth(q)
    assert finding is not None and "3.75亿" in finding.lead


def test_a_count_of_times_is_an_amount_of_the_users() -> None:
    q = "存货周转每年4次，像灯具厂一样提升的话变成几次"
    finding = _finding_with_growth(q)
    assert finding is not None and "6次" in finding.lead


def test_a_change_the_user_quotes_from_the_article_is_not_their_amount() -> None:
    q = "资料说单据流转能快9天，我们平时要30天，用那套系统的话要多少天"
    finding = _finding(q)
    assert finding is not None and "30天−9天＝21天" in finding.lead


def test_a_share_of_a_loss_avoided_is_applied_not_judged() -> None:
    q = "要是潜在损失有200万，照灯具厂那样避免的话能少亏多少"
    finding = _finding_with_growth(q)
    assert finding is not None and "120万" in finding.lead
    assert all(f.kind != "threshold" for f in finding.facts)


# --- English questions (english5 regression cases, own wording) ---------------------------------------------

def _english(question: str, doc_id: str):  # noqa: ANN202
    """An English question shares no Chinese word with a fact: relevance is given to one article's facts."""
    return apply(understand(question), FACTS, lambda f: 1.0 if f.doc_id == doc_id else 0.0)


def test_english_share_of_the_article_is_applied_to_a_typed_amount() -> None:
    q = "a buyer went under owing us 300k usd, at the usual payout share how much do we get back"
    finding = _english(q, "p_1")
    assert finding is not None and finding.lead.startswith("255,000 USD: 300,000 USD × 85%")
    assert _grounded(finding, q)


def test_english_cut_the_user_names_is_taken_off_a_million_amount() -> None:
    q = "bad debts are 2m for us; if they dropped 30% like at the mill, how much would remain"
    finding = _english(q, "q_2")
    assert finding is not None and finding.lead.startswith("1,400,000: 2,000,000 × (1 − 30%)")


def test_english_part_left_over_by_a_share_is_what_the_user_carries() -> None:
    q = "if the policy pays 85% on a 400k loss, how much do we carry ourselves"
    finding = _english(q, "p_1")
    assert finding is not None and finding.lead.startswith("60,000: 400,000 × (1 − 85%)")


def test_english_saving_asked_is_the_cut_itself() -> None:
    q = "bad debt of 500k and a 30% reduction like the mill had, how much would that save"
    finding = _english(q, "q_2")
    assert finding is not None and finding.lead.startswith("150,000: 500,000 × 30%")


def test_english_days_gained_are_taken_off_the_users_days() -> None:
    q = "our paperwork takes 20 days to move. with the mill's system how many days would it be"
    finding = _english(q, "q_2")
    assert finding is not None and finding.lead.startswith("11 days: 20 − 9 days")
    assert _grounded(finding, q)


def test_english_two_shares_of_the_user_leave_the_sum_undone() -> None:
    q = "bad debt went from 6% down to 2% at the mill, on 5m of sales how much is that"
    assert _english(q, "q_2") is None
