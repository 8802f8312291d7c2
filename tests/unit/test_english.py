"""English answers to English questions: an English first sentence from what the composer worked out, then
Chinese quotes; the fixed English texts. Articles and questions of our own (no evaluation question is used).

The composer gets the question as normalisation leaves it: the English words plus the Chinese glossary terms.
"""

from __future__ import annotations

import re

from bot.messages import Caller, Session
from bot.pipeline.texts import EN_LEAD, clarify, english_body, no_answer
from bot.pipeline.turn import TurnContext
from knowledge.answering import Composer
from knowledge.english import figure_phrase, in_english, nouns, render
from knowledge.grounding import ungrounded
from knowledge.types import Chunk
from tests.unit.articles import ranked as _hits

PAYOUT = Chunk("010_p#1", "010_p", "赔付时限", "section", "赔付时限",
               "保险人在收到齐全的索赔文件后，通常在20-40个工作日内完成赔付。赔付前会核实买方的欠款金额。", 0, 0)
DEFAULT_A = Chunk("011_a#1", "011_a", "长期拖欠", "faq", "什么是长期拖欠?",
                  "信用保险承保买方破产，以及买方长期拖欠货款的风险（通常指逾期120天以上未支付）。", 0, 0)
DEFAULT_B = Chunk("012_b#1", "012_b", "拖欠认定", "faq", "哪些风险可以投保?",
                  "主要承保买方破产导致的损失，以及超合同约定账期200天以上的长期拖欠。", 0, 0)
EXCLUDED = Chunk("013_e#1", "013_e", "除外", "section", "除外责任",
                 "保单的除外责任包括：货物质量争议、汇率损失、战争等不可抗力。投保前应逐条阅读保单条款。", 0, 0)
LINES = Chunk("014_l#1", "014_l", "预警", "section", "预警线",
              "若坏账率持续高于4%，或流动比率低于1.1，则需收紧授信。授信政策每季度复核一次。", 0, 0)
ALL = [PAYOUT, DEFAULT_A, DEFAULT_B, EXCLUDED, LINES]
_HAN = re.compile(r"[\u4e00-\u9fff]")



def _answer(question: str, *chunks: Chunk, corpus: list[Chunk] = ALL) -> list[str]:
    result = Composer(corpus).compose(question, _hits(*chunks))
    assert result is not None
    return result.text.splitlines()


def _grounded(line: str) -> bool:
    return not ungrounded(line, [c.text for c in ALL])


def test_glossary_renders_known_nouns_and_quotes_the_rest() -> None:
    assert nouns("应收账款周转天数同比延长，逾期率上升") == ["DSO", "overdue ratio"]  # the longest term wins
    assert render("汇率损失") == "exchange-rate loss"
    assert render("货物质量争议") == "quality dispute"  # two characters outside known terms are tolerated
    assert render("买卖双方私下约定的折让") == "“买卖双方私下约定的折让”"  # unknown: stays Chinese, quoted
    assert render("DSO同比") == "DSO"
    assert in_english("保费、费率或价格") == "premium, premium rate or price"
    assert in_english("某种说不清的东西") == "“某种说不清的东西”"


def test_a_figure_keeps_its_hedge_comparator_and_unit() -> None:
    assert figure_phrase("通常在20-40个工作日内完成赔付", "20-40个工作日") == "usually within 20-40 working days"
    assert figure_phrase("坏账率持续高于4%", "4%") == "over 4%"
    assert figure_phrase("拖欠货款超过120天的", "120天") == "over 120 days"
    assert figure_phrase("账期200天以上", "200天以上") == "over 200 days"
    assert figure_phrase("流动比率低于1.1", "1.1") == "below 1.1"


def test_a_figure_question_opens_with_the_figure_and_its_event_in_english() -> None:
    lines = _answer("How long until the payout arrives? 赔付", PAYOUT)
    assert lines[0] == "Payout: usually within 20-40 working days, counted from claim documents[1]."
    assert lines[1].startswith("保险人在收到齐全的索赔文件后") and "[1]" in lines[1]  # the quote stays Chinese
    assert _grounded(lines[0])


def test_articles_that_disagree_are_named_in_english_with_each_figure_cited() -> None:
    lines = _answer("After how many days of non-payment is it protracted default? 长期拖欠 拖欠", DEFAULT_A, DEFAULT_B)
    first = lines[0]
    assert first.startswith("The articles disagree: one says") and first.endswith("the policy wording decides.")
    assert "120 days" in first and "200 days" in first and "[1]" in first and "[2]" in first
    assert _grounded(first)


