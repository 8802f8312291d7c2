"""The asked quantity and whether the articles give it: knowledge/absence.py, on hand-built chunks."""

from __future__ import annotations

import pytest

from knowledge.absence import absence, asked_quantity
from knowledge.answering import Composer
from knowledge.questions import understand
from knowledge.types import Chunk
from tests.unit.articles import ranked as hits

FEES = Chunk(
    "007_f#1", "007_f", "保理业务说明", "section", "保理融资",
    "保理商在核准买方后，通常在5个工作日内放款。保理融资的额度取决于买方的资信和历史回款。"
    "融资款到账后，卖方应及时通知买方改向保理商付款。",
    0, 0,
)
RATES = Chunk(
    "008_r#1", "008_r", "预警指标", "section", "库存指标",
    "存货周转率低于4次时，应检查滞销品。仓储外包可以降低固定成本。",
    0, 0,
)



def test_asked_kind_is_read_from_the_longest_asking_words() -> None:
    assert asked_quantity(understand("保理商审批要几个工作日")).kind == "duration"
    assert asked_quantity(understand("保理融资的手续费收多少钱")).kind == "amount"
    assert asked_quantity(understand("保理商能融资发票金额的百分之几")).kind == "percent"
    assert asked_quantity(understand("每个卖方最多能找几家保理商")).kind == "count"


def test_subject_is_the_words_ahead_of_the_asking_words_less_fillers() -> None:
    asked = asked_quantity(understand("请问保理融资的年利率一般是多少"))
    assert asked is not None and asked.subject == "保理融资的年利率"


def test_a_bound_asked_for_is_named_as_such() -> None:
    asked = asked_quantity(understand("保理融资的额度最高能批多少钱"))
    assert asked is not None and asked.label == "上限"


def test_no_quantity_is_asked_by_a_calculation_or_a_plain_question() -> None:
    assert asked_quantity(understand("保理融资怎么申请")) is None
    assert asked_quantity(understand("发票100万 保理商放款80万 比例是多少")) is None  # the user's own figures


def test_a_figure_stated_about_the_subject_is_answered() -> None:
    composer = Composer([FEES, RATES])
    result = composer.compose("保理商核准买方后多少个工作日放款", hits(FEES))
    assert result is not None and not result.absent and "5个工作日" in result.text


def test_a_quantity_no_sentence_gives_is_absent_with_what_is_said() -> None:
    composer = Composer([FEES, RATES])
    result = composer.compose("保理融资的额度最高能批多少钱", hits(FEES))
    assert result is not None and result.absent
    assert result.text.startswith("抱歉，资料里没有给出保理融资的额度")
    assert "上限" in result.text and "资料只提到：保理融资的额度取决于买方的资信和历史回款[1]" in result.text
    assert "5个工作日" not in result.text  # a figure about something else is never quoted


def test_a_duration_of_another_step_does_not_answer() -> None:
    composer = Composer([FEES, RATES])
    result = composer.compose("买方改向保理商付款要提前几天通知", hits(FEES))
    assert result is not None and result.absent and "具体时间" in result.text


def test_a_level_of_an_unnamed_metric_is_absent_and_of_a_named_one_answered() -> None:
    composer = Composer([FEES, RATES])
    missing = composer.compose("应付账款周转率多少算正常", hits(RATES))
    assert missing is not None and missing.absent
    found = composer.compose("存货周转率低于多少要检查滞销品", hits(RATES))
    assert found is not None and not found.absent and "4次" in found.text


def test_a_bare_how_much_asks_a_figure_only_at_the_end_of_its_clause() -> None:
    assert asked_quantity(understand("用了保理以后回款能快多少")) is not None
    assert asked_quantity(understand("保理能帮我们少占用多少资金 对经营有什么帮助")) is None


def test_a_fee_stated_as_a_rate_of_the_sum_answers_how_much() -> None:
    charges = Chunk(
        "009_c#1", "009_c", "收费说明", "section", "账户管理费",
        "账户管理费按每笔应收账款金额的0.3%收取，按季结算。", 0, 0,
    )
    result = Composer([charges, RATES]).compose("账户管理费收多少", hits(charges))
    assert result is not None and not result.absent and "0.3%" in result.text


def test_a_quantity_told_on_the_way_to_another_question_is_not_what_is_asked() -> None:
    assert asked_quantity(understand("保理商放款要等几天 这个等待期间能先发货吗")) is None
    assert asked_quantity(understand("保理融资的年利率一般是多少 有哪些附加费用")) is None
    assert asked_quantity(understand("保理商放款要等几天")) is not None


