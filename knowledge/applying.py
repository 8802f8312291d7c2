"""An article's figure applied to the user's own amount: "欠了400万，按资料的比例能拿回多少" -> 400万×90%＝360万.

The user gives an amount (money in 万/亿, a count of customers or invoices, a number of days) and asks what it
comes to; the most relevant article figure says what to do with it, read from the words next to it:

- a share ("覆盖约90%", "前20%的重点客户"): the amount times the share;
- a cut or a rise ("逾期账款减少40%", "提升40%"): the amount less (or plus) that share, or the cut itself
  when the question asks what is saved ("能少亏多少");
- a number of days gained or lost ("回收时间快11天", "压缩25天"): the user's days less (or plus) them.

A share the user names ("按九成赔") is used as given. The result is a derived figure (the grounding check
accepts it); the article sentence the figure comes from is cited.
"""

from __future__ import annotations

import re
from dataclasses import replace

from knowledge.english_asked import named_count
from knowledge.facts import Fact
from knowledge.findings import Finding, Relevance, best, num
from knowledge.lexicon import words
from knowledge.questions import Figure, Question

# the question asks what the amount comes to
# ("赔全额吗", "全赔吗": whether all of the amount is paid is answered by what is paid of it)
_ASKS_WHOLE = re.compile(r"全额|全赔|赔全")
_ASKS_AMOUNT = re.compile(r"多少|几[个家笔张天万]|多大|还剩|剩下|剩多少|缩到|变成几|" + _ASKS_WHOLE.pattern)
# the question asks the part cut away, not what is left ("能少亏多少", "省下多少")
_ASKS_CUT = re.compile(r"少[亏赔损花付丢]|省[下了掉]?多少|能省|减少多少|少了多少|挽回多少|避免多少")
# the question asks the part a share leaves over ("赔90%，我们自己要承担多少", "没赔的那部分")
_ASKS_REST = re.compile(r"自己还?[要得]?(?:承担|担|扛|出)|自担|没赔的|不赔的|剩下的?部分|差额")
# the part paid asked next to the part left ("能赔多少，自己要承担多少"): both are worked out
_ASKS_PAID = re.compile(r"赔[回付了]?多少|拿回多少|补回来?多少|收回多少|到手多少")
# a count the user gives: a bare number followed by a measure word ("80个客户", "12家")
_COUNT = re.compile(r"\s*(个|家|笔|张|单|元|次)")
# a share the user names in tenths ("九成", "8成")
_TENTHS = re.compile(r"([一二三四五六七八九]|\d)成")
_TENTH_VALUES = {c: n for n, c in enumerate("一二三四五六七八九", start=1)}
# the word just before an article's figure says what it does to an amount
_LESS = re.compile(r"(减少|降低|下降|压缩|缩短|缩减|快|跌)[了约近超过]{0,2}$")
_MORE = re.compile(r"(增加|增长|提升|提高|上升|延长|慢|涨|反增)[了约近超过]{0,2}$")
_AMOUNT_UNITS = ("万", "亿")
_CURRENCY = re.compile(r"美元|美金|日元|欧元|英镑|港币|港元")  # a foreign currency named after 万/亿
_BUCKET = re.compile(r"\s*(?:以上|以下|以内|之内|开外)")  # after "90天": a range of ages, not an amount

# --- an English question: the same sums, asked and answered in English ---
_EN_ASKS_AMOUNT = re.compile(r"\bhow (?:much|many)\b|\bwhat (?:would|will|do|does|is|'s)\b.{0,40}?"
                             r"\b(?:be|become|pay|leave|left|come to|get)\b|\bwhere (?:do|would|will|does) \w+ "
                             r"(?:land|end up)\b", re.IGNORECASE)
_EN_ASKS_CUT = re.compile(r"\bsav(?:e|es|ed|ing)\b|\bhow much less\b|\bavoid", re.IGNORECASE)
_EN_ASKS_REST = re.compile(r"\bourselves\b|\bour own\b|\bretention\b|\bout of pocket\b|\buncovered\b|"
                           r"\bnot (?:paid|covered)\b|\bshortfall\b", re.IGNORECASE)
_EN_ASKS_PAID = re.compile(r"\b(?:get|got|paid|pay|recover)\b", re.IGNORECASE)
# a verb of change earlier in the clause says what the figure does to an amount ("cut ... by 40%", "went down
# 80%", "lifted by 300%"); "down to 1.2%" names a level, not a change
_EN_LESS = re.compile(r"\b(?:cut|cuts|reduc\w*|down|drop\w*|fell|fall\w*|lower\w*|shr[iu]nk\w*|shorten\w*|"
                      r"faster|decreas\w*|less)\b", re.IGNORECASE)
