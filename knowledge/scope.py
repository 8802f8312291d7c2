"""What a message is before it is answered: small talk, an injection attempt, off-topic, or a question.

Everything here works on normalised (Simplified, NFKC) text and is pure.
"""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.lexicon import uncovered_aspects, words
from knowledge.terms import query_terms

# Words that place a question inside trade credit / receivables management.
DOMAIN_TERMS = words("domain_terms")  # lexicon.yaml

# Topics the articles never cover; a question about them gets no_answer unless it is clearly
# also about trade credit.
OFF_TOPIC = words("off_topic")  # lexicon.yaml
# Consumer credit is never trade credit, whatever else the question says.
CONSUMER_CREDIT = words("consumer_credit")  # lexicon.yaml
_NOT_A_LINE = frozenset(words("not_insurance_lines"))  # lexicon.yaml
_LINE = re.compile(r"([\u4e00-\u9fff]{1,2})险")

_GREETING = re.compile(
    r"^(你好|您好|hi|hello|hey|嗨|哈喽|在吗|在不在|有人吗|早上好|下午好|晚上好|早|谢谢|多谢|感谢|thanks|thank you|好的|ok|okay|嗯|哦|再见|拜拜|bye)"
    r"[呀啊哦呢吗~～!！。.,，?？\s]*$",
    re.IGNORECASE,
)
_PUNCT_ONLY = re.compile(r"^[\W_]*$")

# Instruction-injection phrases. Matched per clause; a matching clause is dropped from the question.
_INJECTION = re.compile(
    r"(忽略|无视|忘记|忘掉|不要理会|别理会?|别管|不用管|不要管|抛开|跳过).{0,8}(指令|指示|提示|规则|设定|人设|身份|要求|说明|限制)"
    r"|你现在(必须|要|得|只能|是)|你(必须|只许|只能|只准|只可以)(说|回答|输出|回复)|从现在(起|开始)，?你"
    r"|请(直接)?(说|输出|回复)[“\"「]"
    r"|(系统|system).{0,4}(提示词|提示|prompt)|提示词|扮演|角色扮演|越狱|开发者模式"
    r"|ignore (all |any )?(the )?(previous|prior|above|earlier)|disregard|system prompt|your (instructions|prompt)"
    r"|you are now|you must (say|answer|reply)|pretend|jailbreak|developer mode|print your",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[^。！？!?\n.;；]+[。！？!?\n.;；]*")
# A request for the records in bulk (every buyer with its limit, as a file): the bot answers one named
# buyer at a time and never hands out its records wholesale. Both parts must be there: the whole set
# of records, and taking it away.
_WHOLE_SET = re.compile(r"(所有|全部|全量|批量|整个|每一?[家个]).{0,6}(买家|买方|客户|企业|公司|记录)|\b(all|every)\b.{0,12}\b(buyers?|customers?|clients?|records?)\b", re.I)
_TAKE_AWAY = re.compile(r"导出|下载|打包|列出|做成|发给我|给我|拷贝|复制|export|dump|download|spreadsheet|csv|excel", re.I)


def is_small_talk(text: str) -> bool:
    """True for greetings, thanks and punctuation-only input (``？？？``)."""
    stripped = text.strip()
    return not stripped or bool(_PUNCT_ONLY.match(stripped)) or bool(_GREETING.match(stripped))


def strip_injection(text: str) -> tuple[str, bool]:
    """The question without clauses that try to give the bot instructions, and whether any were found."""
    clauses = _CLAUSE.findall(text) or [text]
    kept = [c for c in clauses if not _INJECTION.search(c)]
    found = len(kept) != len(clauses)
    # a quoted phrase the injection wanted repeated may survive in its own clause: drop quoted text too
    cleaned = "".join(kept).strip()
    if found:
        cleaned = re.sub(r"[“\"「『][^”\"」』]*[”\"」』]", "", cleaned).strip()
        cleaned = re.sub(r"^(好了|好|ok|okay)[，,。.!！\s]*", "", cleaned, flags=re.IGNORECASE).strip()
        cleaned = re.sub(r"^(现在|那么|然后)[，,\s]*", "", cleaned).strip()
    return cleaned, found


def asks_bulk_export(text: str) -> bool:
    """True when the message asks for the stored records wholesale ("把全部客户的额度导出成表格")."""
    return bool(_WHOLE_SET.search(text) and _TAKE_AWAY.search(text))


def has_domain_term(text: str) -> bool:
    """True when the text names something of trade credit or receivables, in its own words or in the article
    words they stand for (lexicon search_synonyms: "哪些情况不赔" asks the 除外责任; "保不保" is no "不保")."""
    lowered = " ".join([text, *query_terms(text)[1]]).lower()
    return any(term.lower() in lowered for term in DOMAIN_TERMS)


def off_topic_marker(text: str) -> str | None:
    """The first off-topic marker in the text (say ``退税``), or None."""
    lowered = text.lower()
    for marker in OFF_TOPIC:
        if marker.lower() in lowered:
            return marker
    return None


def is_off_topic(text: str) -> bool:
    """True when the text names a topic the articles never cover and nothing that anchors it in trade credit.

    ``出口退税率`` is off topic although ``出口`` appears in the articles: an off-topic marker wins
    unless a strong domain term (坏账, 理赔, 信用保险 ...) is present too.
    """
    lowered = text.lower()
    if any(m in lowered for m in CONSUMER_CREDIT):
        return True
    marker = off_topic_marker(text)
    if marker is None:
        return False
    strong = [t for t in DOMAIN_TERMS if t not in ("客户", "付款", "评级", "额度", "货款") and t.lower() in text.lower()]
    return not strong


# Aspects of insurance a customer asks about that the articles may never mention: lexicon.yaml
# ``uncovered_aspects``. A question asking about one with no evidence in the articles is not answered.
_PAYOUT_WORDS = re.compile(r"赔|补偿|损失|坏账|欠|折扣|拿回|收回|追回|挽回|破产|逾期|催收")
# "多少钱 / 价格" ask for a price only when they are about the insurance or the service itself.
_PRICE_OF_COVER = re.compile(r"(保险|险|保单|投保|服务|方案|产品).{0,8}(多少钱|价格|价钱|什么价)|(多少钱|价格|价钱).{0,4}(保险|险|保单)")
# A buyer named earlier in the same clause owns what follows it: "买家跑路了电话也打不通" is about the buyer's
# phone, not an aspect of the policy.
_BUYERS_OWN = re.compile(r"买家|买方|客户|对方|债务人|欠款方|buyer|customer|debtor", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[，,。.！!？?；;\s]")


def _clause_before(text: str, end: int) -> str:
    """The part of ``text``'s clause that comes before position ``end``."""
    start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, end)), default=0)
    return text[start:end]