PAYOUT = Chunk(
    "009_p#1", "009_p", "理赔说明", "faq", "理赔多久能完成？",
    "保险商在收到完整理赔文件后，通常在20个工作日内完成赔付。",
    0, 0,
)


def _candidates(composer: Composer, question: str) -> list:
    return composer.candidates(question, "", hits(PAYOUT), False)


def test_a_figure_said_in_meaning_answers_a_question_in_the_users_own_words() -> None:
    composer = Composer([PAYOUT, RATES])
    question = understand("真碰上事了钱大概得等多久才能到手")  # none of its words is in the sentence
    candidates = _candidates(composer, question.text)
    close = {c.sentence for c in candidates if "20个工作日" in c.sentence.text}
    assert absence(question, candidates, composer.weights.coverage) is not None  # words alone cannot tell
    assert absence(question, candidates, composer.weights.coverage, close=close) is None


def test_meaning_does_not_answer_a_quantity_whose_subject_the_articles_name_without_it() -> None:
    composer = Composer([FEES, RATES])
    question = understand("保理融资的额度最高能批多少钱")  # its words are the articles': they decide
    candidates = composer.candidates(question.text, "", hits(FEES), False)
    close = {c.sentence for c in candidates}
    assert absence(question, candidates, composer.weights.coverage, close=close) is not None


def test_a_counted_noun_is_tagged_as_jieba_posseg_tags_it_without_loading_the_tagger() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from knowledge.absence import _tagged\n"
        "texts = ['', '？', '个仓库保管员？', '店员工资', 'ERP系统 的 数据', 'B2B买家', '座冷库、车队', '\\u3000员工']\n"
        "ours = [_tagged(t) for t in texts]\n"
        "assert 'jieba.posseg' not in sys.modules\n"
        "import jieba.posseg\n"
        "ref = [[(p.word, p.flag) for p in jieba.posseg.dt.lcut(t, HMM=False) if p.word.strip()][:2] for t in texts]\n"
        "assert ours == ref, (ours, ref)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_warning_line_asked_by_its_shape_is_no_count_of_the_noun_after_it() -> None:
    # "多少" followed by a noun and then "就…": the level at which something starts, not a count of that noun
    asked = asked_quantity(understand("存货周转率掉到多少仓库就该清点"))
    assert asked is None or (asked.kind == "level" and asked.subject.startswith("存货周转率"))


def test_a_level_question_names_its_metric_without_the_users_verbs() -> None:
    composer = Composer([FEES, RATES])
    result = composer.compose("存货周转率跟去年比降到多少算危险", hits(RATES))
    assert result is not None and not result.absent and "4次" in result.text


def test_a_later_clause_asking_whether_it_follows_or_the_same_quantity_again_keeps_the_quantity_asked() -> None:
    # regression (uncov3): a quantity followed by "is it then…" was read as a story, and a neighbouring figure answered
    assert asked_quantity(understand("保理商放款要等几天 等不到是不是只能先垫钱")) is not None
    assert asked_quantity(understand("保理融资的手续费一般收多少钱 大概百分之几")) is not None
    assert asked_quantity(understand("保理商放款要等几天 这个等待期间能先发货吗")) is None  # its own question
    assert asked_quantity(understand("表上每笔发票拖了多久 这种表格真有用吗")) is None  # the user's own event, told


def test_a_level_asked_with_a_how_much_word_and_then_才_or_就_is_a_level_of_the_metric_before_it() -> None:
    # regression (metrics2): "要多少才正常" names no lexicon asking word; the shape asks a level
    asked = asked_quantity(understand("存货周转率要多少才算正常啊"))
    assert asked is not None and asked.kind == "level" and asked.subject == "存货周转率"
    asked = asked_quantity(understand("库存天数到多少就该处理"))
    assert asked is not None and asked.kind == "level"


def test_a_level_asked_with_no_metric_ahead_of_it_is_left_to_the_earlier_turn() -> None:
    assert asked_quantity(understand("那超過多少就該處理？")) is None


@pytest.mark.parametrize(("question", "absent"), [("应付周转率要多少才正常", True), ("存货周转率低到多少就要检查", False)])
def test_a_level_asked_by_its_shape_is_absent_only_for_a_metric_the_articles_do_not_name(question: str, absent: bool) -> None:
    # regression (metrics2): the articles give a line for 存货周转率 only; 应付周转率 is another metric
    result = Composer([FEES, RATES]).compose(question, hits(RATES))
    assert result is not None and result.absent is absent and ("4次" in result.text) is not absent
