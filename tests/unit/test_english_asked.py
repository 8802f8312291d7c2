"""The English first sentence taken from whichever chosen sentence states the asked kind, and an English
question close in meaning counted as supported. Articles and questions of our own wording."""

from __future__ import annotations

from knowledge.answering import Composer
from knowledge.constants import ENGLISH_MEANING, MIN_COVERAGE
from knowledge.english import Parts, english_answer
from knowledge.english_asked import asked_units, names
from knowledge.facts import extract_facts
from knowledge.formatting import Citations
from knowledge.questions import understand
from knowledge.scoring import Candidate
from knowledge.sentences import Sentence
from knowledge.types import Chunk, Hit

SIGNS = Chunk("021_s#1", "021_s", "信号", "section", "预警信号",
              "可以关注三个信号：逾期账款占比、应收账款周转天数、买方要求延长账期。若速动比率低于0.8，应暂停赊销。", 0, 0)
DUNNING = Chunk("022_d#1", "022_d", "提醒", "section", "提醒节奏",
                "逾期5日内寄出书面提醒函。在账期到期前10天发送友好提醒。", 0, 0)


def _sentences(chunk: Chunk) -> list[Sentence]:
    return [Sentence(t + "。", chunk.doc_id, chunk.chunk_id, n) for n, t in enumerate(chunk.text.rstrip("。").split("。"))]


def _first_line(question: str, chunk: Chunk) -> str:
    parts = Parts(understand(question), _sentences(chunk), {chunk.chunk_id: chunk}, extract_facts(chunk),
                  asks_figure=True, asks_list=True)
    return english_answer(parts, Citations({})).splitlines()[0]


def test_a_named_metrics_line_leads_even_from_the_second_sentence() -> None:
    line = _first_line("Under which quick ratio should we stop selling on credit? 速动比率", SIGNS)
    assert line == "The articles' warning line: quick ratio below 0.8[1]."


def test_a_figure_counted_back_from_the_due_date_answers_a_before_question() -> None:
    line = _first_line("How many days ahead of the due date does the courtesy reminder go out? 提醒 提醒函", DUNNING)
    assert "10 days before" in line
    assert "5 days" not in line


def test_english_question_words_ask_for_a_time() -> None:
    assert asked_units("What is the time limit for reporting a loss?") == {"days"}
    assert asked_units("By when must the claim papers be lodged?") == {"days"}
    assert asked_units("Which documents are needed?") == set()


def test_a_term_is_named_in_its_chinese_or_english_words_only() -> None:
    assert names("What is the current ratio? 流动比率", "流动比率", [])
    assert names("Is our quick ratio too low?", "速动比率", ["quick ratio"])
    assert not names("Is our quick ratio too low?", "流动比率", ["current ratio"])


def test_an_english_question_close_in_meaning_is_supported_despite_few_shared_words() -> None:
    composer = Composer([SIGNS])
    weak = [Candidate(_sentences(SIGNS)[0], 0.3, 0.05, 0.3)]
    assert composer._confidence("q", weak, False, ENGLISH_MEANING, english=True) >= MIN_COVERAGE
    assert composer._confidence("q", weak, False, ENGLISH_MEANING - 0.01, english=True) < MIN_COVERAGE
    assert composer._confidence("q", weak, False, ENGLISH_MEANING, english=False) < MIN_COVERAGE
    nothing = [Candidate(_sentences(SIGNS)[0], 0.3, 0.0, 0.3)]  # (no glossary term found: not supported)
    assert composer._confidence("q", nothing, False, ENGLISH_MEANING, english=True) == 0.0


COVER = Chunk("023_c#1", "023_c", "承保", "section", "承保范围",
              "信用保险承保买方破产导致的损失，以及买方长期拖欠货款的风险。", 0, 0)
SCHEME = Chunk("024_p#1", "024_p", "坏账保护", "faq", "什么是坏账保护?",
               "坏账保护是用保险把买方不付款的损失转移出去的做法。", 0, 0)
LADDER = Chunk("025_l#1", "025_l", "催收", "section", "催收节奏",
               "建议分阶段推进：逾期5日内寄出提醒函；20天后发出催收通知；45天启动法律程序。", 0, 0)


def test_a_yes_no_question_naming_an_insured_risk_gets_a_plain_covered() -> None:
    line = _first_line("Our client was wound up. Will the insurance pay? 破产", COVER)
    assert line == "Covered: the articles name bankruptcy among the insured risks[1]."


def test_a_cover_question_not_asking_yes_or_no_gets_the_list() -> None:
    line = _first_line("Which losses does the insurance take on? 损失", COVER)
    assert line.startswith("The articles name these insured risks: bankruptcy")


