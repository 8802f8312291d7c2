"""Refiner: the LLM agent (``CREDITBOT_LLM_MODE=agent``) answers with the retriever and the caller's tools;
any failure, timeout or ungrounded answer keeps the offline reply the answer steps gave."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from bot.messages import Reply
from bot.pipeline.turn import TurnContext

if TYPE_CHECKING:
    from bot.agent import Agent


class LLMAgent:
    """Runs :class:`bot.agent.Agent` within the time left of the caller's channel budget."""

    def __init__(self, agent: Agent) -> None:
        self.agent = agent

    def _budget(self, turn: TurnContext) -> float:
        return self.agent.budget_for(turn.session.caller) - (time.monotonic() - turn.started)

    def refine(self, turn: TurnContext, reply: Reply) -> Reply:
        """The agent's grounded reply, or the offline one."""
        caller = turn.session.caller
        return self.agent.answer(turn.message, turn.session, caller, reply, self._budget(turn)) or reply

    def stream(self, turn: TurnContext, reply: Reply) -> Iterator[str | Reply]:
        """The agent's checked text as it comes (the offline text after a break if it fails), then the reply."""
        yield from self.agent.stream(turn.message, turn.session, turn.session.caller, reply, self._budget(turn))
