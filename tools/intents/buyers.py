"""Reading a buyer question: the buyers it names (from the directory's hits, an id or a name typed), what it asks
of them (record fields, ledger figures, a verdict on selling on credit) and the ledger's date and period."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from tools.dates import find_dates, find_range, without_dates
from tools.intents.request import CJK, KNOWLEDGE_MARKERS, ToolRequest
from tools.names import PLAUSIBLE, SURE, Hit, may_be_a_name
from tools.numbers import parse_period_days
from tools.postags import tag

BUYER_ID = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2}\d{4})(?![A-Za-z0-9])")
USCC = re.compile(r"(?<![0-9A-Z])([0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10})(?![0-9A-Z])")
LEDGER_WORDS = re.compile(
    r"DSO|账龄|逾期|应收|回款|欠|余额|的账|receivables?|overdue|ag(?:e)?ing|\bowes?\b|\bowing\b", re.IGNORECASE
)
LOOKUP_STRONG = re.compile(
    r"信用评分|信用分|查一下|查一查|查下|查查|查询|帮我查|帮我看看|给我看看|credit score|look ?up", re.IGNORECASE
)
LOOKUP_WEAK = re.compile(
    r"评分|评级|信用等级|风险等级|资信|信用怎么样|信用咋样|信用如何|信用状况|信用情况|靠谱吗|可靠吗|额度(?:是|有)?多少|限额(?:是|有)?多少|信用额度|多少额度|额度有多少|rating",
    re.IGNORECASE,
)
BUYER_WORDS = re.compile(r"买家|客户|buyer|customer", re.IGNORECASE)
# A buyer question without a name asks which buyer only when it is about a buyer; "公司" alone may be the
# insurer or the user's own company ("你们公司的评级是多少").
BUYER_NOUN = re.compile(r"买家|客户|这家|那家|该公司|该企业|buyer|customer|this company", re.IGNORECASE)
# A bare message that is only a company name ends with its legal form.
NAME_ENDING = re.compile(
    r"(?:有限公司|有限责任公司|股份公司|公司|集团|厂|商行|\bco\.?,?\s*ltd\.?|\bltd\.?|\bllc|\bgmbh|\binc\.?|\bcorp\.?)$",
    re.IGNORECASE,
)
NOT_A_NAME = re.compile(r"^(?:你们|我们|贵|本|我司|咱们)|[吗呢么哪能]|什么|可以|怎|多少|几家", re.IGNORECASE)
# A question word left over once the question's other words are gone: a sentence, not a name.
QUESTION_WORD = re.compile(r"[吗呢哪]|什么|怎|几[个家种档类]|多(?:久|长时间|长)")  # no trade name asks how long
# An English leftover holding a question word or a person ("a in kenya what should we") is a question, not a name.
QUESTION_WORD_EN = re.compile(r"\b(?:what|which|who|why|when|where|how|should|could|would|can|we|our|you|i)\b",
                              re.IGNORECASE)
# An English leftover about firms in general ("average companies in Germany", "typical firms"): a group or a
# norm asked of many, as 几家 and 一般是 are in Chinese, never one trade name (a legal form still makes it one).
GENERAL_FIRMS_EN = re.compile(r"\b(?:companies|firms|businesses|enterprises|average|typical|normal|usual)\b",
                              re.IGNORECASE)
QUOTED_NAME = re.compile(r"[“\"「『《]([^”\"」』》]{2,60})[”\"」』》]")
# "超过90天的账", "90天以上": an ageing bucket, not the period of a ledger question.
AGING_PHRASE = re.compile(r"(?:超过|逾期)\s*\d+\s*天|\d+\s*天(?:以上|以下|以内)|\d+\s*(?:[-–~到至]\s*\d+\s*)天")
LEGAL_FORM = re.compile(r"公司|集团|有限|股份|厂|\bco\b|ltd|gmbh|llc|inc\b|\bpt\b|corp", re.IGNORECASE)
COMPANY_LIKE = re.compile(r"公司|有限|集团|厂|商行|贸易|进出口|\bco\b|ltd|gmbh|llc|inc\b|\bpt\b|corp", re.IGNORECASE)
NOT_A_BUYER_QUESTION = re.compile(
    r"投保|承保|保单|保费|理赔|赔付|索赔|还能|能否|低的|高的|哪家保险|保险公司|平均|行业|正常|合理|合适|高吗|长吗|算高|算长|"
    r"关系|区别|差别|差异|"
    r"\d+\s*%"
)
PERIOD_PHRASE = re.compile(
    r"(?:过去|最近|近)?\s*(?:\d+|[一二两三四五六七八九十百]+)\s*(?:个)?\s*(?:天|日|个月|周)|[上本这今一每]?个?季度|半年|[一全]年|"
    r"上个月|本月|这个月|截至|截止|以来|期间"
)
# What else a follow-up that changes only the ledger's date or period says ("换成6月30号呢", "and over 60 days?").
WINDOW_ONLY = re.compile(
    r"那么?|换成|改成|改为|如果|要是|再|按|算|口径|的|呢|吧|看看?|"
    r"\b(?:and|what|how|about|as|of|at|over|for|the|a|past|last|instead|then|days?|months?|period)\b|[\d\s？?，,。！!]",
    re.IGNORECASE,
)
_FILLER = sorted(
    [
        "帮我看看", "帮我查一下", "帮我查查", "帮我查", "帮忙查", "查一下", "查查", "查询", "看一下", "看看", "帮我", "帮忙",
        "麻烦", "请问", "请", "一下", "现在", "目前", "当前", "最近", "的", "是", "多少", "几天", "多少天", "多少个月", "怎么样", "如何",
        "情况", "状况", "和", "与", "及", "买家", "客户", "企业", "信用", "吗", "呢", "啊", "呀", "了", "账上", "一共",
        "总共", "还", "逾期", "账龄", "应收账款", "应收", "回款", "欠款", "评分", "信用分", "分数", "评级", "等级",
        "风险", "资信", "额度", "限额", "靠谱", "可靠", "帮我查下", "查一查", "查下", "给我看看", "看下", "余额",
        "分析", "有没有", "咋样", "欠我们", "欠", "多少钱", "能给", "这个", "一个", "一家", "的账", "有多少", "超过",
    ],
    key=len,
    reverse=True,
)
_FILLER_EN = re.compile(
    r"\b(?:what(?:'s| is)|the|of|for|check|look ?up|buyer|customer|please|credit|score|rating|receivables?|"
    r"overdue|aging|ageing|dso|and|how|is|about|show|me|much|does|do|owes?|owing|us|amount|their|its|limit|"
    r"at|as|by|over|\d+[- ]?days?|period)\b",  # "… at 9/30, 90-day DSO": a date's and a period's words
    re.IGNORECASE,
)
# Which fields of a buyer's record a question asks for (the reply states them first).
BUYER_FIELDS = {
    "credit_limit": re.compile(r"额度|限额|授信|\blimit\b", re.IGNORECASE),
    "grade": re.compile(
        r"评级|等级|评分|信用分|分数|风险(?:大|高|低|小)|(?:谁|哪)\S{0,3}风险|\bgrade\b|rating|\bscore\b|riskier", re.IGNORECASE
    ),
    "status": re.compile(r"状态|破产|倒闭|经营|status|insolven|bankrupt", re.IGNORECASE),
    "avg_days_late": re.compile(
        r"晚付|晚\S{0,2}几天|拖\S{0,2}几天|平均\S{0,4}(?:晚|迟|拖|逾期)|付款\S{0,3}(?:慢|晚|准时|及时)|"
        r"(?:几|多少)天才?(?:付|还|结)|days? late|pays? late",
        re.IGNORECASE,
    ),
    "country": re.compile(r"国家|哪国|\bcountry\b", re.IGNORECASE),
}
# Which ledger figures a question asks for (the reply states them first).
LEDGER_ASKS = {
    "dso": re.compile(r"DSO|周转天数|回款天数|days sales outstanding", re.IGNORECASE),
    "overdue": re.compile(r"逾期|过期|overdue|past due", re.IGNORECASE),
    "aging": re.compile(r"账龄|\d+\s*[-–~到至]\s*\d+\s*天|\d+\s*天以上|超过\s*\d+\s*天|ag(?:e)?ing|bucket", re.IGNORECASE),
    "ar": re.compile(r"应收|欠|余额|未收|receivables?|\bowes?\b|\bowing\b|outstanding", re.IGNORECASE),
}
# Whether to keep selling on credit to one buyer: the record judged, answer first.
CREDIT_DECISION = re.compile(
    r"赊(?:销|货|账|给)|放账|账期|发货|供货|出货|keep selling|sell\b.*\bon credit|extend credit|give .*credit",
    re.IGNORECASE,
)
# "几家", "多少家": a count of firms, so about buyers in general, not the one looked up last.
COUNTS_FIRMS = re.compile(r"(?:几|多少)\s*家")
# Asking where a metric's line lies rather than one buyer's figure: "超过多少", "多少算", "警戒线", "标准是".
ASKS_A_NORM = re.compile(r"(?:超过|高于|低于|达到|到了?)(?:多少|几)|多少(?:算|以上|以下|为宜|合适)|警戒|警惕|标准|一般(?:是|在|为)")
# A follow-up pointing back at the last buyer looked up.
BUYER_REFERENCE = re.compile(
    r"它|他们|他家|她家|这家|那家|该公司|该企业|该买家|该客户|这个客户|这种客户|这位|这个买家|"
    r"\b(?:this|that) (?:buyer|customer|company)\b|\bthey\b|\btheir\b|\bthem\b|\bit\b",
    re.IGNORECASE,
)


def buyer_by_name(text: str, today: date | None = None) -> ToolRequest | None:
    """A lookup or ledger request about a buyer the message names (or a bare company name); ``None`` if none.

    ``today``: what relative dates ("上月底") are read against (default: the real today)."""
    lookup = bool(LOOKUP_STRONG.search(text) or LOOKUP_WEAK.search(text))
    ledger = bool(LEDGER_WORDS.search(text))
    if KNOWLEDGE_MARKERS.search(text) or NOT_A_BUYER_QUESTION.search(text):
        return None
    if not (lookup or ledger):
        bare = text.strip("？?。！! ")
        if NAME_ENDING.search(bare) and not NOT_A_NAME.search(bare) and 4 <= len(bare) <= 60 and (
            CJK.search(bare) or len(bare.split()) >= 2
        ):
            return ToolRequest("buyer_lookup", {"query": bare})  # a bare company name: look it up
        return None
    name = buyer_name(text)
    tool = "buyer_receivables" if ledger and not lookup else "buyer_lookup"
    if not name:
        if BUYER_NOUN.search(text) and lookup:
            return ToolRequest("clarify_buyer", {"then": tool}, ["buyer"])
        return None
    if (CJK.search(name) and len(name.split()) > 2) or len(name) > 60:
        return None  # what is left is a sentence, not a trade name
    legal = bool(QUOTED_NAME.search(text) or _has_legal_form(name))
    if CJK.search(name) and not legal and (QUESTION_WORD.search(name) or not may_be_a_name(name)):
        return None  # a question, or only common words, left ("一般", "有几家"): about buyers in general
    if not CJK.search(name) and not legal and (QUESTION_WORD_EN.search(name) or GENERAL_FIRMS_EN.search(name)):
        return None  # what is left of an English question is the question ("a buyer in X is late, what should we do")
    # "not found" only when the user clearly names a buyer (an id is handled above, a quoted or legal name
    # here) or asks about one in so many words; otherwise the name must match the ledger, and an unknown
    # name (an insurer, a bank, a stray phrase ...) goes to the knowledge core.
    plausible = len(name.split()) == 1 or not CJK.search(name)
    strong = legal or plausible and bool(
        LOOKUP_STRONG.search(text) or BUYER_WORDS.search(text)
    )
    window = ledger_window(text, today) if tool == "buyer_receivables" else {}
    return ToolRequest(tool, {"query": name, **window}, strong=strong)


def _has_legal_form(name: str) -> bool:
    """A Chinese name ends a word with its legal form ("恒丰化工有限公司", not "公司倒了"); a Latin one has it anywhere."""
    if not CJK.search(name):
        return bool(LEGAL_FORM.search(name))
    return any(NAME_ENDING.search(word) for word in name.split())


def buyer_cue(text: str) -> bool:
    """The message is plainly about a buyer: it asks to look one up, for its ledger or record, or points at one."""
    return bool(
        LOOKUP_STRONG.search(text) or LOOKUP_WEAK.search(text) or LEDGER_WORDS.search(text)
        or BUYER_NOUN.search(text) or BUYER_REFERENCE.search(text) or CREDIT_DECISION.search(text)
        or any(p.search(text) for p in BUYER_FIELDS.values())
    )


def named_buyers(text: str, hits: list[Hit]) -> list[list[str]]:
    """The buyers a message names, from the directory's hits: one group of ids per name typed.

    A group with several ids is a name that fits several buyers equally (the user picks one). A hit
    counts when it is sure and the message reads as a question about it, or plausible and the message
    is plainly about a buyer; once one name is sure, weaker hits are parts of it, not other buyers.
    """
    cue = buyer_cue(text)
    asks = _asks_about_a_buyer(text)

    def counts(hit: Hit) -> bool:
        if hit.alone and _runs_on(text, hit):
            return False
        short = len(re.sub(r"[\s？?。！!]+", "", text[: hit.span[0]] + text[hit.span[1] :])) <= 4  # the name, barely more
        if hit.score >= 0.9:
            return True
        if hit.score >= SURE and hit.alone:  # a trade name alone may be a common word ("长城", "光明")
            return asks or short or (cue and (not KNOWLEDGE_MARKERS.search(text) or asks_credit_decision(text)))
        if hit.score >= SURE:
            return cue or short or not KNOWLEDGE_MARKERS.search(text)
        return hit.score >= PLAUSIBLE and asks

    kept = [h for h in hits if counts(h)]
    if any(h.score >= SURE for h in kept):
        kept = [h for h in kept if h.score >= SURE]
    groups: list[tuple[Hit, list[str]]] = []
    for hit in kept:  # best first
        overlapping = [g for g in groups if hit.span[0] < g[0].span[1] and g[0].span[0] < hit.span[1]]
        if not overlapping:
            groups.append((hit, [hit.buyer_id]))
        elif hit.score >= overlapping[0][0].score - 0.05 and overlapping[0][0].score < 1.0:
            overlapping[0][1].append(hit.buyer_id)
    return [ids for _, ids in sorted(groups, key=lambda g: g[0].span[0])]


def _asks_about_a_buyer(text: str) -> bool:
    """Asked in so many words: look one up, its record's fields, or "this/that one"."""
    return bool(
        LOOKUP_STRONG.search(text) or LOOKUP_WEAK.search(text) or BUYER_REFERENCE.search(text)
        or any(p.search(text) for p in BUYER_FIELDS.values())
    )


