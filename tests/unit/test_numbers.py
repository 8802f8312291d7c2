"""The number parser: amounts, periods and payment terms as sales reps type them."""

from __future__ import annotations

import pytest

from tools.numbers import (
    Terms,
    chinese_to_number,
    find_amounts,
    parse_amount,
    parse_net_days,
    parse_partial_terms,
    parse_period_days,
    parse_terms,
    parse_year_basis,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("500万", 5_000_000),
        ("1.2亿", 120_000_000),
        ("三千五百万", 35_000_000),
        ("两百万", 2_000_000),
        ("一千二百万元", 12_000_000),
        ("2.5m", 2_500_000),
        ("720k", 720_000),
        ("1.62M", 1_620_000),
        ("1,200,000", 1_200_000),
        ("1,200,000.50元", 1_200_000.5),
        ("80万货", 800_000),
        ("应收还有120万", 1_200_000),
        ("12 million", 12_000_000),
        ("3000元", 3000),
        ("五万块", 50_000),
        ("一亿二千万", 120_000_000),
        ("十万", 100_000),
        ("350K", 350_000),
        ("100w", 1_000_000),
        ("壹佰万", 1_000_000),
        ("两千五", 2_500),
    ],
)
def test_parse_amount(text: str, expected: float) -> None:
    assert parse_amount(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("九十天", 90),
        ("过去60天", 60),
        ("一季度", 90),
        ("季度", 90),
        ("上季度赊销900万", 90),
        ("credit sales this quarter", 90),
        ("一年", 365),
        ("年度赊销", 365),
        ("annual credit sales 12m", 365),
        ("上个月赊出去80万货", 30),
        ("一个月", 30),
        ("半年", 180),
        ("3个月", 90),
        ("最近45 days", 45),
        ("没有期间", None),
    ],
)
def test_parse_period_days(text: str, expected: int | None) -> None:
    assert parse_period_days(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1/10 Net 45", Terms(1, 10, 45)),
        ("2/10 net 30", Terms(2, 10, 30)),
        ("2/10, n/30", Terms(2, 10, 30)),
        ("供应商给我们 1/10 Net 45，不拿这个折扣", Terms(1, 10, 45)),
        ("条款写的是 3/15、N/60", Terms(3, 15, 60)),
        ("10天内付款享2%折扣，否则30天付清", Terms(2, 10, 30)),
        ("没有条款", None),
        ("5/30 net 30", None),
    ],
)
def test_parse_terms(text: str, expected: Terms | None) -> None:
    assert parse_terms(text) == expected


def test_durations_and_ids_are_not_money() -> None:
    text = "过去60天一共赊销了300万，CN1007 逾期 15% 的货款"
    assert [a.value for a in find_amounts(text)] == [3_000_000]


def test_terms_are_not_money() -> None:
    assert find_amounts("1/10 Net 45 的成本") == []


def test_amounts_in_order_with_positions() -> None:
    text = "receivables 640k against 1.35M of sales on terms"
    amounts = find_amounts(text)
    assert [a.value for a in amounts] == [640_000, 1_350_000]
    assert text[amounts[0].start : amounts[0].end] == "640k"


@pytest.mark.parametrize(("text", "expected"), [("九十", 90), ("一百零五", 105), ("万", None), ("abc", None)])
def test_chinese_to_number(text: str, expected: float | None) -> None:
    assert chinese_to_number(text) == expected


def test_an_earlier_periods_value_is_not_a_period() -> None:
    from tools.numbers import find_earlier

    text = "本季度应收600万 赊销1800万 上年同期也就40天"
    earlier = find_earlier(text)
    assert earlier is not None and (earlier.value, earlier.unit) == (40.0, "天")
    assert parse_period_days(text) == 90
    assert find_earlier("过去45天赊销500万") is None and parse_period_days("过去45天赊销500万") == 45
    english = find_earlier("DSO last year was 33 days")
    assert english is not None and english.value == 33.0


def test_spoken_forms_of_amounts_and_earlier_values() -> None:
    from tools.numbers import find_earlier

    assert [a.value for a in find_amounts("全年赊销3个亿 应收七千万")] == [3e8, 7e7]
    assert find_amounts("过了4个月") == []
    earlier = find_earlier("上年同期是四十五天")
    assert earlier is not None and earlier.value == 45.0


def test_a_period_given_in_brackets_is_the_period_not_an_earlier_value() -> None:
    assert parse_period_days("上季度(按91天算)赊出去700万，季末还欠着350万") == 91


def test_year_basis_partial_terms_and_net_days() -> None:
    assert parse_year_basis("年化按360天计") == 360 and parse_year_basis("a 365-day year") == 365
    assert parse_year_basis("过去90天") is None
    assert parse_partial_terms("3/20的折扣") == (3.0, 20) and parse_partial_terms("3/20 net 60") is None
    assert parse_net_days("N/60") == 60 and parse_net_days("全款75天内付") == 75 and parse_net_days("还没定") is None


def test_a_measure_word_before_the_big_unit_and_a_short_quarter_word() -> None:
    """Regression: "两个亿" was no amount, and "上季" (without 度) no period."""
    assert [a.value for a in find_amounts("应收两个亿 赊销五个亿")] == [200_000_000, 500_000_000]
    assert parse_period_days("上季赊销") == 90 and parse_period_days("换季节了") is None
