"""Request and response models of the console's JSON API (``/admin/api``), as documented in the OpenAPI."""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator


class Problem(BaseModel):
    """An error: what went wrong, for the operator."""

    detail: str


class Article(BaseModel):
    """An indexed article."""

    doc_id: str
    title: str
    chunks: int
    updated: str | None = Field(None, description="When its source file was last written (ISO 8601, UTC)")
    uploaded: bool = Field(False, description="Uploaded through the console (not a bundled article)")
    cited_7d: int = Field(0, description="Replies citing it in the last 7 days")


class Ingested(BaseModel):
    """An article after upload or re-ingest."""

    doc_id: str
    title: str
    chunks: int


class PreviewChunk(BaseModel):
    chunk_id: str
    kind: str
    heading: str
    text: str


class PreviewFact(BaseModel):
    """A figure, step or definition read from the article at ingest (what answers reason with)."""

    kind: str
    subject: str
    statement: str
    sentence: str


class Preview(BaseModel):
    """How an article was cleaned and cut into the chunks the bot quotes, and the facts read from it."""

    doc_id: str
    title: str
    original: str
    cleaned: str
    chunks: list[PreviewChunk]
    facts: list[PreviewFact] = []


class AnswerIn(BaseModel):
    """A curated pair to store."""

    question: str = Field(min_length=1, max_length=500)
    answer: str = Field("", max_length=4000)
    refuse: bool = Field(False, description="Refuse such questions: no_answer with the human contact")

    @model_validator(mode="after")
    def _needs_answer(self) -> AnswerIn:
        """Only a refusing pair may go without an answer."""
        if not self.question.strip():
            raise ValueError("the question is empty")
        if not self.answer.strip() and not self.refuse:
            raise ValueError("write an answer, or mark the question as one to refuse")
        return self


class Answer(BaseModel):
    """A stored curated pair."""

    id: int
    question: str
    answer: str
    refuse: bool = False
    hits: int = 0


class Threshold(BaseModel):
    """The least e5 cosine between a user's question and a curated one for the curated answer."""

    threshold: float = Field(ge=0.5, le=1.0)


class Imported(BaseModel):
    imported: int


class ReviewItem(BaseModel):
    reply_id: str
    session_id: str | None
    channel: str | None
    question: str
    answer: str
    status: str | None
    sources: list[str]
    at: str
    reasons: list[str]
    comment: str


class ReviewGroup(BaseModel):
    """Queue items asking the same thing."""

    question: str
    count: int
    reply_ids: list[str]
    items: list[ReviewItem]


class ReviewIds(BaseModel):
    reply_ids: list[str] = Field(min_length=1, max_length=1000)


class Curate(AnswerIn):
    """Turn a review group into a curated answer (and mark the group done)."""

    reply_ids: list[str] = Field(min_length=1, max_length=1000)


class Exchange(BaseModel):
    reply_id: str
    question: str | None
    answer: str | None
    status: str | None
    created_at: str


class AuditEntry(BaseModel):
    id: int
    at: str
    user: str
    action: str
    target: str | None


class Me(BaseModel):
    """The signed-in operator."""

    name: str
    role: str
    csrf: str = Field("", description="Send as X-CSRF-Token on writes made with the session cookie")