def test_a_sentence_saying_what_the_asked_term_is_defines_it() -> None:
    line = _first_line("What is bad debt protection? 坏账保护", SCHEME)
    assert line == "Bad debt protection means, in the article's words: “用保险把买方不付款的损失转移出去的做法”[1]."


def test_a_definition_of_another_term_is_not_given() -> None:
    assert not _first_line("What is a credit limit? 信用额度", SCHEME).startswith("Bad debt protection means")


def test_days_late_in_english_are_placed_in_the_schedule() -> None:
    result = Composer([LADDER]).compose("What should we do now that the invoice is 25 days late? 逾期 拖欠",
                                        [Hit(LADDER, 0.9, 0.9, 3.0)])
    assert result is not None
    assert result.text.splitlines()[0] == "At 25 days: the step now is “20天后发出催收通知”, the next is “45天启动法律程序”[1]."


EXCLUDES = Chunk("026_x#1", "026_x", "除外", "section", "除外责任",
                 "保单的除外责任包括：货物质量争议、汇率损失、战争等不可抗力。", 0, 0)
FILING = Chunk("027_f#1", "027_f", "索赔", "section", "索赔时限",
               "买方逾期60天以上未付款即构成长期拖欠。需在知悉破产事件后20天内提交索赔文件。", 0, 0)


def test_asking_whether_any_loss_is_paid_gets_not_everything() -> None:
    line = _first_line("Will the insurer pay for every loss we suffer? 保险服务商 损失", EXCLUDES)
    assert line.startswith("Not everything is covered: the articles exclude quality dispute, exchange-rate loss")


def test_a_figure_before_the_due_date_is_said_once() -> None:
    line = _first_line("How many days ahead of the due date does the friendly reminder go out? 友好提醒", DUNNING)
    assert "10 days before" in line and "before before" not in line and line.count("before") == 1


def test_an_english_deadline_counts_from_the_event_the_question_names() -> None:
    result = Composer([FILING]).compose(
        "We learned of the buyer's bankruptcy on 4 June. What is the final date for the claim? 破产 理赔 买方",
        [Hit(FILING, 0.9, 0.9, 3.0)])
    assert result is not None
    assert result.text.splitlines()[0].startswith("June 24: 20 days after June 4")


def test_an_english_question_asking_a_duration_reads_as_the_chinese_asking_words() -> None:
    from knowledge.english_asked import asked_in_chinese

    # the glossary's head term only ("insolvent" names 破产, its search synonym 无力偿付 names nothing more)
    assert asked_in_chinese("how long until the insolvent buyer's file closes?") == "破产多少天"


def test_an_english_average_of_an_acronym_the_articles_write_reads_as_a_figure_asked() -> None:
    from knowledge.english_asked import asked_in_chinese

    assert asked_in_chinese("what's the average DSO in the textile trade?", lambda w: w == "DSO") == "平均DSO是多少"


def test_an_english_question_asking_no_quantity_or_naming_no_article_term_has_no_chinese_asking() -> None:
    from knowledge.english_asked import asked_in_chinese

    assert asked_in_chinese("what are the typical red flags of a shaky buyer?") is None  # a list, not a figure
    assert asked_in_chinese("how long will the weather stay dry?") is None  # no article term


def test_a_warning_line_asked_leads_over_a_disagreement_on_another_figure() -> None:
    from knowledge.conflicts import Conflict

    cover = Chunk("023_c#1", "023_c", "赔付", "section", "", "保单一般赔付损失的八成。", 0, 0)
    other = Chunk("024_c#1", "024_c", "赔付", "section", "", "赔付比例约为90%。", 0, 0)
    said = [*_sentences(cover), *_sentences(other)]
    lines = _sentences(SIGNS)
    parts = Parts(understand("At what quick ratio should we worry? 速动比率"), [said[0], lines[1]],
                  {c.chunk_id: c for c in (cover, other, SIGNS)}, extract_facts(SIGNS),
                  conflicts=[Conflict("percent", tuple(said))], asks_figure=True)
    assert english_answer(parts, Citations({})).splitlines()[0] == "The articles' warning line: quick ratio below 0.8[1]."


def test_an_absent_quantity_is_named_in_english_with_its_qualifier() -> None:
    from knowledge.english_asked import absent_in_english

    assert absent_in_english("figure", "平均DSO", "what is the average DSO in retail?") == (
        "Sorry, the articles give no figure for the average DSO.")
    assert absent_in_english("duration", "信用额度", "how long until a credit limit is set?") == (
        "Sorry, the articles give no time for the credit limit.")
