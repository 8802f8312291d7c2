"""Step: a tool request (a calculation, a buyer) or the completion of one asked for earlier."""

from __future__ import annotations

from bot.messages import Reply
from bot.pipeline.turn import TurnContext
from bot.tool_routing import ToolRouter


class ToolStep:
    """Answers what the tool router recognises; passes everything else on."""

    def __init__(self, router: ToolRouter) -> None:
        self.router = router

    def handle(self, turn: TurnContext) -> Reply | None:
        """The tool's reply, remembering the message itself as the topic."""
        reply = self.router.handle(turn.message, turn.session)
        if reply is not None:
            turn.topic = turn.message
        return reply
