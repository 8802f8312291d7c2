"""The head noun of an asked quantity's subject, and the quantity of a thing the articles never name:
knowledge/heads.py and its use in knowledge/absence.py, on hand-built chunks about warehousing."""

from __future__ import annotations

from knowledge.absence import _pos_flag
from knowledge.answering import Composer
from knowledge.heads import unknown_head
from knowledge.types import Chunk
from tests.unit.articles import ranked as hits

STOCK = Chunk(
    "009_s#1", "009_s", "仓储预警指标", "section", "库存预警",
    "若存货周转率低于4次、库龄超过180天的存货占比高于10%，则需盘点滞销品。"
    "仓库发生漏水时，应在3天内通知保管方。仓储外包可以降低固定成本。",
    0, 0,
)


def _known(word: str) -> bool:
    return word in STOCK.text


def test_a_noun_the_articles_never_use_is_an_unknown_head() -> None:
    assert unknown_head("仓库漏水后索要的利息", _known, _pos_flag) == "利息"


def test_a_known_noun_or_a_verb_ending_the_subject_is_no_unknown_head() -> None:
    assert unknown_head("仓库漏水", _known, _pos_flag) is None
    assert unknown_head("材料全部递上去", _known, _pos_flag) is None  # a verb ends it: no thing named


def test_a_noun_naming_the_asked_quantity_itself_is_no_unknown_head() -> None:
    assert unknown_head("通知保管方的时限", _known, _pos_flag) is None


def test_a_quantity_of_an_unknown_thing_is_absent_though_its_neighbours_are_known() -> None:
    composer = Composer([STOCK])
    result = composer.compose("仓库漏水以后保管方要付的违约金一般是多少", hits(STOCK))
    assert result is not None and result.absent and "3天" not in result.text


def test_a_quantity_of_a_known_thing_is_still_answered() -> None:
    composer = Composer([STOCK])
    result = composer.compose("仓库漏水了要在多久内通知保管方", hits(STOCK))
    assert result is not None and not result.absent and "3天" in result.text


def test_a_quantity_of_an_unknown_thing_is_found_in_its_own_clause_whatever_the_story_counts() -> None:
    from knowledge.absence import quantity_of_unknown_thing

    # "三家仓库" in the story would make the whole message a calculation; each clause is read alone
    told = "我们租了三家仓库 周转有点紧 仓库抵押的利息一般多少 好办吗"
    assert quantity_of_unknown_thing(told, _known) == "利息"
    assert quantity_of_unknown_thing("库龄超过多少天要盘点", _known) is None
