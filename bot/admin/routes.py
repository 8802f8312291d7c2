"""The console's JSON API under ``/admin/api``: articles, curated answers, review queue, overview, audit.

Every route needs the console's session cookie (plus the CSRF token when it changes something) or
``Authorization: Bearer $CREDITBOT_ADMIN_TOKEN``; anything else is 401. Each change is audited.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Request, Response, UploadFile
from fastapi.responses import PlainTextResponse

from bot.admin import review
from bot.answer_cache import mark_curated_changed
from bot.admin.auth import Operator, require_operator
from bot.admin.knowledge_ops import MAX_UPLOAD_BYTES, ArticleError, KnowledgeOps, UnknownArticle
from bot.admin.models import (
    Answer,
    AnswerIn,
    Article,
    AuditEntry,
    Curate,
    Exchange,
    Imported,
    Ingested,
    Me,
    Preview,
    Problem,
    ReviewGroup,
    ReviewIds,
    Threshold,
)
from bot.admin.store import AdminStore

MAX_CSV_BYTES = 2 * 1024 * 1024


@dataclass
class Console:
    """What the console's routes use, built once the chat service is ready."""

    store: AdminStore
    ops: KnowledgeOps | None
    encode: review.Encoder | None
    warm: Callable[[], object] | None = None  # rebuilds this worker's answer composer after an index change


def console_of(state: Any) -> Console:
    """The console parts of a ready chat server (``bot.web.state.WebState``; 503 while it starts)."""
    cached = getattr(state, "_console", None)
    if cached is not None:
        return cached
    if state.chat is None:
        raise HTTPException(503, "the chat server is still starting", headers={"Retry-After": "5"})
    library = getattr(state.chat.assistant, "library", None)  # a stand-in assistant in tests has none
    knowledge = getattr(library, "knowledge", None)
    console = Console(
        store=AdminStore(state.chat.store.engine),
        ops=KnowledgeOps(knowledge, state.settings.data_dir) if knowledge is not None else None,
        encode=knowledge.query_vector if knowledge is not None else None,
        warm=(lambda: library.composer) if library is not None else None,
    )
    state._console = console  # type: ignore[attr-defined]
    return console


def _console(request: Request) -> Console:
    return console_of(request.app.state.web)


def console_operator(request: Request) -> Operator:
    """The dependency of every console route (the hand-off inbox's too): cookie + CSRF, or the admin token.

    Raises:
        HTTPException: 401 without credentials, 403 for a wrong CSRF token, 503 while starting.
    """
    token = request.app.state.web.settings.admin_token
    store = console_of(request.app.state.web).store
    return require_operator(request, store, token.get_secret_value() if token else None)


def _ops(console: Console, operator: Operator | None = None) -> KnowledgeOps:
    """The article actions; changing articles is for admins (advisors may read)."""
    if operator is not None and operator.role != "admin":
        raise HTTPException(403, "only an admin may change articles")
    if console.ops is None:
        raise HTTPException(503, "this server has no knowledge base")
    return console.ops


def _changed(console: Console, operator: Operator, action: str, doc_id: str) -> None:
    """After an article change: embed the new corpus now, in this request, rather than in the next user's
    question; then audit the change."""
    if console.warm is not None:
        console.warm()
    console.store.record(operator.name, action, doc_id)


@contextmanager
def _article_errors(doc_id: str) -> Iterator[None]:
    """An unknown article becomes 404, an unusable one 422."""
    try:
        yield
    except UnknownArticle as e:
        raise HTTPException(404, f"no article {doc_id}") from e
    except ArticleError as e:
        raise HTTPException(422, str(e)) from e


ConsoleDep = Annotated[Console, Depends(_console)]
OperatorDep = Annotated[Operator, Depends(console_operator)]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "no console session and no admin token"},
    403: {"model": Problem, "description": "wrong CSRF token"},
    503: {"model": Problem, "description": "still starting"},
}


def _forget_cached_answers(request: Request) -> Iterator[None]:
    """Around a console write (curated answers, the threshold, articles), no worker replays an older answer
    (marked before too, so a question answered while the write runs is not kept under the new mark)."""
    write = request.method != "GET"
    if write:
        mark_curated_changed(request.app.state.web.settings.data_dir)
    yield
    if write:
        mark_curated_changed(request.app.state.web.settings.data_dir)


def build_router() -> APIRouter:
    """The ``/admin/api`` routes (state from ``request.app.state.web``)."""
    router = APIRouter(prefix="/admin/api", tags=["console"], responses=ERRORS,
                       dependencies=[Depends(_forget_cached_answers)])
    _article_routes(router)
    _answer_routes(router)
    _answer_csv_routes(router)
    _review_routes(router)
    return router


