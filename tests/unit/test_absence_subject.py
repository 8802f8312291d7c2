"""An asked fact is absent when no close sentence states it about the asked subject (knowledge/absence.py):
a figure's clause about something else, a count of another noun."""

from __future__ import annotations

from knowledge.absence import asked_quantity
from knowledge.answering import Composer
from knowledge.questions import understand
from knowledge.types import Chunk
from tests.unit.articles import ranked as hits

WAREHOUSE = Chunk(
    "011_w#1", "011_w", "仓单质押说明", "section", "放款与监管",
    "仓库收到货物后3个工作日内出具仓单，监管公司会同步开始巡库。"
    "质押率若低于60%的，则需追加保证货物。本平台已服务300多家仓储企业，覆盖40个城市。",
    0, 0,
)
SCORING = Chunk(
    "012_s#1", "012_s", "评分工具", "section", "评分",
    "评分工具会参考买方的付款记录和行业景气度。货主可以在线查看仓单状态。",
    0, 0,
)



def test_a_figure_of_one_clause_does_not_answer_for_the_statement_after_it() -> None:
    composer = Composer([WAREHOUSE, SCORING])
    result = composer.compose("监管公司巡库一般多久能完成", hits(WAREHOUSE))
    assert result is not None and result.absent and "3个工作日" not in result.text


def test_a_clause_drawing_the_consequence_of_a_figure_completes_it() -> None:
    composer = Composer([WAREHOUSE, SCORING])
    result = composer.compose("质押率低于多少需要追加保证货物", hits(WAREHOUSE))
    assert result is not None and not result.absent and "60%" in result.text


def test_a_count_of_a_named_noun_needs_that_noun_counted() -> None:
    asked = asked_quantity(understand("这个平台有多少名员工"))
    assert asked is not None and asked.kind == "count" and asked.label == "员工的具体数量"
    composer = Composer([WAREHOUSE, SCORING])
    missing = composer.compose("这个平台有多少名员工", hits(WAREHOUSE))
    assert missing is not None and missing.absent and "300" not in missing.text
    found = composer.compose("平台覆盖了多少个城市", hits(WAREHOUSE))
    assert found is not None and not found.absent and "40个城市" in found.text


def test_a_bare_how_much_before_a_long_noun_is_no_count() -> None:
    assert asked_quantity(understand("能少压多少库存资金")) is None


def test_words_added_after_the_question_are_not_what_is_counted() -> None:
    asked = asked_quantity(understand("质押率降了不少 到底降了多少 仓单"))  # an expansion appended by the search
    assert asked is not None and asked.kind != "count"