_EN_MORE = re.compile(r"\b(?:rais\w*|rose|rise\w*|up|increas\w*|lift\w*|boost\w*|grow\w*|grew|longer|slower|"
                      r"more)\b", re.IGNORECASE)
_EN_DAYS = re.compile(r"\s*days?\b", re.IGNORECASE)
_EN_CURRENCY = re.compile(r"\s*(usd|us\$|eur|gbp|cny|rmb|hkd|jpy)\b", re.IGNORECASE)


def _amount(question: Question) -> tuple[Figure, str] | None:
    """The user's one amount and how it is written after the number ("万", "个"), or None."""
    found = []
    for figure in question.figures:
        if figure.unit == "天" and _BUCKET.match(question.text, _end(question.text, figure) + 1):
            continue  # "逾期90天以上的账" names a bucket of debts, it is no number of days of the user's
        if figure.unit in (*_AMOUNT_UNITS, "天"):
            found.append((figure, figure.unit))
        elif not figure.unit and (count := _COUNT.match(question.text, _end(question.text, figure))):
            found.append((figure, count.group(1)))
    if len(found) > 1:  # "比纸质快11天，我们40天": a change quoted from the article is no amount of the user's
        found = [(f, u) for f, u in found if not _direction(question.text, f.at)]
    return found[0] if len(found) == 1 else None


def _end(text: str, figure: Figure) -> int:
    match = re.match(r"\d+(?:\.\d+)?", text[figure.at :])
    return figure.at + (match.end() if match else 0)


def _direction(text: str, at: int, english: bool = False) -> str:
    """"-" when the words before the figure at ``at`` cut an amount, "+" when they raise it, "" for a share."""
    if english:  # the last verb of change in the clause before the figure
        before = re.split(r"[.,;:?!]", text[max(0, at - 40) : at])[-1] if at >= 0 else ""
        if re.search(r"\bto\s*$", before):
            return ""
        found = [(m.end(), "-") for m in _EN_LESS.finditer(before)] + [(m.end(), "+") for m in _EN_MORE.finditer(before)]
        return max(found)[1] if found else ""
    before = text[max(0, at - 6) : at] if at >= 0 else ""
    return "-" if _LESS.search(before) else "+" if _MORE.search(before) else ""


def _fact_direction(fact: Fact) -> str:
    return _direction(fact.sentence, fact.sentence.find(num(fact.value or 0) + fact.unit))


def _user_share(question: Question) -> tuple[float, str] | None:
    """A share the user names ("按90%", "九成", "减少40%"), with what it does to the amount."""
    shares = [f for f in question.figures if f.unit == "%"]
    if shares:
        return shares[0].value, _direction(question.text, shares[0].at)
    tenths = _TENTHS.search(question.text)
    if tenths is None:
        return None
    raw = tenths.group(1)
    return (int(raw) if raw.isdigit() else _TENTH_VALUES[raw]) * 10, _direction(question.text, tenths.start())


def _worked(mine: str, value: float, share: float, sign: str, unit: str) -> tuple[str, str]:
    """The sum written out ("500万×（1−40%）＝300万") and its result."""
    factor = 1 - share / 100 if sign == "-" else 1 + share / 100 if sign == "+" else share / 100
    result = num(round(value * factor, 2))
    formula = f"{mine}×（1{'−' if sign == '-' else '＋'}{num(share)}%）" if sign else f"{mine}×{num(share)}%"
    return f"{formula}＝{result}{unit}", result


def _asked_sign(question: Question, sign: str) -> str:
    """What the question asks of the share: the cut itself ("能少亏多少"), the part a share leaves over
    ("自己承担多少"), or what the figure's own words say (``sign``)."""
    if sign == "-" and _ASKS_CUT.search(question.text):
        return ""
    if not sign and _ASKS_REST.search(question.text):
        return "-"
    return sign


