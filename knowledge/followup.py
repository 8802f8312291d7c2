"""Follow-up questions: deciding that a message leans on the previous turn, and making it self-contained.

"那需要准备什么材料?" after a claims question means "理赔需要准备什么材料"; the retriever gets the
previous turn's topic together with the new message, and the composer weighs the new message first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.questions import asks_list, asks_step
from knowledge.scope import DOMAIN_TERMS, has_domain_term

_LEAD = re.compile(
    r"^(?:(?:那么|那|还有|另外|此外|然后|它们|它|这个|这种|那个|这些|那些|其(?![次他它中余实])|该|同样|如果是|要是|"
    r"ok(?:ay)?\b|so\b|and\b|also\b|what about|how about|then\b)[\s，,、]*)+",
    re.IGNORECASE,
)
# "DSO呢…", "战争呢": a subject put in the place of the previous one ("what about X"), the rest of the question kept
_WHAT_ABOUT = re.compile(r"^[^\s，,。？?呢]{1,8}呢")
_SUPPOSING = re.compile(r"如果|要是|假如|假设|万一|if\b", re.IGNORECASE)
_PRONOUN = re.compile(r"(它|这个|那个|这种|这些|那些|上面|刚才|前面|其中|类似)")
# the user's own figure or date, then a question leaning on the earlier one ("10月20号知道的 那最晚几号",
# "拖了120天了呢"): a message that names nothing of the domain and gives only the new figure
_GIVES_AND_ASKS = re.compile(r"\d.*(?:[\s，,。]那|呢)")
SHORT = 10
MAX_TOPIC_CHARS = 120


@dataclass(frozen=True)
class Resolved:
    """A message ready for retrieval.

    Attributes:
        focus: the message itself, without a leading ``那/还有``.
        context: the earlier topic it leans on ("" when self-contained).
        query: what the retriever searches for.
        topic: what to remember as this turn's topic.
    """

    focus: str
    context: str
    query: str
    topic: str


def is_elliptical(message: str) -> bool:
    """True when the message only makes sense with the previous turn.

    It starts with 那/那么/还有/它/这个 (or an English "what about") and what follows is no whole question of
    its own, or it opens with a subject and 呢 ("DSO呢…"), or it is very short, points back with a pronoun or gives
    a figure and then asks on ("…那最晚几号") or asks a step ("第一步做完了，那第二步呢"), and in the last
    four cases it names nothing of the domain itself.
    """
    text = message.strip()
    lead = _LEAD.match(text)
    if lead:
        return bool(_SUPPOSING.search(lead.group())) or not _stands_alone(text[lead.end():])
    if _WHAT_ABOUT.match(text):
        return True
    if has_domain_term(text):
        return False
    # a step asked with no subject ("第一步做完了，那第二步呢") is a step of the procedure just told
    return (_length(text) <= SHORT or bool(_PRONOUN.search(text)) or bool(_GIVES_AND_ASKS.search(text))
            or asks_step(text))


def _length(text: str) -> int:
    """How long a message reads, in Chinese characters: a number counts one, an English word two (it carries about
    what a two-character Chinese word does), so "DSO 是多少" is no longer than "周转天数是多少"."""
    return sum(2 if w[0].isascii() and w[0].isalpha() else 1
               for w in re.findall(r"[A-Za-z]+|\d+(?:\.\d+)?|[^\W\d_A-Za-z]", text))


def _stands_alone(rest: str) -> bool:
    """What follows a leading 那/还有 is a whole question of its own: longer than a short follow-up or asking a
    list ("哪些情况不赔"), naming the domain, pointing back at nothing and supposing nothing about the previous
    case ("如果…")."""
    return ((_length(rest) > SHORT or asks_list(rest)) and has_domain_term(rest) and not _PRONOUN.search(rest)
            and not _SUPPOSING.match(rest.strip()))


def resolve(message: str, previous_topic: str | None, *, surface: str | None = None) -> Resolved:
    """The self-contained form of ``message`` given the previous turn's topic (if any).

    Args:
        message: the normalised message (it may carry added synonym terms).
        previous_topic: the topic of the previous answered turn, or None.
        surface: the user's own words without added terms; ellipsis is judged on them
            ("需要哪些材料" is short even when "文件 资料 凭证" were appended for retrieval).
    """
    text = message.strip()
    if not previous_topic or not is_elliptical((surface or text).strip()):
        return Resolved(focus=text, context="", query=text, topic=text[-MAX_TOPIC_CHARS:])
    focus = _LEAD.sub("", text, count=1).strip() or text
    context = previous_topic
    if (subject := _WHAT_ABOUT.match(focus)) and has_domain_term(subject.group()):
        context = _without_subjects(previous_topic)  # "DSO呢" after a 流动比率 question: DSO's, not 流动比率's
    query = f"{context} {focus}"
    return Resolved(focus=focus, context=context, query=query, topic=query[-MAX_TOPIC_CHARS:])


def _without_subjects(topic: str) -> str:
    """The earlier topic without the domain terms it named (longest first): what it asked, for a new subject."""
    for term in sorted(DOMAIN_TERMS, key=len, reverse=True):
        topic = re.sub(re.escape(term), " ", topic, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", topic).strip()
