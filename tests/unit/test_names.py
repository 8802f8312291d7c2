"""Finding the buyers a message names in a directory (invented companies, our own wording)."""

from __future__ import annotations

import pytest

from tools.intents import buyer_request, named_buyers, refers_to_buyer
from tools.names import PLAUSIBLE, SURE, NameIndex, fold, may_be_a_name, split_chinese

DIRECTORY = [
    ("ZJ0001", "杭州天锐五金制品有限公司", "91330100MA2AAAAA1X"),
    ("ZJ0002", "杭州明辉五金制品有限公司", ""),
    ("GD0003", "广东省佛山市顺德区美嘉家具有限公司", ""),
    ("SC0004", "绵阳九洲光电股份有限公司", ""),
    ("FR0005", "Société Générale des Vins SA", ""),
    ("UK0006", "Blue Heron Marine Supplies Ltd", ""),
    ("FJ0007", "福州长城贸易有限公司", ""),  # trade names that are everyday words too
    ("SH0008", "上海光明制冷设备有限公司", ""),
]


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex(DIRECTORY)


def best(index: NameIndex, message: str) -> tuple[str, float] | None:
    hits = index.find(message)
    return (hits[0].buyer_id, hits[0].score) if hits else None


def test_a_chinese_name_splits_into_region_trade_name_and_business() -> None:
    assert split_chinese("杭州天锐五金制品有限公司") == ("杭州天锐五金制品", "杭州", "天锐")
    assert split_chinese("广东省佛山市顺德区美嘉家具有限公司")[1:] == ("广东省佛山市顺德区", "美嘉")
    assert split_chinese("九洲公司") == ("九洲", "", "九洲")
    assert split_chinese("石家庄润丰纸业有限公司")[1:] == ("石家庄", "润丰")  # a three-character city


def test_fold_ignores_case_accents_and_full_width() -> None:
    assert fold("Ｓｏｃｉété GÉNÉRALE") == "societe generale"


@pytest.mark.parametrize(
    ("message", "buyer_id"),
    [
        ("天锐的授信还剩多少", "ZJ0001"),  # the trade name alone
        ("杭州天锐五金 最近怎么样", "ZJ0001"),  # more of the name: surer
        ("91330100MA2AAAAA1X", "ZJ0001"),  # the USCC
        ("zj0002 的记录", "ZJ0002"),  # the id, any case
        ("sc 0004 的额度", "SC0004"),  # the id's letters and digits apart
        ("FJ-0007 status", "FJ0007"),
        ("美嘉家具评级", "GD0003"),  # after a long explicit region
        ("tianrui 额度", "ZJ0001"),  # pinyin typed
        ("ming hui 这家", "ZJ0002"),  # pinyin in two words
        ("blue heron marine", "UK0006"),  # Latin words, case ignored
        ("BLUEHERON? no: Blue  Heron status", "UK0006"),  # extra spaces
        ("societe generale des vins", "FR0005"),  # accents ignored
    ],
)
def test_names_typed_loosely_find_the_buyer(index: NameIndex, message: str, buyer_id: str) -> None:
    found = best(index, message)
    assert found is not None and found[0] == buyer_id and found[1] >= SURE


def test_more_of_the_name_scores_higher(index: NameIndex) -> None:
    assert best(index, "杭州天锐五金制品")[1] > best(index, "天锐")[1]


def test_a_homophone_or_a_slip_is_found_less_surely(index: NameIndex) -> None:
    homophone = best(index, "九舟光电的状态")  # 舟 sounds like 洲
    assert homophone is not None and homophone[0] == "SC0004" and PLAUSIBLE <= homophone[1] < 0.9
    slip = best(index, "杭州天税五金的账")  # one character wrong, region and business right
    assert slip is not None and slip[0] == "ZJ0001" and PLAUSIBLE <= slip[1] < SURE


def test_region_and_business_without_a_trade_name_fit_every_such_buyer(index: NameIndex) -> None:
    hits = index.find("杭州那家做五金的")
    assert {h.buyer_id for h in hits} == {"ZJ0001", "ZJ0002"} and all(h.score == PLAUSIBLE for h in hits)