def test_an_excluded_risk_gets_a_plain_no_in_english() -> None:
    # (in a corpus where no article covers a loss: else the articles disagree on "损失")
    lines = _answer("Is an exchange rate loss covered? 汇率损失 承保 保障", EXCLUDED, corpus=[PAYOUT, EXCLUDED, LINES])
    assert lines[0] == "Usually not covered: the articles list exchange-rate loss among the exclusions[1]."
    assert "汇率损失" in lines[1]


def test_a_question_on_exclusions_gets_them_listed_in_english() -> None:
    lines = _answer("What is excluded from the policy? 除外责任 不覆盖", EXCLUDED)
    assert lines[0].startswith("The articles list these exclusions: quality dispute, exchange-rate loss")


def test_a_named_metric_gets_its_warning_line_in_english() -> None:
    lines = _answer("What current ratio is too low? 流动比率", LINES)
    assert lines[0] == "The articles' warning line: current ratio below 1.1[1]."
    assert _grounded(lines[0])


def test_the_reply_stays_a_chat_bubble() -> None:
    lines = _answer("How long until the payout arrives? 赔付", PAYOUT, DEFAULT_A, EXCLUDED)
    assert len(lines) == 2 and len(lines[1]) <= 200
    assert not _HAN.search(lines[0].split("“")[0])  # the English sentence (quoted Chinese nouns aside)


def test_a_mostly_chinese_question_with_english_words_stays_chinese() -> None:
    lines = _answer("客户的AR拖欠超过多少天算长期拖欠，claim能赔吗", DEFAULT_A, DEFAULT_B)
    assert _HAN.match(lines[0]) and "The articles" not in "\n".join(lines)


def test_an_english_answer_is_not_prefixed_but_a_chinese_one_is() -> None:
    assert english_body("Covered: …[1].\n原文[1]。") == "Covered: …[1].\n原文[1]。"
    assert english_body("原文[1]。") == f"{EN_LEAD}\n原文[1]。"


def test_english_no_answer_and_clarify_texts_are_english() -> None:
    turn = TurnContext("Is there a deductible?", Session("s1", Caller("web", "u")))
    uncovered = no_answer(turn, "advisor@example.org", aspect="免赔额")
    assert uncovered.status == "no_answer" and uncovered.answer.startswith("Sorry, the articles say nothing about deductible")
    assert "advisor@example.org" in uncovered.answer
    off = no_answer(turn, "advisor@example.org", off_topic=True)
    assert off.answer.startswith("Sorry, this is outside what I can answer")
    asked = clarify(TurnContext("hello", Session("s2", Caller("web", "u"))), "您好")
    assert asked.status == "clarify" and not _HAN.search(asked.answer)


def test_a_question_naming_the_unit_asked_gets_the_figure_first() -> None:
    lines = _answer("Payout time in working days? 赔付", PAYOUT)
    assert lines[0].startswith("Payout: usually within 20-40 working days")
    chinese = _answer("赔付要多少个工作日", PAYOUT)
    assert "working days" not in "\n".join(chinese)


COLLECT = Chunk("015_c#1", "015_c", "催收", "section", "催收节奏",
                "建议按阶段催收：逾期5日内寄出提醒函；20天后发出催收通知；45天启动法律程序。", 0, 0)


def test_steps_come_in_order_each_with_its_figure() -> None:
    lines = _answer("Which steps should collection follow? 催收", COLLECT, corpus=[*ALL, COLLECT])
    assert lines[0] == ("In order: first reminder letter (within 5 days), then collection notice (after 20 days), "
                        "finally legal action (45 days)[1].")
    assert not ungrounded(lines[0], [COLLECT.text])


def test_an_english_how_soon_asks_for_the_figure() -> None:
    lines = _answer("How soon is the payout made? 赔付", PAYOUT)
    assert lines[0].startswith("Payout: usually within 20-40 working days")


def test_a_finding_on_the_users_figure_names_the_line_in_english() -> None:
    lines = _answer("Our current ratio is 0.9, should we worry? 流动比率", LINES)
    assert lines[0].startswith("0.9 is below the 1.1 in the articles (current ratio)[1]")
    assert lines[1].startswith("若坏账率持续高于4%")  # the line it was judged against, quoted
    assert not ungrounded(lines[0], [c.text for c in ALL], ["0.9"])


