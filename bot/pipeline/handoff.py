"""Step: a user who asks for a person is handed off; while handed off, the bot stays quiet.

Runs first. A message asking for a person (or the widget's 联系人工 button, which sends one) opens a
hand-off on the :class:`~bot.handoff.desk.HandoffDesk` and answers ``status: "handoff"`` saying a person
will answer (outside office hours: later). Until an advisor closes it, every message of that session is
only recorded for the advisors (the desk keeps the newest) and answered ``handoff`` too.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

from bot.handoff.desk import HandoffDesk
from bot.handoff.hours import OfficeHours
from bot.handoff.notify import Notify
from bot.messages import Reply
from bot.pipeline.knowledge import to_user_script
from bot.pipeline.turn import TurnContext
from knowledge.lexicon import words

logger = logging.getLogger(__name__)

# Chinese ways of asking for a person. Each entry: the pattern, and why it is here. English ones are
# word lists of knowledge/lexicon.yaml (see _english_requests).
ASKS_FOR_PERSON: tuple[tuple[str, str], ...] = (
    (r"转(接)?人工", "the usual Chinese request: 转人工 / 转接人工"),
    (r"人工(客服|服务|坐席|座席)", "naming the human service desk: 人工客服 / 人工服务"),
    (r"(找|要|联系|接通?)(真人|人工)", "找真人 / 联系人工 (the widget's and Telegram's 联系人工 button sends this)"),
    (r"真人(客服|顾问)", "asking for a real advisor"),
)


def _english_requests() -> str:
    """English requests for a person, built from the lexicon's word lists (see ``person_request_verbs`` there)."""

    def either(section: str) -> str:
        return "|".join(r"\s+".join(map(re.escape, w.split())) for w in words(section))

    verbs, fillers, people = either("person_request_verbs"), either("person_fillers"), either("person_words")
    asked = rf"\b(?:{verbs})\s+(?:(?:{fillers})\s+){{0,4}}(?:{people})s?\b"  # "put me through to a real person"
    return rf"{asked}|\b(?:{either('person_phrases')})s?\b"  # "I need a real person"


_ASKS = re.compile("|".join([*(f"(?:{p})" for p, _ in ASKS_FOR_PERSON), _english_requests()]), re.IGNORECASE)
_AI = re.compile(r"人工智能")  # 人工 inside "artificial intelligence" is no request for a person

BUTTON_TEXT = "联系人工"
ACK = "好的，已为您转接人工，信用顾问会尽快在这里回复您。"
LATER = "好的，已为您转人工。现在是非工作时间（{hours}），信用顾问上班后会在这里回复您。"
HELD = "您的消息已转给信用顾问，请稍候。"
EN_ACK = "OK, a person from our advisory team will answer you here shortly."
EN_LATER = "OK, your request is with our advisors. It is outside office hours ({hours}); a person will reply here later."
EN_HELD = "Your message has been passed to an advisor."


def asks_for_person(text: str) -> bool:
    """True when ``text`` asks to talk to a person."""
    return _ASKS.search(_AI.sub("", text)) is not None


class HandoffStep:
    """Opens hand-offs, and keeps the bot quiet in a handed-off conversation."""

    def __init__(self, desk: HandoffDesk, hours: OfficeHours | None = None, notify: Notify | None = None) -> None:
        self.desk = desk
        self.hours = hours
        self.notify = notify

    def handle(self, turn: TurnContext) -> Reply | None:
        """A ``handoff`` reply while handed off or when the user asks for a person; else None."""
        session = turn.session
        english = turn.query.script == "en"
        if self.desk.is_open(session.id) and self.desk.touch(session.id, turn.message):
            return Reply(EN_HELD if english else to_user_script(HELD, turn.query.script), status="handoff")
        if not asks_for_person(turn.message):
            return None
        if self.desk.open(session.id, session.caller.channel, session.caller.user_hash, turn.message):
            logger.info("hand-off opened on channel %s", session.caller.channel)
            handoff = self.desk.get(session.id)
            if self.notify is not None and handoff is not None:
                try:
                    self.notify(handoff)
                except Exception:  # a notification never costs the user their reply
                    logger.exception("could not start the hand-off notification")
        return Reply(self._text(english, turn.query.script), status="handoff")

    def _text(self, english: bool, script: str) -> str:
        if self.hours is None or self.hours.is_open(datetime.now(UTC)):
            return EN_ACK if english else to_user_script(ACK, script)
        span = f"{self.hours.start:%H:%M}-{self.hours.end:%H:%M}"
        return EN_LATER.format(hours=span) if english else to_user_script(LATER.format(hours=span), script)
