"""The console's one adapter to the knowledge base: list, upload, remove, re-ingest and preview articles.

Everything goes through the knowledge base's public API (``KnowledgeBase.ingest`` /
``remove_document`` / ``commit`` / ``manifest`` / ``chunks``) and the ingest package's reading,
cleaning and chunking, so moving ingest behind the knowledge base changes only this module.
Uploaded files are kept in ``<data_dir>/uploads/`` (their source for a later re-ingest). Each write
rewrites the index files, whose new generation every worker picks up on its next request.
"""

from __future__ import annotations

import fcntl
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.cleaning import clean_text
from ingest.pipeline import ingest_paths, parse_article
from ingest.reading import SUFFIXES, read_article
from knowledge.errors import IngestError
from knowledge.facts import Fact, extract_facts

if TYPE_CHECKING:
    from knowledge.index import KnowledgeBase

UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".pdf", ".docx")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)
_write_lock = threading.Lock()  # one index write at a time in this process; index_lock() serialises processes


@contextmanager
def index_lock(data_dir: Path) -> Iterator[None]:
    """One index writer at a time across this host's workers (each writer reads, then rewrites, the index files)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with _write_lock, open(data_dir / ".console-write.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class ArticleError(ValueError):
    """An upload or action the console refuses, with a reason for the operator."""


class UnknownArticle(LookupError):
    """No indexed article has this doc id."""


def safe_name(filename: str) -> str:
    """A file name usable on disk and as a doc id: no folders, no odd characters.

    Raises:
        ArticleError: the name is empty or its extension is not an article format.
    """
    base = Path(filename.replace("\\", "/")).name
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    stem = _UNSAFE.sub("_", stem).strip("._")[:80]
    if suffix not in UPLOAD_SUFFIXES:
        raise ArticleError(f"{base or 'the file'}: only {', '.join(UPLOAD_SUFFIXES)} files can be uploaded")
    if not stem:
        raise ArticleError("the file needs a name")
    return stem + suffix


def preview_file(path: Path) -> dict[str, Any]:
    """How an article file is cleaned and cut into chunks (nothing is indexed).

    Raises:
        ArticleError: the file is unreadable or holds no article text.
    """
    try:
        text, _ = read_article(path)
        article = clean_text(text)
        chunks = parse_article(path, text)
    except IngestError as e:
        raise ArticleError(str(e)) from e
    facts = [f for c in chunks for f in extract_facts(c)]
    return {
        "doc_id": path.stem,
        "title": article.title,
        "original": text[:20000],
        "cleaned": article.text,
        "chunks": [{"chunk_id": c.chunk_id, "kind": c.kind, "heading": c.heading, "text": c.text} for c in chunks],
        "facts": [{"kind": f.kind, "subject": f.subject, "statement": fact_statement(f), "sentence": f.sentence}
                  for f in facts],
    }


def fact_statement(fact: Fact) -> str:
    """A fact as the console shows it: "逾期率 > 15%", "知悉破产事件 + 30天", "第2步：…"."""
    if fact.kind == "step":
        return f"第{fact.position}步：{fact.detail}"
    if fact.kind == "definition":
        return f"{fact.subject}：{fact.detail}"
    value = "" if fact.value is None else f"{fact.value:g}" + (f"–{fact.value2:g}" if fact.value2 is not None else "")
    return " ".join(part for part in (fact.subject, fact.comparator, f"{value}{fact.unit}", fact.detail) if part)


class KnowledgeOps:
    """The console's article actions over one knowledge base."""

    def __init__(self, knowledge: KnowledgeBase, data_dir: Path) -> None:
        self.knowledge = knowledge
        self.data_dir = data_dir
        self.uploads = data_dir / "uploads"

    def list(self) -> list[dict[str, Any]]:
        """``[{doc_id, title, chunks, updated, source}]`` of every indexed article."""
        titles: dict[str, str] = {}
        if self.knowledge.ready():
            for chunk in self.knowledge.chunks():
                titles.setdefault(chunk.doc_id, chunk.title)
        rows = []
        for doc_id, entry in sorted(self.knowledge.manifest().items()):
            source = Path(entry.get("source", ""))
            try:
                updated = datetime.fromtimestamp(source.stat().st_mtime, UTC).isoformat()
            except OSError:
                updated = None
            rows.append({"doc_id": doc_id, "title": titles.get(doc_id, doc_id), "chunks": int(entry.get("chunks", 0)),
                         "updated": updated, "uploaded": source.parent == self.uploads.resolve()})
        return rows

    def upload(self, filename: str, data: bytes) -> dict[str, Any]:
        """Check, store and ingest an uploaded article; ``{doc_id, title, chunks}``.

        Raises:
            ArticleError: a bad name, size or content; the index is then unchanged.
        """
        name = safe_name(filename)
        if not data.strip():
            raise ArticleError(f"{name}: the file is empty")
        if len(data) > MAX_UPLOAD_BYTES:
            raise ArticleError(f"{name}: larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        with tempfile.TemporaryDirectory(prefix="creditbot-upload-") as tmp:
            staged = Path(tmp) / name
            staged.write_bytes(data)
            preview = preview_file(staged)  # refuses a bad file before anything is written
            known = self.knowledge.manifest().get(staged.stem)
            if known and Path(known.get("source", "")).parent != self.uploads.resolve():
                raise ArticleError(f"{name}: the bundled article {staged.stem} has this name; rename the file")
            self.uploads.mkdir(parents=True, exist_ok=True)
            for old in self.uploads.glob(f"{staged.stem}.*"):
                old.unlink()  # the same doc id in another format is replaced
            target = self.uploads / name
            shutil.move(str(staged), target)
        self._ingest(target.resolve())
        return {"doc_id": preview["doc_id"], "title": preview["title"], "chunks": len(preview["chunks"])}

    def _ingest(self, path: Path) -> None:
        with index_lock(self.data_dir):
            report = ingest_paths(self.knowledge, [path])
        if report.failed:
            raise ArticleError("; ".join(reason for _, reason in report.failed))

    def _source(self, doc_id: str) -> Path:
        entry = self.knowledge.manifest().get(doc_id)
        if entry is None:
            raise UnknownArticle(doc_id)
        return Path(entry.get("source", ""))

    def remove(self, doc_id: str) -> None:
        """Take an article out of the index (and its uploaded file, so it does not come back).

        Raises:
            UnknownArticle: no such doc id.
        """
        source = self._source(doc_id)
        with index_lock(self.data_dir), self.knowledge.writing():
            self.knowledge.remove_document(doc_id)
            self.knowledge.commit()
            if self.knowledge.ready():
                self.knowledge.refresh_facts()  # the article's facts go with it
        if source.parent == self.uploads.resolve():
            source.unlink(missing_ok=True)

    def reingest(self, doc_id: str) -> dict[str, Any]:
        """Index an article again from its source file.

        Raises:
            UnknownArticle: no such doc id.
            ArticleError: the source file is gone or no longer readable.
        """
        source = self._source(doc_id)
        if not source.is_file():
            raise ArticleError(f"{doc_id}: its source file {source.name} is gone")
        preview = preview_file(source)  # still readable: refuse before anything is removed
        with index_lock(self.data_dir):
            with self.knowledge.writing():
                self.knowledge.remove_document(doc_id)  # the ingest below puts it back and commits both at once
            report = ingest_paths(self.knowledge, [source])
        if report.failed:
            raise ArticleError("; ".join(reason for _, reason in report.failed))
        return {"doc_id": doc_id, "title": preview["title"], "chunks": len(preview["chunks"])}

    def preview(self, doc_id: str) -> dict[str, Any]:
        """The cleaned text and chunks of an indexed article, from its source file."""
        source = self._source(doc_id)
        if not source.is_file() or source.suffix.lower() not in SUFFIXES:
            raise ArticleError(f"{doc_id}: its source file is gone")
        return preview_file(source)
