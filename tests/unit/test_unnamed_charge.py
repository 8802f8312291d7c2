"""A tax, fee or currency asked whether, which or how about when the articles never name it
(knowledge/absence.py ``unnamed_charge``), on hand-built chunks about warehousing. Regression cases in our
own wording: a yes/no on a charge was answered from a neighbouring sentence sharing the question's other words."""

from __future__ import annotations

from knowledge.absence import unnamed_charge
from knowledge.answering import Composer
from knowledge.types import Chunk

STORE = Chunk(
    "009_w#1", "009_w", "仓储合同", "section", "仓储费用",
    "仓库发生漏水时，应在3天内通知保管方。保管方赔偿货损后，可向责任方追偿。仓储费按月结算。",
    0, 0,
)


def _known(word: str) -> bool:
    return word in STORE.text


def test_a_tax_asked_yes_or_no_is_unnamed() -> None:
    assert unnamed_charge("保管方赔偿的货损款要不要交印花税", _known) == "印花税"


def test_a_fee_asked_whether_someone_pays_it_is_unnamed() -> None:
    assert unnamed_charge("搬运费保管方出不出", _known) == "搬运费"


def test_a_currency_asked_to_be_paid_in_is_unnamed() -> None:
    assert unnamed_charge("赔偿能不能直接用港币付", _known) == "港币"


def test_a_charge_the_articles_name_is_no_unnamed_one() -> None:
    assert unnamed_charge("仓储费可以晚几天交吗", _known) is None


def test_a_sum_told_in_a_currency_is_the_story_not_the_question() -> None:
    assert unnamed_charge("保管方弄坏了我们三万港币的货 能赔吗", _known) is None
    assert unnamed_charge("压在仓库的港币货款能追回吗", _known) is None


def test_a_charge_told_before_the_asked_event_is_the_story() -> None:
    assert unnamed_charge("交了搬运费以后仓库漏水能赔吗", _known) is None


def test_a_quantity_of_a_charge_is_left_to_the_quantity_check() -> None:
    assert unnamed_charge("搬运费一般是多少", _known) is None


def test_the_composer_reads_the_articles_vocabulary() -> None:
    composer = Composer([STORE])
    assert composer.asks_of_unnamed_charge("拿到赔偿以后用不用缴印花税") == "印花税"
    assert composer.asks_of_unnamed_charge("仓库漏水了要多久内通知保管方") is None


def test_a_charge_whose_change_sets_the_scene_is_not_what_is_asked() -> None:
    # regression (main, own wording): "X上调后…怎么" tells the charge before the event asked about
    assert unnamed_charge("搬运费上调后仓库该怎么安排", _known) is None
    assert unnamed_charge("搬运费要不要单独开票", _known) == "搬运费"
