"""Incremental ingest: read, clean and chunk articles, and hand the changes to the index.

Unchanged files (same SHA-256 as in the manifest) are skipped; a file removed from an ingested
folder (or deleted) loses its chunks; an unreadable file is reported and the rest still ingest.
"""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ingest.chunking import chunk_article
from ingest.cleaning import clean_text
from ingest.reading import find_articles, read_article
from knowledge.errors import IngestError
from knowledge.types import Chunk

if TYPE_CHECKING:
    from knowledge.index import KnowledgeBase

logger = logging.getLogger(__name__)

BUNDLED_ARTICLES = Path(__file__).resolve().parent.parent / "knowledge" / "articles"


@dataclass
class IngestReport:
    """What an ingest run changed."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        """A few human-readable lines (printed by ``creditbot ingest``)."""
        lines = [
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed; {self.chunks} chunks indexed in {self.seconds:.1f}s"
        ]
        lines.extend(f"failed: {path}: {reason}" for path, reason in self.failed)
        return "\n".join(lines)


def parse_article(path: Path, text: str) -> list[Chunk]:
    """Clean and chunk one article's text; the doc id is the file name without extension.

    Raises:
        IngestError: Nothing usable is left after cleaning.
    """
    article = clean_text(text)
    chunks = chunk_article(path.stem, article)
    if not article.title or not chunks:
        raise IngestError(f"{path.name}: no article text found after cleaning")
    return chunks


def _progress(items: list[Path], enabled: bool):  # noqa: ANN202 - iterator
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc="ingest", unit="file")


def ingest_paths(kb: KnowledgeBase, paths: list[Path] | None = None, progress: bool = False) -> IngestReport:
    """Bring ``kb`` in line with the articles at ``paths`` (default: the bundled articles).

    Args:
        kb: The knowledge base to update.
        paths: Article files and/or folders.
        progress: Show a tqdm progress bar.

    Returns:
        What was added, updated, left unchanged, removed, and what failed.
    """
    with kb.writing():
        return _ingest(kb, paths, progress)


def _ingest(kb: KnowledgeBase, paths: list[Path] | None, progress: bool) -> IngestReport:
    started = time.perf_counter()
    files, folders, missing = find_articles(list(paths) if paths else [BUNDLED_ARTICLES])
    report = IngestReport(failed=list(missing))
    manifest = kb.manifest()
    seen: set[str] = set()
    failed_ids: set[str] = set()
    for path in _progress(files, progress):
        doc_id = path.stem
        if doc_id in seen:
            report.failed.append((str(path), f"another file already has the doc id {doc_id!r}; rename one"))
            continue
        seen.add(doc_id)
        try:
            text, data = read_article(path)
            digest = hashlib.sha256(data).hexdigest()
            known = manifest.get(doc_id)
            if known and known.get("sha256") == digest and kb.has_document(doc_id):
                report.unchanged.append(doc_id)
                continue
            chunks = parse_article(path, text)
        except IngestError as e:
            logger.warning("ingest failed: %s", e)
            report.failed.append((str(path), str(e).split(": ", 1)[-1]))
            failed_ids.add(doc_id)
            continue
        kb.put_document(doc_id, str(path), digest, chunks)
        (report.updated if known else report.added).append(doc_id)
    for doc_id, entry in manifest.items():
        if doc_id in seen or doc_id in failed_ids:
            continue
        source = Path(entry.get("source", ""))
        gone = not source.exists()
        in_scanned_folder = any(source.parent == folder for folder in folders)
        if gone or in_scanned_folder:
            kb.remove_document(doc_id)
            report.removed.append(doc_id)
    kb.commit()
    if kb.ready():
        kb.refresh_facts()  # facts are rebuilt on every ingest, also for unchanged articles
    report.chunks = kb.chunk_count()
    report.seconds = time.perf_counter() - started
    logger.info("ingest done: %s", report.summary().splitlines()[0])
    return report
