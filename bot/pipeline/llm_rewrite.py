"""Refiner: an optional LLM rephrases an answered, cited reply; any failure keeps the offline answer."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from bot.llm import LLMLayer, grounded
from bot.messages import Reply
from bot.pipeline.turn import TurnContext

logger = logging.getLogger(__name__)


def _applies(reply: Reply) -> bool:
    """Only article answers are rephrased: never tool results, refusals or clarifying questions."""
    return reply.status == "answered" and bool(reply.sources) and not reply.tool_calls


class LLMRewrite:
    """Rephrases through :class:`bot.llm.LLMLayer`, keeping to the passages the reply cites."""

    def __init__(self, llm: LLMLayer) -> None:
        self.llm = llm

    def refine(self, turn: TurnContext, reply: Reply) -> Reply:
        """The reply with the model's grounded text, or unchanged."""
        if not _applies(reply):
            return reply
        try:
            better = self.llm.rewrite(turn.message, reply)
        except Exception:
            logger.warning("LLM rewrite failed; answering offline", exc_info=True)
            better = None
        if better:
            reply.answer = better
        return reply

    def stream(self, turn: TurnContext, reply: Reply) -> Iterator[str | Reply]:
        """The model's tokens as they come (the offline text after a break if it fails), then the reply."""
        streamed = False
        if _applies(reply):
            pieces: list[str] = []
            try:
                for token in self.llm.stream(turn.message, reply):
                    pieces.append(token)
                    streamed = True
                    yield token
            except Exception:
                logger.warning("LLM stream failed; answering offline", exc_info=True)
            text = "".join(pieces).strip()
            if text and grounded(text, len(reply.sources)):
                reply.answer = text
            elif streamed:
                yield "\n\n"
                streamed = False
        if not streamed:
            yield reply.answer
        yield reply
