"""Invented articles for unit tests of the composer: chunks and the ranked hits a search would give."""

from __future__ import annotations

from knowledge.types import Chunk, Hit


def ranked(*chunks: Chunk) -> list[Hit]:
    """``chunks`` as search hits, best first (each scoring a little below the one before)."""
    return [Hit(c, 0.9 - 0.1 * i, 0.9, 3.0) for i, c in enumerate(chunks)]
