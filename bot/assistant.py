"""The assistant core: ``answer(message, session) -> Reply``, a list of steps run in order.

The answer steps (:mod:`bot.pipeline`) are tried in turn — tools, small talk and injection, scope,
retrieval and composition — and the first reply wins; refiners (an optional LLM rewrite) then rework
it. ``Settings.answer_steps`` chooses and orders them. A tool error that escapes a step becomes a
polite sentence here; it never aborts the reply.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from bot.llm import LLMLayer, build_llm
from bot.messages import Reply, Session, Turn
from bot.pipeline.catalogue import DEFAULT_STEPS, Parts, build_steps
from bot.pipeline.knowledge import Library, open_knowledge_base
from bot.pipeline.texts import HumanContact, no_answer
from bot.pipeline.turn import TurnContext
from bot.tool_routing import ToolRouter, build_tool_router
from tools.errors import ToolError
from tools.replies import UNAVAILABLE

if TYPE_CHECKING:
    from bot.agent import Agent
    from bot.config import Settings
    from bot.handoff.wiring import HandoffParts
    from bot.pipeline.curated import CuratedBook
    from knowledge.answering import Composer
    from knowledge.index import KnowledgeBase

logger = logging.getLogger(__name__)


class Assistant:
    """Answers messages within sessions by running the configured steps."""

    def __init__(
        self,
        knowledge: KnowledgeBase,
        *,
        tools: ToolRouter | None = None,
        human_contact: str,
        llm: LLMLayer | None = None,
        agent: Agent | None = None,
        steps: Sequence[str] = DEFAULT_STEPS,
        handoff: HandoffParts | None = None,
        curated: CuratedBook | None = None,
    ) -> None:
        self.library = Library(knowledge)
        self.human_contact = human_contact
        parts = Parts(self.library, human_contact, tools=tools, llm=llm, agent=agent, curated=curated, **(handoff or {}))
        self.answerers, self.refiners = build_steps(steps, parts)

    @property
    def composer(self) -> Composer:
        """The answer composer over the indexed chunks (built on first use)."""
        return self.library.composer

    def _respond(self, turn: TurnContext) -> Reply:
        for step in self.answerers:
            try:
                reply = step.handle(turn)
            except ToolError:
                logger.warning("a tool failed in %s", type(step).__name__, exc_info=True)
                return Reply(UNAVAILABLE)
            if reply is not None:
                return reply
        return no_answer(turn, self.human_contact)

    def _remember(self, turn: TurnContext, reply: Reply) -> None:
        turn.session.turns.append(
            Turn(question=turn.message, answer=reply.answer, status=reply.status, topic=turn.topic)
        )

    def answer(self, message: str, session: Session) -> Reply:
        """Answer one message and append the turn to ``session.turns``."""
        turn = TurnContext(message, session)
        reply = self._respond(turn)
        for refiner in self.refiners:
            reply = refiner.refine(turn, reply)
        self._remember(turn, reply)
        return reply

    def stream(self, message: str, session: Session) -> Iterator[str | Reply]:
        """Yield the answer in pieces (LLM tokens when configured), then the final :class:`Reply`.

        Every refiner but the last reworks the reply whole; the last one streams it.
        """
        turn = TurnContext(message, session)
        reply = self._respond(turn)
        for refiner in self.refiners[:-1]:
            reply = refiner.refine(turn, reply)
        if not self.refiners:
            yield reply.answer  # complete already: one piece, no make-believe streaming
        else:
            for item in self.refiners[-1].stream(turn, reply):
                if isinstance(item, Reply):
                    reply = item
                else:
                    yield item
        self._remember(turn, reply)
        yield reply


def build_assistant(
    settings: Settings, knowledge: KnowledgeBase | None = None, curated: CuratedBook | None = None
) -> Assistant:
    """The assistant the settings describe: knowledge base, tools, optional LLM layer or agent, curated answers
    (the console's, when given), steps in order."""
    from bot.handoff.wiring import handoff_parts

    knowledge = knowledge if knowledge is not None else open_knowledge_base(settings)
    router = build_tool_router(settings)
    agent = None
    if settings.llm_enabled and settings.llm_mode == "agent":  # langchain's import costs a second of the start
        from bot.agent import build_agent

        agent = build_agent(settings, knowledge, router.tools_for)
    return Assistant(
        knowledge,
        tools=router,
        human_contact=HumanContact(settings.human_contact, settings.english_contact),
        llm=build_llm(settings),
        agent=agent,
        steps=settings.answer_steps,
        handoff=handoff_parts(settings) if "handoff" in settings.answer_steps else None,
        curated=curated,
    )