def _runs_on(text: str, hit: Hit) -> bool:
    """The trade name runs on into another word: a longer word ("X县", an idiom) or another business ("X银行")."""
    start, end = hit.span
    at = 0
    for word, flag in tag(text):
        if at == start and at + len(word) > end:
            return word not in hit.body
        if at == end:  # the word right after the trade name: another business ("X银行"), or a place ("X以外")
            noun = flag.startswith("n") and word not in hit.body and not buyer_cue(word)
            return bool(CJK.match(word)) and (noun or flag == "f")
        at += len(word)
    return False


def buyer_request(text: str, buyers: list[list[str]], today: date | None = None) -> ToolRequest:
    """What to tell about the ``buyers`` a message names (or points back at): record fields, ledger or a verdict."""
    asked = {name: pattern.search(text) for name, pattern in BUYER_FIELDS.items()}
    fields = sorted((name for name, m in asked.items() if m), key=lambda name: asked[name].start())
    ledger = _asks_ledger(text)
    decision = asks_credit_decision(text)
    if ledger and not fields:  # "查一下X的应收": the ledger; "X的评分和逾期": the record
        asks = [name for name, pattern in LEDGER_ASKS.items() if pattern.search(text)]
        return ToolRequest("buyer_receivables", {"buyers": buyers, "asks": asks, **ledger_window(text, today)})
    return ToolRequest("buyer_lookup", {"buyers": buyers, "fields": fields, "decision": decision})


