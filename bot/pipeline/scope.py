"""Step: questions outside the domain, or about an aspect no article mentions, get ``no_answer``."""

from __future__ import annotations

from bot.messages import Reply
from bot.pipeline.knowledge import Library, is_off_topic
from bot.pipeline.texts import no_answer
from bot.pipeline.turn import TurnContext


class ScopeStep:
    """Refuses what the articles cannot support before anything is searched."""

    def __init__(self, library: Library, human_contact: str) -> None:
        self.library = library
        self.human_contact = human_contact

    def handle(self, turn: TurnContext) -> Reply | None:
        """``no_answer`` (off topic, or an uncovered aspect), or None to go on."""
        if is_off_topic(turn.question):
            return no_answer(turn, self.human_contact, off_topic=True)
        aspect = self.library.uncovered_aspect(turn.question)
        if aspect is not None:
            return no_answer(turn, self.human_contact, aspect=aspect)
        return None
