"""Follow-up questions: deciding that a message leans on the previous turn, and making it self-contained.

"那需要准备什么材料?" after a claims question means "理赔需要准备什么材料"; the retriever gets the
previous turn's topic together with the new message, and the composer weighs the new message first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.questions import asks_list
from knowledge.scope import has_domain_term

_LEAD = re.compile(
    r"^(那么|那|还有|另外|此外|然后|它们|它|这个|这种|那个|这些|那些|其|该|同样|如果是|要是|and|also|what about|how about|then)"
    r"[\s，,、]*",
    re.IGNORECASE,
)
_SUPPOSING = re.compile(r"如果|要是|假如|假设|万一|if\b", re.IGNORECASE)
_PRONOUN = re.compile(r"(它|这个|那个|这种|这些|那些|上面|刚才|前面|其中)")
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
    its own, or it is very short, points back with a pronoun or gives a figure and then asks on ("…那最晚几号"),
    and in the last three cases it names nothing of the domain itself.
    """
    text = message.strip()
    lead = _LEAD.match(text)
    if lead:
        return not _stands_alone(text[lead.end():])
    core = re.sub(r"[\W_]", "", text)
    if has_domain_term(text):
        return False
    return len(core) <= SHORT or bool(_PRONOUN.search(text)) or bool(_GIVES_AND_ASKS.search(text))


def _stands_alone(rest: str) -> bool:
    """What follows a leading 那/还有 is a whole question of its own: longer than a short follow-up or asking a
    list ("哪些情况不赔"), naming the domain, pointing back at nothing and supposing nothing about the previous
    case ("如果…")."""
    core = re.sub(r"[\W_]", "", rest)
    return ((len(core) > SHORT or asks_list(rest)) and has_domain_term(rest) and not _PRONOUN.search(rest)
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
    query = f"{previous_topic} {focus}"
    return Resolved(focus=focus, context=previous_topic, query=query, topic=query[-MAX_TOPIC_CHARS:])
