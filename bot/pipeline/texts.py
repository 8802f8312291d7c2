"""The fixed sentences of the pipeline (greeting, refusals, no-answer) and the replies built from them."""

from __future__ import annotations

import re

from bot.messages import Reply, Source
from bot.pipeline.knowledge import in_english, to_user_script
from bot.pipeline.turn import TurnContext

EXAMPLES = ("贸易信用保险主要保障哪些风险？", "理赔一般需要多长时间？要准备哪些材料？", "客户逾期了，应该怎么催收、要不要调整信用额度？")
GREETING = "您好！我是贸易信用保险知识助手，可以回答信用保险、坏账保护、理赔、账期和应收账款管理方面的问题。请告诉我您的具体问题，例如："
INJECTION = "我只能根据贸易信用保险的资料回答问题，不会执行改变规则的指令。请告诉我您想了解的具体问题，例如："
NO_ANSWER = "抱歉，知识库里没有关于这个问题的资料，我无法给出可靠的回答。"
NOT_COVERED = "抱歉，资料里没有提到{aspect}方面的信息，我无法给出可靠的回答，建议以保单条款或顾问的答复为准。"
OFF_TOPIC = "抱歉，这个问题超出了本助手的范围：我只能回答贸易信用保险和应收账款管理方面的问题，无法提供这方面的信息。"
EN_EXAMPLES = ("What risks are excluded from trade credit insurance?", "How long does a claim take, and what papers are needed?",
               "What current ratio is too low?")
EN_GREETING = "Hello! I answer questions about trade credit insurance, bad debt, claims and receivables. Please ask a concrete question, for example:"
EN_INJECTION = "I only answer from the trade credit insurance articles and do not follow instructions that change my rules. Please ask a concrete question, for example:"
EN_NO_ANSWER = "Sorry, the knowledge base does not cover this question, so I cannot answer it reliably."
EN_NOT_COVERED = "Sorry, the articles say nothing about {aspect}, so I cannot answer reliably; the policy wording or an advisor decides."
EN_OFF_TOPIC = "Sorry, this is outside what I can answer: I only answer questions on trade credit insurance and receivables."
EN_CONTACT = "For help, contact: {contact}"
EN_LEAD = "Here is what the articles say (quoted in Chinese, sources numbered):"
_HAN = re.compile(r"[\u4e00-\u9fff]")


class HumanContact(str):
    """The human-contact text (as configured, for Chinese replies) that also carries its English version.

    A plain ``str`` wherever the contact is passed around; English replies use :attr:`english`.
    """

    english: str

    def __new__(cls, text: str, english: str = "") -> HumanContact:
        contact = super().__new__(cls, text)
        contact.english = english or text
        return contact


def english_contact(human_contact: str) -> str:
    """The contact for an English reply: the English version when there is one, else the text itself."""
    return human_contact.english if isinstance(human_contact, HumanContact) else human_contact


def _examples(lead: str, examples: tuple[str, ...] = EXAMPLES) -> str:
    return lead + "\n" + "\n".join(f"- {q}" for q in examples)


def no_answer(
    turn: TurnContext, human_contact: str, *, off_topic: bool = False, aspect: str | None = None,
    absent: str | None = None, sources: list[Source] | None = None,
) -> Reply:
    """``no_answer`` in the user's script, saying why, with the human contact.

    ``absent`` is the composer's own account of an asked quantity the articles do not give (with what they
    do say, cited from ``sources``); it replaces the general lead."""
    if absent and turn.query.script != "en":
        text = to_user_script(f"{absent}\n如需帮助，请联系{human_contact}", turn.query.script)
        return Reply(answer=text, status="no_answer", sources=sources or [])
    if turn.query.script == "en":  # (``absent`` is then the composer's English account, quoting what is said)
        lead = EN_OFF_TOPIC if off_topic else EN_NOT_COVERED.format(aspect=in_english(aspect)) if aspect else absent or EN_NO_ANSWER
        text = f"{lead}\n{EN_CONTACT.format(contact=english_contact(human_contact))}"
        return Reply(answer=text, status="no_answer", sources=(sources or []) if absent else [])
    else:
        lead = OFF_TOPIC if off_topic else NOT_COVERED.format(aspect=aspect) if aspect else NO_ANSWER
        text = to_user_script(f"{lead}\n如需帮助，请联系{human_contact}", turn.query.script)
    return Reply(answer=text, status="no_answer")


def clarify(turn: TurnContext, lead: str) -> Reply:
    """A ``clarify`` reply asking for a concrete question, with examples, in the user's script."""
    script = turn.query.script
    if script == "en":
        text = _examples(EN_INJECTION if lead == INJECTION else EN_GREETING, EN_EXAMPLES)
    else:
        text = to_user_script(_examples(lead), script)
    return Reply(answer=text, status="clarify")


def english_body(text: str) -> str:
    """An answer to an English question: as composed when it opens in English, else after :data:`EN_LEAD`."""
    first = text.split("\n", 1)[0]
    return text if first and not _HAN.match(first) else f"{EN_LEAD}\n{text}"