def _asks_ledger(text: str) -> bool:
    return bool(LEDGER_WORDS.search(BUYER_FIELDS["avg_days_late"].sub(" ", text)))


def asks_credit_decision(text: str) -> bool:
    """Whether to keep selling on credit to one buyer (not its ledger)."""
    return bool(CREDIT_DECISION.search(text)) and not _asks_ledger(text)


def refers_to_buyer(text: str) -> bool:
    """A follow-up about the last buyer looked up: it points back at it, or is a short question for its figures."""
    if COUNTS_FIRMS.search(text):
        return False
    if BUYER_REFERENCE.search(text):
        return bool(
            LEDGER_WORDS.search(text) or CREDIT_DECISION.search(text) or LOOKUP_WEAK.search(text)
            or any(p.search(text) for p in BUYER_FIELDS.values())
        )
    if KNOWLEDGE_MARKERS.search(text) or BUYER_WORDS.search(text) or _length(without_dates(text)) > 12:
        return False  # a question of its own, or about buyers in general ("客户欠款该找谁"); a date typed is no topic
    if ASKS_A_NORM.search(text):
        return False  # where a metric's line lies ("逾期率过了几成算危险") is the articles' question, for any buyer
    return bool(
        LEDGER_WORDS.search(text) or CREDIT_DECISION.search(text) or any(p.search(text) for p in BUYER_FIELDS.values())
    )