def apply(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """The user's amount worked out with the article figure the question is about (or the share it names)."""
    if question.english:
        return _apply_english(question, facts, relevance)
    if question.dates or not _ASKS_AMOUNT.search(question.text):
        return None
    if question.compares_own_figures or (found := _amount(question)) is None:
        return None
    figure, unit = found
    if unit in _AMOUNT_UNITS and (currency := _CURRENCY.match(question.text, _end(question.text, figure) + 1)):
        unit += currency.group(0)  # "45万美元" works out in 美元, not in an unnamed 万
    mine = f"{num(figure.value)}{unit}"
    if unit == "天":
        if "percent" in question.kinds:
            return None  # "…的账占了多大比例" asks a share, not a number of days
        if (moved := _days_moved(figure.value, facts, relevance)) is None:
            return None
        fact, sign, result = moved
        step = f"{mine}{'−' if sign == '-' else '＋'}{num(fact.value or 0)}天＝{num(result)}天"
        return Finding(f"按资料的说法算，{step}{{0}}。", (fact,), (num(result),))
    named = _user_share(question)
    if named is not None:  # the user's own share; the article sentence stating it, when one does, is cited
        said = best(facts, relevance, lambda f: f.unit == "%" and f.value == named[0])
        if said is None:  # "赔九成的话": the article's payout share, when it is the one the user names
            said = _payout_share(question, facts, relevance, lambda f: f.unit == "%" and f.value == named[0])
        said = _as_share(said) if said is not None else None
        share, sign = named
        step, result = _worked(mine, figure.value, share, _asked_sign(question, sign), unit)
        return Finding(f"按{num(named[0])}%算，{step}{'{0}' if said else ''}。", (said,) if said else (), (result, "1"))
    is_share = lambda f: (f.unit == "%" and f.kind in ("percent", "threshold")  # noqa: E731
                          and f.value is not None and 0 < f.value <= 100)
    # a loss paid back is answered by the share the articles state for it, before a share sharing more words
    fact = _payout_share(question, facts, relevance, is_share) or best(facts, relevance, is_share)
    if fact is None or fact.value is None:
        return None
    fact = _as_share(fact)
    sign = _asked_sign(question, _fact_direction(fact))
    step, result = _worked(mine, figure.value, fact.value, sign, unit)
    if sign == "-" and _ASKS_PAID.search(question.text):  # both asked: the part paid, then the part left
        paid, paid_result = _worked(mine, figure.value, fact.value, "", unit)
        return Finding(f"按资料的{num(fact.value)}%算，能赔{paid}，自己承担{step}{{0}}。", (fact,), (paid_result, result, "1"))
    whole = "不是全额：" if _ASKS_WHOLE.search(question.text) and fact.value < 100 else ""
    return Finding(f"{whole}按资料的{num(fact.value)}%算，{step}{{0}}。", (fact,), (result, "1"))


def _days_moved(days: float, facts: list[Fact], relevance: Relevance) -> tuple[Fact, str, float] | None:
    """The article's days gained or lost ("快11天") applied to the user's days: the fact, its sign, the result."""
    fact = best(facts, relevance, lambda f: f.unit == "天" and f.value is not None and bool(_fact_direction(f)))
    if fact is None or fact.value is None:
        return None
    sign = _fact_direction(fact)
    result = days - fact.value if sign == "-" else days + fact.value
    return (fact, sign, result) if result > 0 else None


def _as_share(fact: Fact) -> Fact:
    """The article's figure applied as a share of the user's amount, not held against it as a line
    ("成功减少80%的损失" is read as a threshold, yet 500万 at it is 400万, no verdict on 500万)."""
    return replace(fact, kind="percent") if fact.kind == "threshold" else fact


def _payout_share(question: Question, facts: list[Fact], relevance: Relevance, is_share) -> Fact | None:
    """The article's share of a loss paid, for a question asking what the insurer pays back on the user's loss.

    "能赔多少" shares no word with "能覆盖约90%的应收账款损失", yet that sentence answers it; a share of
    something else (of firms, of bad debts) never does, hence the marking words the sentence must carry.
    """
    amounts = [f for f in question.figures if f.unit in _AMOUNT_UNITS]
    if "duration" in question.kinds or not amounts or not any(w in question.text for w in words("payout_asks")):
        return None  # a loss is money: "一家矿场" counts no loss, "多少天内交索赔材料" asks no sum
    marks = words("payout_shares")
    shares = [(n, f) for n, f in enumerate(facts) if is_share(f) and f.kind == "percent"
              and any(m in f.sentence for m in marks)]
    if not shares:
        return None
    # the share most articles state; then the sentence with the earliest marking word (the lexicon lists the
    # plain statement of cover before a case told in passing), the most relevant, the first
    counts = {f.value: sum(g.value == f.value for _, g in shares) for _, f in shares}
    rank = lambda f: min(n for n, m in enumerate(marks) if m in f.sentence)  # noqa: E731
    return max(shares, key=lambda s: (counts[s[1].value], -rank(s[1]), relevance(s[1]), -s[0]))[1]


def _apply_english(question: Question, facts: list[Fact], relevance: Relevance) -> Finding | None:
    """:func:`apply` for an English question ("owes us 500k, covered at 90%, how much do we get back"): the sum
    written out in English with the result first ("450,000: 500,000 × 90%")."""
    text = question.text
    if question.dates or question.compares_own_figures or not _EN_ASKS_AMOUNT.search(text):
        return None
    found = _english_amount(question)
    if found is None:
        return None
    figure, unit = found
    if unit == "天":
        if (moved := _days_moved(figure.value, facts, relevance)) is None:
            return None
        fact, sign, result = moved
        lead = f"{num(result)} days: {num(figure.value)} {'−' if sign == '-' else '+'} {num(fact.value or 0)} days{{0}}."
        return Finding(lead, (fact,), (num(result), num(figure.value)))
    shares = [f for f in question.figures if f.unit == "%"]
    if len(shares) > 1:
        return None  # "from 5.7% down to 1.2%": which share applies is not plain
    if shares:  # the user's own share; the article sentence stating it, when one does, is cited
        share, sign = shares[0].value, _direction(text, shares[0].at, english=True)
        said = best(facts, relevance, lambda f: f.unit == "%" and f.value == share)
    else:
        is_share = lambda f: (f.unit == "%" and f.kind in ("percent", "threshold")  # noqa: E731
                              and f.value is not None and 0 < f.value <= 100)
        # English words share nothing with a Chinese fact: a name the article writes as the user does
        # ("2/10 Net 30", "DSO") finds its figure when no glossary term does
        said = best(facts, relevance, is_share) or max(
            (f for f in facts if is_share(f) and named_count(f.sentence, text)),
            key=lambda f: named_count(f.sentence, text), default=None)
        if said is None or said.value is None:
            return None
        share, sign = said.value, _fact_direction(said) or _discount(said)
    said = _as_share(said) if said is not None else None
    if sign == "-" and _EN_ASKS_CUT.search(text):
        sign = ""  # what is saved is the cut itself
    elif not sign and _EN_ASKS_REST.search(text):
        sign = "-"  # the part a share leaves over
    factor = 1 - share / 100 if sign == "-" else 1 + share / 100 if sign == "+" else share / 100
    scale = 10_000 if unit.startswith("万") else 100_000_000
    currency = unit[1:]
    mine, result = _money(figure.value * scale, currency), _money(figure.value * scale * factor, currency)
    sum_ = f"{mine} × (1 {'−' if sign == '-' else '+'} {num(share)}%)" if sign else f"{mine} × {num(share)}%"
    lead = f"{result}: {sum_}{'{0}' if said else ''}."
    return Finding(lead, (said,) if said else (), (result, mine, num(share), "1"))


def _english_amount(question: Question) -> tuple[Figure, str] | None:
    """The user's one amount in an English question: money (read as 万 by ``typed_amounts``, with a currency
    code after it) or a number of days; money comes first when both are given ("200k invoice, pay within 10
    days"), and a change quoted from the article is no amount of the user's."""
    text = question.text
    money, days = [], []
    for figure in question.figures:
        end = _end(text, figure)
        if figure.unit in _AMOUNT_UNITS:
            currency = _EN_CURRENCY.match(text, end + 1)
            money.append((figure, figure.unit + (currency.group(1).upper() if currency else "")))
        elif not figure.unit and _EN_DAYS.match(text, end):
            days.append((figure, "天"))
    found = money or days
    if len(found) > 1:
        found = [(f, u) for f, u in found if not _direction(text, f.at, english=True)]
    return found[0] if len(found) == 1 else None


def _discount(fact: Fact) -> str:
    """"-" for a share named as a discount ("享2%折扣": the amount less it), else ""."""
    at = fact.sentence.find(num(fact.value or 0) + fact.unit)
    return "-" if at >= 0 and fact.sentence[at:at + 8].find("折扣") >= 0 else ""


def _money(value: float, currency: str) -> str:
    """An amount in English digits ("1,200,000"), with the user's currency code after it."""
    written = f"{value:,.2f}".rstrip("0").rstrip(".") if round(value, 2) != int(value) else f"{int(round(value)):,}"
    return f"{written} {currency}" if currency else written