def test_a_question_on_cover_gets_the_insured_risks_in_english() -> None:
    lines = _answer("What does the policy protect against? 承保 保障", DEFAULT_B, corpus=[PAYOUT, DEFAULT_B, LINES])
    assert lines[0] == "The articles name these insured risks: bankruptcy and protracted default (over 200 days)[1]."
    assert not ungrounded(lines[0], [DEFAULT_B.text])


def test_only_the_articles_quoted_or_named_are_numbered() -> None:
    composer = Composer(ALL)
    for question, chunks in [("Is an exchange rate loss covered? 汇率损失 承保 保障", (EXCLUDED, DEFAULT_B)),
                             ("How long until the payout arrives? 赔付", (PAYOUT, DEFAULT_A, EXCLUDED)),
                             ("What current ratio is too low? 流动比率", (LINES, PAYOUT))]:
        result = composer.compose(question, _hits(*chunks))
        assert result is not None
        cited = {int(n) for n in re.findall(r"\[(\d+)\]", result.text)}
        assert cited == set(range(1, len(result.citations) + 1)), result.text


def test_a_short_english_question_stays_english_despite_the_terms_added_for_search() -> None:
    from knowledge.english import asked_in_english
    from knowledge.normalize import normalize_query

    assert asked_in_english(normalize_query("Excluded risks?").text)
    assert asked_in_english(normalize_query("Claim documents?").text)
    assert not asked_in_english(normalize_query("客户的AR逾期了，claim还能赔吗").text)
    assert not asked_in_english(normalize_query("赔付要多久").text)


def test_a_named_covered_event_gets_a_plain_yes_in_english() -> None:
    lines = _answer("Will the policy pay out if the buyer goes bankrupt? 破产", DEFAULT_B, corpus=[PAYOUT, DEFAULT_B, LINES])
    assert lines[0] == "Covered: the articles name bankruptcy among the insured risks[1]."
    assert "破产" in lines[1]


# (english3) the first sentence says the asked fact in English even when no builder of a kind fits
CHASING = Chunk("015_c#1", "015_c", "催款节奏", "section", "催款节奏",
                "建议在到期前5天发送友好提醒，到期后2日内寄出正式催告函，逾期20天即启动法律程序。", 0, 0)
E_BILLS = Chunk("016_i#1", "016_i", "发票", "section", "电子发票",
                "改用电子发票能缩短付款处理时间，统计表明电子发票的回款比纸质发票平均快9天。", 0, 0)
RISKY = Chunk("017_r#1", "017_r", "分级", "section", "客户分级",
              "对老客户可给予较长账期。高风险客户须采用预付款或信用证结算。", 0, 0)
SHARE = Chunk("018_s#1", "018_s", "赔付比例", "section", "赔付比例",
              "发生承保损失时，保险通常可赔付约85%的应收账款损失。", 0, 0)


def test_the_figure_of_the_named_step_leads_not_the_first_figure_of_the_sentence() -> None:
    lead = _answer("How many days after the due date should we begin legal action? 法律程序 到期", CHASING,
                   corpus=[*ALL, CHASING])[0]
    assert "20 days" in lead and lead.startswith("Legal action")


def test_a_figure_no_builder_knows_is_said_with_a_short_chinese_quote() -> None:
    lead = _answer("How much sooner do e-invoices get paid? 发票", E_BILLS, corpus=[*ALL, E_BILLS])[0]
    assert "9 days" in lead and "快9天" in lead and "quoted in Chinese" not in lead
    assert lead.index("9 days") < lead.index("“")  # the figure in English first, then the quote


def test_known_nouns_of_the_asked_clause_lead_in_english() -> None:
    lead = _answer("Which payment methods should risky buyers use? 高风险 客户 买方", RISKY, corpus=[*ALL, RISKY])[0]
    assert "prepayment" in lead.lower() and "letter of credit" in lead and _grounded(lead)


def test_a_share_question_on_cover_gets_the_share_not_the_insured_risks() -> None:
    lead = _answer("What percentage of a receivable does the cover pay back? 应收账款 承保 保障 赔付 补偿", SHARE, DEFAULT_A,
                   corpus=[*ALL, SHARE])[0]
    assert "85%" in lead and "insured risks" not in lead