def aspects() -> tuple[tuple[str, re.Pattern[str], re.Pattern[str], bool], ...]:
    """The uncovered aspects of ``lexicon.yaml``: name, what asks about it, what would cover it, and whether it is
    an aspect of the buyer itself (a related-party buyer), asked in the clause that names the buyer."""
    return _compiled_aspects()


@lru_cache(maxsize=1)
def _compiled_aspects() -> tuple[tuple[str, re.Pattern[str], re.Pattern[str], bool], ...]:
    return tuple((a["name"], re.compile(a["asked"], re.IGNORECASE), re.compile(a["evidence"]), a.get("of_buyer") == "True")
                 for a in uncovered_aspects())


def of_buyer(aspect: str) -> bool:
    """True when ``aspect`` is one of the buyer itself, told in the story a question ends with: a final asking
    clause of the domain ("信用险赔吗") does not make it a mere aside."""
    return any(name == aspect and buyers for name, _, _, buyers in aspects())


def uncovered_aspect(question: str, corpus_text: str) -> str | None:
    """The aspect the question asks about that the articles never mention (say ``退保``), or None.

    A price word next to a payout word ("欠了100万能赔多少钱") asks about the claim, not the price,
    so the price aspect is skipped then.

    Args:
        question: the normalised question.
        corpus_text: all article text.
    """
    for name, asked, evidence, of_buyer in aspects():
        price = name.startswith("保费") and bool(_PRICE_OF_COVER.search(question))
        if not asked.search(question) and not price:
            continue
        if name.startswith("保费") and _PAYOUT_WORDS.search(question) and not re.search(r"保费|保险费|费率", question):
            continue
        said = asked.search(question)
        if said and said.group(0) in corpus_text:
            continue  # the articles use the very word the question asks about
        if said and not of_buyer and _BUYERS_OWN.search(_clause_before(question, said.start())):
            continue  # "客户的电话打不通": the buyer's phone, not the insurer's

        if not evidence.search(corpus_text):
            return name
    return None


def other_insurance_line(question: str, corpus_text: str) -> str | None:
    """A line of insurance the question names that the articles never do (say ``责任险``), or None.

    A word ``X险`` names a line of insurance unless the character before 险 makes it risk, danger or insurance
    as such (lexicon ``not_insurance_lines``). The line is known when the articles write it, short or in full
    (``信用险`` is the articles' ``信用保险``); another line (liability, motor, cargo, property) is not what
    trade-credit articles can answer, whatever its story shares with them.
    """
    if any(f"{name}险" in question or f"{name}保险" in question for name in _lines_of(corpus_text)):
        return None  # the articles' own line is named too: a comparison, or a company ("某某产险的信用险")
    for match in _LINE.finditer(question):
        name = match.group(1)
        if name[-1] in _NOT_A_LINE:
            continue
        name = name if name[0] not in _NOT_A_LINE else name[-1]
        if f"{name}险" not in corpus_text and f"{name}保险" not in corpus_text:
            return f"{name}险"
    return None


@lru_cache(maxsize=4)
def _lines_of(corpus_text: str) -> frozenset[str]:
    """The lines of insurance the articles name, by the two characters before (保)险 ("信用" of 信用保险)."""
    found = (m.group(1) for m in re.finditer(r"([\u4e00-\u9fff]{2})保?险", corpus_text))
    return frozenset(name for name in found if name[-1] not in _NOT_A_LINE and name[0] not in _NOT_A_LINE)
