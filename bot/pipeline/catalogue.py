"""The steps ``Settings.answer_steps`` may name, and how each is built from the assistant's parts.

To add a step: write its module in :mod:`bot.pipeline`, add its builder here, and put its name in
``answer_steps`` where it should run (a curated-answers step, for instance, goes before ``knowledge``).
``handoff`` goes first: a handed-off conversation is answered by a person, not by any later step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.pipeline.handoff import HandoffStep
from bot.pipeline.curated import CuratedBook, CuratedStep
from bot.pipeline.knowledge import Library
from bot.pipeline.llm_agent import LLMAgent
from bot.pipeline.llm_rewrite import LLMRewrite
from bot.pipeline.retrieval import RetrievalStep
from bot.pipeline.scope import ScopeStep
from bot.pipeline.small_talk import SmallTalkStep
from bot.pipeline.tools import ToolStep
from bot.pipeline.turn import AnswerStep, Refiner

if TYPE_CHECKING:
    from bot.agent import Agent
    from bot.handoff.desk import HandoffDesk
    from bot.handoff.hours import OfficeHours
    from bot.handoff.notify import Notify
    from bot.llm import LLMLayer
    from bot.tool_routing import ToolRouter

DEFAULT_STEPS = ("handoff", "tools", "small_talk", "curated", "scope", "knowledge", "llm_rewrite", "llm_agent")


@dataclass
class Parts:
    """What steps are built from; a step whose part is absent (no tools, no LLM) is left out."""

    library: Library
    human_contact: str
    tools: ToolRouter | None = None
    llm: LLMLayer | None = None
    agent: Agent | None = None
    handoff_desk: HandoffDesk | None = None
    office_hours: OfficeHours | None = None
    notify: Notify | None = None
    curated: CuratedBook | None = None


Step = AnswerStep | Refiner

STEPS: dict[str, Callable[[Parts], Step | None]] = {
    "handoff": lambda p: HandoffStep(p.handoff_desk, p.office_hours, p.notify) if p.handoff_desk is not None else None,
    "tools": lambda p: ToolStep(p.tools, p.library) if p.tools is not None else None,
    "small_talk": lambda p: SmallTalkStep(),
    "scope": lambda p: ScopeStep(p.library, p.human_contact),
    "curated": lambda p: CuratedStep(p.library, p.curated, p.human_contact) if p.curated is not None else None,
    "knowledge": lambda p: RetrievalStep(p.library, p.human_contact),
    "llm_rewrite": lambda p: LLMRewrite(p.llm) if p.llm is not None else None,
    "llm_agent": lambda p: LLMAgent(p.agent) if p.agent is not None else None,
}


def build_steps(names: Sequence[str], parts: Parts) -> tuple[list[AnswerStep], list[Refiner]]:
    """The answer steps and refiners ``names`` asks for, in that order.

    Raises:
        ValueError: for a name that is not in :data:`STEPS`.
    """
    unknown = [name for name in names if name not in STEPS]
    if unknown:
        raise ValueError(f"unknown answer step(s) {unknown}; known: {sorted(STEPS)}")
    answerers: list[AnswerStep] = []
    refiners: list[Refiner] = []
    for name in names:
        step = STEPS[name](parts)
        if isinstance(step, Refiner):
            refiners.append(step)
        elif step is not None:
            answerers.append(step)
    return answerers, refiners