def _article_routes(router: APIRouter) -> None:
    @router.get("/me", response_model=Me)
    def me(operator: OperatorDep) -> Me:
        """Who is signed in, and the CSRF token their writes carry (empty for the admin token)."""
        return Me(name=operator.name, role=operator.role, csrf=operator.csrf)

    @router.get("/articles", response_model=list[Article])
    def list_articles(console: ConsoleDep, operator: OperatorDep, request: Request) -> list[Article]:
        """Every indexed article with its chunk count, when it was written, and citations in the last 7 days."""
        cited = review.citations_since(request.app.state.web.chat.store.recent_log(20000))
        return [Article(**row, cited_7d=cited.get(row["doc_id"], 0)) for row in _ops(console).list()]

    @router.post("/articles", status_code=201, response_model=Ingested,
                 responses={400: {"model": Problem}, 413: {"model": Problem}, 422: {"model": Problem}})
    def upload_article(console: ConsoleDep, operator: OperatorDep, file: Annotated[UploadFile, File()]) -> Ingested:
        """Upload an article (.txt .md .html .pdf .docx); answers use it as soon as this returns."""
        data = file.file.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise HTTPException(413, f"the file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        with _article_errors(""):
            done = _ops(console, operator).upload(file.filename or "", data)
        _changed(console, operator, "article.upload", done["doc_id"])
        return Ingested(**done)

    @router.delete("/articles/{doc_id}", status_code=204, response_class=Response,
                   responses={404: {"model": Problem}})
    def delete_article(doc_id: str, console: ConsoleDep, operator: OperatorDep) -> Response:
        """Remove an article: its chunks no longer answer."""
        with _article_errors(doc_id):
            _ops(console, operator).remove(doc_id)
        _changed(console, operator, "article.delete", doc_id)
        return Response(status_code=204)

    @router.post("/articles/{doc_id}/reingest", response_model=Ingested,
                 responses={404: {"model": Problem}, 422: {"model": Problem}})
    def reingest_article(doc_id: str, console: ConsoleDep, operator: OperatorDep) -> Ingested:
        """Index an article again from its source file."""
        with _article_errors(doc_id):
            done = _ops(console, operator).reingest(doc_id)
        _changed(console, operator, "article.reingest", doc_id)
        return Ingested(**done)

    @router.get("/articles/{doc_id}/preview", response_model=Preview,
                responses={404: {"model": Problem}, 422: {"model": Problem}})
    def preview_article(doc_id: str, console: ConsoleDep, operator: OperatorDep) -> Preview:
        """The article as cleaned and cut into the chunks the bot quotes."""
        with _article_errors(doc_id):
            return Preview(**_ops(console).preview(doc_id))

    @router.get("/audit", response_model=list[AuditEntry])
    def audit_log(console: ConsoleDep, operator: OperatorDep) -> list[AuditEntry]:
        """Who changed what, newest first."""
        return [AuditEntry(**row) for row in console.store.audit_log()]


def _answer_routes(router: APIRouter) -> None:
    @router.get("/answers", response_model=list[Answer])
    def list_answers(console: ConsoleDep, operator: OperatorDep) -> list[Answer]:
        """Every curated answer with its hit count."""
        return [Answer(**row) for row in console.store.answers()]

    @router.post("/answers", status_code=201, response_model=Answer)
    def add_answer(body: AnswerIn, console: ConsoleDep, operator: OperatorDep) -> Answer:
        """Store a curated answer; a question meaning the same gets it at once."""
        row = console.store.add_answer(body.question.strip(), body.answer.strip(), body.refuse)
        console.store.record(operator.name, "answer.add", f"{row['id']}: {body.question}")
        return Answer(**row)

    @router.put("/answers/{answer_id}", response_model=Answer, responses={404: {"model": Problem}})
    def edit_answer(answer_id: int, body: AnswerIn, console: ConsoleDep, operator: OperatorDep) -> Answer:
        """Change a curated answer."""
        if not console.store.update_answer(answer_id, question=body.question.strip(), answer=body.answer.strip(),
                                           refuse=body.refuse):
            raise HTTPException(404, f"no curated answer {answer_id}")
        console.store.record(operator.name, "answer.edit", str(answer_id))
        return next(Answer(**r) for r in console.store.answers() if r["id"] == answer_id)

    @router.delete("/answers/{answer_id}", status_code=204, response_class=Response,
                   responses={404: {"model": Problem}})
    def delete_answer(answer_id: int, console: ConsoleDep, operator: OperatorDep) -> Response:
        """Delete a curated answer."""
        if not console.store.delete_answer(answer_id):
            raise HTTPException(404, f"no curated answer {answer_id}")
        console.store.record(operator.name, "answer.delete", str(answer_id))
        return Response(status_code=204)

    @router.get("/threshold", response_model=Threshold)
    def get_threshold(console: ConsoleDep, operator: OperatorDep) -> Threshold:
        """The matching threshold of curated answers."""
        return Threshold(threshold=console.store.threshold())

    @router.put("/threshold", response_model=Threshold)
    def set_threshold(body: Threshold, console: ConsoleDep, operator: OperatorDep) -> Threshold:
        """Change the matching threshold (higher: only close paraphrases match); admins only."""
        if operator.role != "admin":
            raise HTTPException(403, "only an admin may change the threshold")
        console.store.set_threshold(body.threshold)
        console.store.record(operator.name, "answer.threshold", f"{body.threshold:.3f}")
        return body


def _answer_csv_routes(router: APIRouter) -> None:
    @router.get("/answers.csv", response_model=None,
                responses={200: {"description": "the CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}})
    def export_answers(console: ConsoleDep, operator: OperatorDep) -> PlainTextResponse:
        """The curated answers as CSV (question, answer, refuse)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["question", "answer", "refuse"])
        for row in console.store.answers():
            writer.writerow([row["question"], row["answer"], "1" if row["refuse"] else "0"])
        return PlainTextResponse(out.getvalue(), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": 'attachment; filename="curated-answers.csv"'})

    @router.post("/answers.csv", response_model=Imported, responses={422: {"model": Problem}})
    def import_answers(console: ConsoleDep, operator: OperatorDep, file: Annotated[UploadFile, File()]) -> Imported:
        """Add curated answers from CSV (header ``question,answer[,refuse]``); a bad file adds nothing."""
        pairs = parse_answers_csv(file.file.read(MAX_CSV_BYTES + 1))
        for question, answer, refuse in pairs:
            console.store.add_answer(question, answer, refuse)
        console.store.record(operator.name, "answer.import", f"{len(pairs)} pairs")
        return Imported(imported=len(pairs))


def parse_answers_csv(data: bytes) -> list[tuple[str, str, bool]]:
    """``(question, answer, refuse)`` rows of an uploaded CSV.

    Raises:
        HTTPException: 422 naming the first bad line.
    """
    if len(data) > MAX_CSV_BYTES:
        raise HTTPException(422, "the CSV is larger than 2 MB")
    try:
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error) as e:
        raise HTTPException(422, f"not a UTF-8 CSV file ({e})") from e
    pairs = []
    for line, row in enumerate(rows, start=2):
        question = (row.get("question") or "").strip()
        refuse = (row.get("refuse") or "").strip().lower() in {"1", "true", "yes", "y"}
        answer = (row.get("answer") or "").strip()
        if not question or not (answer or refuse) or len(question) > 500 or len(answer) > 4000:
            raise HTTPException(422, f"line {line}: needs a question and an answer (or refuse=1)")
        pairs.append((question, answer, refuse))
    return pairs


def _review_routes(router: APIRouter) -> None:
    @router.get("/review", response_model=list[ReviewGroup])
    def review_queue(console: ConsoleDep, operator: OperatorDep, request: Request) -> list[ReviewGroup]:
        """``no_answer`` replies and 👎 feedback not yet done, grouped by similar question."""
        items = review.queue_items(request.app.state.web.chat.store.engine, console.store.done_ids())
        return [ReviewGroup(**g) for g in review.group_items(items, console.encode)]

    @router.post("/review/done", status_code=204, response_class=Response)
    def review_done(body: ReviewIds, console: ConsoleDep, operator: OperatorDep) -> Response:
        """Mark queue items done."""
        console.store.mark_done(body.reply_ids, operator.name)
        console.store.record(operator.name, "review.done", f"{len(body.reply_ids)} items")
        return Response(status_code=204)

    @router.post("/review/curate", status_code=201, response_model=Answer)
    def review_curate(body: Curate, console: ConsoleDep, operator: OperatorDep) -> Answer:
        """Turn a group into a curated answer and mark its items done."""
        row = console.store.add_answer(body.question.strip(), body.answer.strip(), body.refuse)
        console.store.mark_done(body.reply_ids, operator.name)
        console.store.record(operator.name, "review.curate", f"{row['id']}: {body.question}")
        return Answer(**row)

    @router.get("/conversations/{session_id}", response_model=list[Exchange])
    def conversation(session_id: str, operator: OperatorDep, request: Request) -> list[Exchange]:
        """The logged exchanges of one conversation, oldest first."""
        return [Exchange(**r) for r in review.conversation(request.app.state.web.chat.store.engine, session_id)]

    @router.get("/overview", response_model=dict[str, Any])
    def overview(operator: OperatorDep, request: Request) -> dict[str, Any]:
        """Volumes, answer rate, 👍/👎, latency, per channel and per day (the figures of the charts)."""
        store = request.app.state.web.chat.store
        return review.overview(store.recent_log(20000), store.all_feedback(5000))
