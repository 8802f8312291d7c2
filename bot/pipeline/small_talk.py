"""Step: greetings, empty questions and prompt-injection attempts get a prompt for a concrete question."""

from __future__ import annotations

import logging

from bot.messages import Reply
from bot.pipeline.knowledge import is_small_talk
from bot.pipeline.texts import GREETING, INJECTION, clarify
from bot.pipeline.turn import TurnContext

logger = logging.getLogger(__name__)


class SmallTalkStep:
    """``clarify`` with example questions when nothing is left to answer once injected text is dropped."""

    def handle(self, turn: TurnContext) -> Reply | None:
        """The prompt for a concrete question, or None for a real question."""
        if turn.injected:
            logger.info("instruction-like text dropped from a question")
        if turn.question and not is_small_talk(turn.question):
            return None
        return clarify(turn, INJECTION if turn.injected else GREETING)
