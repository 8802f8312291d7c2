"""The knowledge base as a langchain ``BaseRetriever``, so any langchain app (or agent) can reuse it.

Built only on the public ``search(query, k) -> list[Hit]`` of :class:`knowledge.index.KnowledgeBase`.
Each hit becomes a ``Document`` whose ``page_content`` is the passage and whose metadata says where
it comes from::

    doc_id    the article file name without extension ("003_7a34e294a18c87e0")
    title     the article title
    chunk_id  the passage's stable id ("003_7a34e294a18c87e0#faq3")
    kind      "faq" or "section"; heading: the FAQ question or the section heading
    start/end offsets of the passage in the cleaned article text
    score     the fused retrieval score (higher is better)
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from knowledge.types import Hit


def to_document(hit: Hit) -> Document:
    """One search hit as a langchain ``Document`` (passage text, provenance in metadata)."""
    chunk = hit.chunk
    metadata: dict[str, Any] = {
        "doc_id": chunk.doc_id,
        "title": chunk.title,
        "chunk_id": chunk.chunk_id,
        "kind": chunk.kind,
        "heading": chunk.heading,
        "start": chunk.start,
        "end": chunk.end,
        "score": hit.score,
    }
    return Document(page_content=chunk.text, metadata=metadata, id=chunk.chunk_id)


class KnowledgeRetriever(BaseRetriever):
    """Retrieves article passages from the knowledge base (hybrid dense + BM25 search).

    Example:
        ``KnowledgeRetriever(knowledge=kb, k=4).invoke("理赔要多久")`` -> the four best passages.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    knowledge: Any = Field(description="the knowledge base: anything with search(query, k) -> list[Hit]")
    k: int = Field(4, ge=1, description="how many passages to return")
    min_score: float = Field(0.0, ge=0.0, description="passages scoring below this are left out")

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = self.knowledge.search(query, k=self.k)
        return [to_document(hit) for hit in hits if hit.score >= self.min_score]