def _length(text: str) -> int:
    """How long a message reads: a Chinese character, a Latin word or a number counts one; an ageing bucket
    ("31到60天", "90天以上") counts as one word too."""
    return len(re.findall(r"[A-Za-z]+|\d+(?:\.\d+)?|[^\W\d_A-Za-z]", AGING_PHRASE.sub("账龄", text)))


def without_aging(text: str) -> str:
    """``text`` without its ageing buckets ("逾期31到60天的"), whose day counts are no amounts of a calculation."""
    return AGING_PHRASE.sub(" ", text)


def window_change(text: str, today: date | None = None) -> dict[str, Any]:
    """The ledger window of a follow-up that says nothing but a new date or period ("那上月底呢"); ``{}`` otherwise."""
    window = ledger_window(text, today)
    rest = WINDOW_ONLY.sub("", PERIOD_PHRASE.sub("", without_dates(text)))
    return window if window and not rest else {}


def ledger_window(text: str, today: date | None = None) -> dict[str, Any]:
    """``as_of`` (the first date typed, however written: :mod:`tools.dates`) and ``period_days`` (a period
    phrase) of a ledger question; relative dates ("上月底") are read against ``today``. A span of days typed
    ("7月1日到9月30日") is both: as of its last day, over its length unless a period is named too."""
    window: dict[str, Any] = {}
    dates = find_dates(text, today)
    span = find_range(text, today)
    if span:
        window["as_of"] = span[1].isoformat()
    elif dates:
        window["as_of"] = dates[0].day.isoformat()
    period = parse_period_days(AGING_PHRASE.sub(" ", text)) or (span and (span[1] - span[0]).days + 1)
    if period:
        window["period_days"] = period
    return window


def buyer_name(text: str) -> str:
    """What is left of a buyer question once the question words are gone ("华信的信用评分" -> "华信")."""
    quoted = QUOTED_NAME.search(text)
    if quoted:
        return quoted.group(1).strip()
    spaced = [p for p in re.split(r"\s+", text) if CJK.search(p) and COMPANY_LIKE.search(p) and len(p) > 3]
    if len(spaced) == 1:
        text = spaced[0]
    text = PERIOD_PHRASE.sub(" ", without_dates(AGING_PHRASE.sub(" ", text)))
    text = _FILLER_EN.sub(" ", text)
    text = re.sub(r"这家|该|这个|那家|这位|^那么?|我们|我司|咱们|你们|他们|DSO", " ", text, flags=re.IGNORECASE)
    for word in _FILLER:  # none of these occurs inside a legal suffix such as "有限公司"
        text = text.replace(word, " ")
    text = re.sub(r"[？?。！!，,、；;：:“”\"'（）()]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return "" if text in ("公司", "企业", "这家公司") else text
