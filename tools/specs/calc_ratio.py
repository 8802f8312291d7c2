"""``calc_ratio``: overdue, current and working-capital ratios and the cost of a cash discount.

The ratio kinds share one tool; each has the words that name it and its inputs in a message.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tools.formulas import compute_ratio
from tools.spec import ToolSpec
from tools.replies import ratio_answer
from tools.schemas import RatioArgs, RatioResult

if TYPE_CHECKING:
    from tools.client import CreditServiceClient

KIND_NAMES = {
    "overdue_ratio": re.compile(r"逾期率|逾期比例|逾期占比|overdue ratio", re.IGNORECASE),
    "current_ratio": re.compile(r"流动比率|current ratio", re.IGNORECASE),
    "working_capital_ratio": re.compile(r"营运资本比率|营运资金比率|营运资金比|working[- ]capital ratio", re.IGNORECASE),
}
# "CA" and "CL" are how finance people abbreviate them in English (upper case only: "ca." is not one); a
# follow-up shortens them ("负债再多200万", "if liabilities go up"): bare 资产/负债 are the current ones, never
# the total assets or the debt ratio (资产负债率)
_ASSETS = (r"流动资产|current assets|(?-i:(?<![A-Za-z])CA(?![A-Za-z]))|(?<![总净])资产(?!总额|负债)|"
           r"(?<!total )(?<!net )\bassets\b")
_LIABILITIES = r"流动负债|current liabilities|(?-i:(?<![A-Za-z])CL(?![A-Za-z]))|(?<![总资])负债(?!率)|\bliabilities\b"
KIND_SLOTS: dict[str, dict[str, str]] = {
    "overdue_ratio": {
        # past due however it is said: "逾期", "超过合同账期", "过了账期还没回的", "拖欠"; and with the term first or
        # only what is missing named: "账期过了30天", "还收不回的有36万", "没回款的"
        "overdue": r"逾期|过期|超期|拖欠|(?:过了?|超过|超出)(?:合同)?账期|(?:合同)?账期(?:已经?)?过了?|收不回|没收回|"
                   r"未收回|没回款|未回款|overdue|past due",
        "receivables": r"应收账款|应收款|应收|(?-i:(?<![A-Za-z])AR(?![A-Za-z]))|receivables?",
    },
    "current_ratio": {"current_assets": _ASSETS, "current_liabilities": _LIABILITIES},
    "working_capital_ratio": {
        "current_assets": _ASSETS, "current_liabilities": _LIABILITIES, "total_assets": r"总资产|资产总额|total assets",
    },
}

# a ratio of a part to its whole: the part can never be the larger, so two amounts read the other way round
# ("1000万应收里超30天的有120万" after a word on overdue) are swapped rather than refused
PART_OF: dict[str, tuple[str, str]] = {"overdue_ratio": ("overdue", "receivables")}


def calc_ratio(client: CreditServiceClient, **kwargs: Any) -> dict[str, Any]:
    """Credit ratios: overdue_ratio (overdue / receivables), current_ratio (current assets / current
    liabilities), working_capital_ratio ((current assets - current liabilities) / total assets), and
    discount_cost: the annualised cost of not taking an early-payment discount such as 2/10 Net 30."""
    return compute_ratio(RatioArgs(**kwargs)).model_dump()


def readings(args: dict[str, Any], result: dict[str, Any]) -> list[tuple[str, float, str]]:
    """The ratio as the articles name it, in the units the answer shows (a share in %, one decimal)."""
    value = result.get("value")
    if value is None:
        return []
    return {
        "overdue_ratio": [("逾期率", round(value * 100, 1), "%")],
        "current_ratio": [("流动比率", round(value, 2), "")],
        "working_capital_ratio": [("营运资金比率", round(value * 100, 1), "%")],
        "discount_cost": [("现金折扣", round(value * 100, 2), "%")],
    }.get(result.get("kind", ""), [])


SPEC = ToolSpec("calc_ratio", RatioArgs, calc_ratio, render=ratio_answer, result_schema=RatioResult,
                readings=readings)
