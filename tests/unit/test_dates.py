"""The one date reader (tools/dates.py) and what reads messages through it: ledger windows, amounts, periods."""

from __future__ import annotations

from datetime import date

import pytest

from tools.dates import find_dates, find_range, without_dates
from tools.intents import refers_to_buyer
from tools.intents.buyers import ledger_window
from tools.numbers import find_amounts, parse_period_days

TODAY = date(2027, 3, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("截至2024-06-30", "2024-06-30"),
        ("截至 2024/6/30 的账", "2024-06-30"),
        ("2024.06.30那天", "2024-06-30"),
        ("2024年6月30日", "2024-06-30"),
        ("2024年的6月30号", "2024-06-30"),
        ("二〇二四年六月三十日", "2024-06-30"),
        ("2024年6月底", "2024-06-30"),
        ("2024年2月末", "2024-02-29"),
        ("2024年底", "2024-12-31"),
        ("今年2月底", "2027-02-28"),
        ("去年的6月30号", "2026-06-30"),
        ("前年年底", "2025-12-31"),
        ("06/30/2024", "2024-06-30"),
        ("30/06/2024", "2024-06-30"),
        ("as of June 30, 2024", "2024-06-30"),
        ("as at 30th Jun 2024", "2024-06-30"),
        ("end of June 2024", "2024-06-30"),
        # no year: the latest such day not after today
        ("2月28号", "2027-02-28"),
        ("6月30日", "2026-06-30"),
        ("12/31", "2026-12-31"),
        ("3/1", "2027-03-01"),
        ("十二月底", "2026-12-31"),
        ("一月底", "2027-01-31"),
        ("end of February", "2027-02-28"),
        # relative to today
        ("今天", "2027-03-15"),
        ("yesterday", "2027-03-14"),
        ("上月底", "2027-02-28"),
        ("上个月末", "2027-02-28"),
        ("截止到上个月月底", "2027-02-28"),
        ("这个月月底", "2027-03-31"),
        ("end of last month", "2027-02-28"),
        ("本月底", "2027-03-31"),
        ("月末", "2027-02-28"),
        ("month-end", "2027-02-28"),
        ("上季度末", "2026-12-31"),
        ("季末", "2026-12-31"),
        ("三季度末", "2026-09-30"),
        ("2024年第二季度末", "2024-06-30"),
        ("Q4末", "2026-12-31"),
        ("end of Q2", "2026-06-30"),
        ("去年底", "2026-12-31"),
        ("year end", "2026-12-31"),
    ],
)
def test_every_form_reads_as_one_day(text: str, expected: str) -> None:
    found = find_dates(text, TODAY)
    assert [d.day.isoformat() for d in found] == [expected]


@pytest.mark.parametrize(
    "text",
    ["2/10 net 40", "3/15 N60", "2024-02-30", "13/45", "过去三个月", "近90天", "this decision 2", "每个月付一次"],
)
def test_what_is_not_a_date(text: str) -> None:
    assert find_dates(text, TODAY) == []


def test_a_month_end_on_the_day_itself_is_today() -> None:
    assert find_dates("月底", date(2027, 4, 30))[0].day == date(2027, 4, 30)
    assert find_dates("季末", date(2027, 6, 30))[0].day == date(2027, 6, 30)


def test_dates_are_blanked_in_place() -> None:
    text = "A公司 2024年6月30日 应收"
    blanked = without_dates(text)
    assert len(blanked) == len(text) and "30" not in blanked and blanked.startswith("A公司")


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("HB0101 2024年的6月30号应收多少", {"as_of": "2024-06-30"}),
        ("HB0101 6月30日 账龄", {"as_of": "2026-06-30"}),
        ("HB0101 上月底 按45天算的DSO", {"as_of": "2027-02-28", "period_days": 45}),
        ("HB0101 12/31 45天口径 DSO", {"as_of": "2026-12-31", "period_days": 45}),
        ("HB0101 季末 近半年的DSO", {"as_of": "2026-12-31", "period_days": 180}),
        ("HB0101 receivables as of June 30, 2024 over a 45-day period", {"as_of": "2024-06-30", "period_days": 45}),
        ("HB0101 DSO over the past 4 months", {"period_days": 120}),
        ("HB0101 DSO over the past two months", {"period_days": 60}),
        ("HB0101 上个月月底的DSO", {"as_of": "2027-02-28"}),
        ("HB0101 2026年4月1日至6月30日的DSO", {"as_of": "2026-06-30", "period_days": 91}),
        ("HB0101 DSO between 1 April 2026 and 30 June 2026", {"as_of": "2026-06-30", "period_days": 91}),
        ("HB0101 4月1日到6月30日 按60天算", {"as_of": "2026-06-30", "period_days": 60}),
    ],
)
def test_ledger_window_reads_dates_and_periods_however_typed(text: str, window: dict) -> None:
    assert ledger_window(text, TODAY) == window


def test_two_dates_apart_are_no_span() -> None:
    assert find_range("1月31日应收多少，2月28日呢", TODAY) is None
    assert find_range("1月31日到2月28日", TODAY) == (date(2027, 1, 31), date(2027, 2, 28))


def test_a_date_is_no_amount_and_no_period() -> None:
    assert [a.value for a in find_amounts("截至2024/06/30 应收300万")] == [3_000_000]
    assert find_amounts("12/31 那天") == []
    assert parse_period_days("6月30日的DSO") is None
    assert parse_period_days("上个月底的DSO") is None
    assert parse_period_days("上个月的赊销") == 30


def test_a_follow_up_with_a_date_still_points_at_the_buyer() -> None:
    assert refers_to_buyer("2024年6月30日按45天算的DSO呢")
    assert not refers_to_buyer("我们公司今年以来所有客户的应收账款一共有多少")
