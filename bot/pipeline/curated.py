"""Step: curated answers written by staff, matched to the user's question by meaning, before the articles.

A pair's question and the user's question are embedded with the knowledge base's own query encoder
(e5); when the closest pair reaches the threshold set in the console, its answer is the reply
(``answered`` with a ``curated:<id>`` source), or — for a pair marking a question to refuse — a
``no_answer`` with the human contact.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Protocol

import numpy as np

from bot.messages import Reply, Source
from bot.pipeline.knowledge import Library
from bot.pipeline.texts import no_answer
from bot.pipeline.turn import TurnContext

logger = logging.getLogger(__name__)

SNIPPET_CHARS = 120


class CuratedBook(Protocol):
    """Where the pairs live (the console's store)."""

    def answers(self) -> list[dict[str, Any]]:
        """Every pair: ``{id, question, answer, refuse}``."""
        ...

    def threshold(self) -> float:
        """The least cosine for a match."""
        ...

    def count_hit(self, answer_id: int) -> None:
        """Count one match of a pair."""
        ...


def best_match(
    vector: np.ndarray, pairs: list[dict[str, Any]], vectors: list[np.ndarray]
) -> tuple[dict[str, Any], float] | None:
    """The pair whose question vector is closest to ``vector`` (unit vectors), with its cosine."""
    if not pairs:
        return None
    scores = np.stack(vectors) @ vector
    best = int(np.argmax(scores))
    return pairs[best], float(scores[best])


class CuratedStep:
    """Answers with the closest curated pair at or above the threshold; otherwise lets the next step try."""

    def __init__(self, library: Library, book: CuratedBook, human_contact: str) -> None:
        self.library = library
        self.book = book
        self.human_contact = human_contact
        self._vectors: dict[str, np.ndarray] = {}  # a pair's question -> its vector, kept across requests
        self._lock = threading.Lock()

    def _vector(self, text: str) -> np.ndarray:
        with self._lock:
            cached = self._vectors.get(text)
        if cached is None:
            cached = np.asarray(self.library.knowledge.query_vector(text), dtype=np.float32)
            with self._lock:
                self._vectors[text] = cached
        return cached

    def handle(self, turn: TurnContext) -> Reply | None:
        """The curated reply for a question meaning the same as a stored one, else None."""
        pairs = self.book.answers()
        if not pairs or not turn.question.strip():
            return None
        user = np.asarray(self.library.knowledge.query_vector(turn.question), dtype=np.float32)
        found = best_match(user, pairs, [self._vector(p["question"]) for p in pairs])
        if found is None or found[1] < self.book.threshold():
            return None
        pair, score = found
        self.book.count_hit(pair["id"])
        logger.info("curated answer %s matched (%.3f)", pair["id"], score)
        if pair["refuse"]:
            return no_answer(turn, self.human_contact)
        turn.topic = pair["question"]
        source = Source(doc_id=f"curated:{pair['id']}", title=pair["question"],
                        snippet=pair["answer"][:SNIPPET_CHARS], score=round(score, 4))
        return Reply(answer=pair["answer"], status="answered", sources=[source])
