"""A Chinese figure in English words, as the article states it: "usually within 30-60 working days", "over 15%",
"10 days before".

The English reply (:mod:`knowledge.english`) says the asked figure in English; the figure's value and unit
come from the article's sentence, its hedge (通常, 约), its side (以上, 低于) and the event it counts from or
back to (内, 后, 前) from the words around it, so the English sentence claims nothing the article does not.
"""

from __future__ import annotations

import re

from knowledge.numerals import arabic_figures

UNITS = {"个工作日": "working days", "工作日": "working days", "天": "days", "日": "days", "个月": "months",
         "月": "months", "年": "years", "%": "%", "％": "%"}
_HEDGES = {"通常": "usually", "一般": "usually", "平均": "on average", "大约": "about", "约": "about"}
_OVER = re.compile(r"(超过|高于|大于|多于|超出|超|增加|增长)[\u4e00-\u9fff]{0,6}$")
_UNDER = re.compile(r"(低于|少于|小于|不足|不到)[\u4e00-\u9fff]{0,6}$")
_HEDGE = re.compile(r"(通常|一般|平均|大约|约(?!定))[\u4e00-\u9fff]{0,3}$")


def figure_phrase(text: str, figure: str) -> str:
    """The figure as it stands in ``text`` in English words: "usually within 30-60 working days", "over 15%"."""
    text = arabic_figures(text)
    at = text.find(figure)
    before, after = text[max(0, at - 8) : at] if at >= 0 else "", text[at + len(figure) : at + len(figure) + 2]
    match = re.match(r"(?P<value>\d[\d,.]*(?:\s*[-–~至到]\s*\d[\d,.]*)?)\s*(?P<rest>.*)", figure)
    if match is None:
        return figure
    value = re.sub(r"\s*[至到~–]\s*", "-", match.group("value"))
    rest = match.group("rest")
    tail = (re.search(r"以上|以下", rest) or re.match(r"以上|以下", after) or [""])[0]
    unit = UNITS.get(re.sub(r"多|余|以上|以下", "", rest), "")
    plus = "+" if re.match(r"多|余", rest) else ""
    amount = f"{value}{plus}{unit}" if unit == "%" or not unit else f"{value}{plus} {unit}"
    words = []
    if (hedge := _HEDGE.search(before)) is not None:
        words.append(_HEDGES[hedge.group(1)])
    if tail == "以上" or _OVER.search(before):
        words.append("over")
    elif tail == "以下" or _UNDER.search(before):
        words.append("below")
    elif after.startswith(("内", "以内", "之内")):
        words.append("within")
    elif after.startswith(("后", "之后")):
        words.append("after")
    elif after.startswith(("前", "之前")) or before.endswith("前"):  # "10天前", "到期前10天"
        return " ".join([*words, amount, "before"])
    return " ".join([*words, amount])
