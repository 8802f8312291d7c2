"""What every step of the pipeline sees of one incoming message, and the two step protocols."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol, runtime_checkable

from bot.messages import Reply, Session
from bot.pipeline.knowledge import NormalizedQuery, normalize_query, strip_injection


@dataclass
class TurnContext:
    """One message in its session, with the readings of it that several steps use (computed once).

    Attributes:
        message: the user's text as received (cleaned by the chat service).
        session: the conversation; steps may keep state in ``session.state``.
        topic: what a follow-up question will refer back to; the answering step sets it.
        started: when the turn began (``time.monotonic()``), for steps with a time budget.
    """

    message: str
    session: Session
    topic: str = ""
    started: float = field(default_factory=time.monotonic)

    @cached_property
    def query(self) -> NormalizedQuery:
        """The message normalised for search (Simplified script, full-width folded) and its script."""
        return normalize_query(self.message)

    @cached_property
    def _stripped(self) -> tuple[str, bool]:
        return strip_injection(self.query.text)

    @property
    def question(self) -> str:
        """The normalised question without instruction-like text ("忽略之前的规则…")."""
        return self._stripped[0]

    @property
    def injected(self) -> bool:
        """True when instruction-like text was dropped from the question."""
        return self._stripped[1]

    @property
    def previous_topic(self) -> str | None:
        """The topic of the last turn when it was answered (a follow-up may build on it), else None."""
        turns = self.session.turns
        if not turns or turns[-1].status != "answered":
            return None
        return next((t.topic for t in reversed(turns) if t.status == "answered" and t.topic), None)


@runtime_checkable
class AnswerStep(Protocol):
    """A step that answers a turn, or returns None to let the next step try."""

    def handle(self, turn: TurnContext) -> Reply | None:
        """The reply to ``turn``, or None."""
        ...


@runtime_checkable
class Refiner(Protocol):
    """A step that reworks the reply an answer step gave (it may keep it as it is)."""

    def refine(self, turn: TurnContext, reply: Reply) -> Reply:
        """The reworked reply."""
        ...

    def stream(self, turn: TurnContext, reply: Reply) -> Iterator[str | Reply]:
        """Text pieces of the reworked reply as they are ready, then the reply itself."""
        ...