@pytest.mark.parametrize(
    "message",
    ["买家破产了保险赔不赔", "五金行业账期一般多长", "杭州的客户逾期了怎么办", "how do I file a claim", "blue is my colour"],
)
def test_ordinary_questions_name_no_buyer(index: NameIndex, message: str) -> None:
    assert named_buyers(message, index.find(message)) == []


def test_a_plausible_hit_counts_only_when_the_message_is_about_a_buyer(index: NameIndex) -> None:
    assert named_buyers("杭州那家做五金的 查一下", index.find("杭州那家做五金的 查一下")) == [["ZJ0001", "ZJ0002"]]
    assert named_buyers("杭州五金市场行情如何", index.find("杭州五金市场行情如何")) == []


def test_a_first_word_followed_by_a_legal_form_is_a_company_name(index: NameIndex) -> None:
    assert best(index, "can we still ship to HERONN Ltd on 60 days") is None  # not the first word
    assert best(index, "is Blueheron Ltd ok") is None
    assert best(index, "are Societe SA still paying") == ("FR0005", SURE)
    assert named_buyers("how is Blue Ltd", index.find("how is Blue Ltd")) == []  # a short first word alone


@pytest.mark.parametrize(
    "message",
    ["天锐银行开的保函能用吗", "美嘉证券的研报靠谱吗", "光明乳业的账期一般多长", "长城以外的地方怎么投保", "光明的未来在于风控"],
)
def test_a_trade_name_that_runs_into_another_word_is_no_buyer(index: NameIndex, message: str) -> None:
    assert named_buyers(message, index.find(message)) == []


@pytest.mark.parametrize(("message", "buyer_id"), [("长城的额度", "FJ0007"), ("查一下光明", "SH0008"),
                                                    ("长城那边还能发货吗", "FJ0007"), ("天锐呢？", "ZJ0001")])
def test_a_trade_name_alone_counts_when_asked_about(index: NameIndex, message: str, buyer_id: str) -> None:
    assert named_buyers(message, index.find(message)) == [[buyer_id]]


def test_two_names_in_one_message_are_two_buyers(index: NameIndex) -> None:
    message = "天锐和美嘉谁的风险大"
    assert named_buyers(message, index.find(message)) == [["ZJ0001"], ["GD0003"]]


def test_the_request_reads_fields_ledger_and_verdict() -> None:
    one = [["ZJ0001"]]
    asked = buyer_request("评级和授信额度", one)
    assert asked.tool == "buyer_lookup" and asked.args["fields"] == ["grade", "credit_limit"]
    ledger = buyer_request("截至2026-03-31 的账龄", one)
    assert ledger.tool == "buyer_receivables" and ledger.args["as_of"] == "2026-03-31"
    assert buyer_request("下个月还给他们放账吗", one).args["decision"] is True
    assert buyer_request("平均拖几天付款", one).args["fields"] == ["avg_days_late"]
    assert buyer_request("帮我查下它的欠款", one).tool == "buyer_receivables"  # 查 + a ledger word: the ledger
    assert buyer_request("查一下评分和逾期", one).tool == "buyer_lookup"  # a record field asked: the record


@pytest.mark.parametrize(
    ("message", "expected"),
    [("那他家欠我们多少", True), ("它的评级呢", True), ("账龄呢", True), ("逾期了一般怎么催收", False),
     ("那需要准备哪些材料", False), ("下月还照常放账吗", True), ("回款天数多少算偏长", False),
     ("欠款到了多少该报损", False),
     # regression: an ageing bucket or English words make a follow-up no longer than a short question
     ("截至9月30日 逾期61到90天的有多少", True), ("as of 2026-09-30 aging 30天以上有多少", True),
     ("their credit limit 多少", True)],
)
def test_follow_ups_that_point_back_at_the_buyer(message: str, expected: bool) -> None:
    assert refers_to_buyer(message) is expected


@pytest.mark.parametrize(("phrase", "name"), [
    ("恒丰", True), ("东莞宏远", True), ("佳美", True), ("鸿运", True), ("格力", True),  # coined or rare
    ("一般", False), ("货款", False), ("有几家", False), ("就该停止供货", False), ("一般分几档", False),
    ("着一笔货款没结", False),  # a verb jieba has not seen is still a verb
])
def test_only_a_proper_noun_or_a_rare_word_may_be_a_trade_name(phrase: str, name: bool) -> None:
    assert may_be_a_name(phrase) is name
