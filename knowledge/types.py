"""The retrieval types shared by ingest, the index and answer composition."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Chunk:
    """One retrievable passage of an article: a FAQ pair or a section paragraph.

    Attributes:
        chunk_id: Stable id, ``f"{doc_id}#faq3"`` or ``f"{doc_id}#s5"``.
        doc_id: The article's file name without extension, e.g. ``"003_7a34e294a18c87e0"``.
        title: The article title.
        kind: ``"faq"`` or ``"section"``.
        heading: The FAQ question, or the section heading (``""`` if none).
        text: The passage body (FAQ: the answer), cleaned.
        start: Offset of ``text`` in the cleaned article text.
        end: End offset (exclusive) of ``text`` in the cleaned article text.
        raw: The passage as it stood before artefact repair (e.g. ``LJ`` for ``立即``);
            equal to ``text`` when nothing was repaired.
    """

    chunk_id: str
    doc_id: str
    title: str
    kind: str
    heading: str
    text: str
    start: int
    end: int
    raw: str = ""


@dataclass
class Hit:
    """A search result: one chunk and its scores.

    Attributes:
        chunk: The matched chunk.
        score: Fused score, higher is better, comparable across queries (usable for a
            "no relevant knowledge" threshold).
        dense: Cosine similarity of the chunk's best dense key (0..1).
        lexical: BM25 score of the chunk (0 if no query term matched).
    """

    chunk: Chunk
    score: float
    dense: float
    lexical: float
