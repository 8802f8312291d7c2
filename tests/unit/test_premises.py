"""A figure quoted from the articles as a premise, then another quantity asked: knowledge/premises.py and its
use in knowledge/absence.py, on hand-built chunks about warehousing (a subject the bundled articles lack)."""

from __future__ import annotations

from knowledge.answering import Composer
from knowledge.premises import quoted_premise
from knowledge.questions import understand
from knowledge.types import Chunk
from tests.unit.articles import ranked as hits

STOCK = Chunk(
    "009_s#1", "009_s", "仓储预警指标", "section", "库存预警",
    "若存货周转率低于4次、库龄超过180天的存货占比高于10%，则需盘点滞销品。"
    "冷库温度偏离设定值2摄氏度以上时，系统自动报警。仓储外包可以降低固定成本。",
    0, 0,
)


def test_a_figure_found_in_a_close_sentence_is_a_quoted_premise() -> None:
    premise = quoted_premise(understand("存货周转率低于4次要盘点 那应付周转率低于多少要注意"), [STOCK.text])
    assert premise is not None and premise.rest.startswith("那应付周转率")
    assert "应付" in premise.words and "存货" not in premise.words


def test_the_users_own_figure_is_no_premise() -> None:
    assert quoted_premise(understand("我们存货周转率才3次 警戒线是多少"), [STOCK.text]) is None


def test_a_question_pointing_back_at_the_premise_asks_about_the_quoted_fact() -> None:
    assert quoted_premise(understand("库龄180天以上占比过10%要盘点，这个比例怎么算"), [STOCK.text]) is None


def test_a_quantity_asked_beyond_the_quoted_premise_is_absent() -> None:
    composer = Composer([STOCK])
    result = composer.compose("存货周转率低于4次算预警 那应付账款周转率低于多少算预警", hits(STOCK))
    assert result is not None and result.absent
    assert "4次" not in result.text  # the premise is not read back as the answer


def test_a_quantity_asked_beyond_the_premise_and_stated_elsewhere_is_answered() -> None:
    composer = Composer([STOCK])
    result = composer.compose("存货周转率低于4次算预警 那冷库温度偏离多少度会报警", hits(STOCK))
    assert result is not None and not result.absent and "2摄氏度" in result.text
