"""The bot's one doorway into ``knowledge``: every step reaches the knowledge side through this module.

Keeping the calls in one place lets the knowledge internals (index, composer, scope, follow-ups,
normalisation) change behind a narrow surface: :class:`Library` for the indexed articles, and the
text functions re-exported below for reading a question.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import numpy as np

from knowledge.answering import Composer, Composition
from knowledge.constants import DOMAIN_SEMANTIC, MIN_COVERAGE, MIN_COVERAGE_OFF_DOMAIN, MIN_SEMANTIC, SEARCH_K
from knowledge.english import in_english
from knowledge.facts import Fact
from knowledge.followup import Resolved, resolve
from knowledge.metrics import definition_of, metrics_named
from knowledge.normalize import NormalizedQuery, normalize_query, to_user_script
from knowledge.scope import (
    asks_bulk_export,
    has_domain_term,
    is_off_topic,
    is_small_talk,
    off_topic_marker,
    of_buyer,
    other_insurance_line,
    strip_injection,
    uncovered_aspect,
)
from knowledge.questions import asks, clauses, core_questions, last_question
from knowledge.reasoning import Finding
from knowledge.terms import segment
from knowledge.types import Hit

if TYPE_CHECKING:
    from bot.config import Settings
    from knowledge.index import KnowledgeBase

__all__ = [
    "DOMAIN_SEMANTIC",
    "MIN_COVERAGE",
    "MIN_COVERAGE_OFF_DOMAIN",
    "MIN_SEMANTIC",
    "SEARCH_K",
    "Composition",
    "Hit",
    "Library",
    "NormalizedQuery",
    "Resolved",
    "asks_bulk_export",
    "has_domain_term",
    "in_english",
    "is_off_topic",
    "is_small_talk",
    "normalize_query",
    "off_topic_marker",
    "open_knowledge_base",
    "resolve",
    "strip_injection",
    "to_user_script",
]


def open_knowledge_base(settings: Settings) -> KnowledgeBase:
    """The knowledge base the settings describe (nothing is loaded until first use)."""
    from knowledge.embedding import set_torch_threads
    from knowledge.index import KnowledgeBase

    set_torch_threads(settings.torch_threads, settings.workers)
    return KnowledgeBase(
        data_dir=settings.data_dir,
        embedding_model=settings.embedding_model,
        model_cache_dir=settings.model_cache_dir,
        chroma_url=settings.chroma_url,
        collection=settings.chroma_collection,
    )


class Library:
    """The indexed articles as the steps use them: search, compose a cited answer, judge coverage."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self.knowledge = knowledge
        self._composer: Composer | None = None
        self._generation: int | None = None
        self._lock = threading.Lock()

    @property
    def composer(self) -> Composer:
        """The answer composer over the indexed chunks (built on first use, rebuilt when the index changed).

        The knowledge base reloads its chunks when another process (the console's upload, an ingest) has
        rewritten the index, handing out new chunk objects: a new first chunk means a new generation.
        """
        chunks = self.knowledge.chunks()
        generation = id(chunks[0]) if chunks else None
        if self._composer is None or generation != self._generation:
            with self._lock:
                if self._composer is None or generation != self._generation:
                    # sentences are chosen by meaning too, not only by shared words
                    self._composer = Composer(
                        chunks, embed_passages=self.knowledge.sentence_vectors, facts=self.knowledge.facts(),
                        embed_queries=self.knowledge.embedder.queries,  # a told cause judged by meaning
                    )
                    self._generation = generation
        return self._composer

    def query_vector(self, query: str) -> np.ndarray | None:
        """The question's embedding when answers are chosen by meaning (the search's cache answers it)."""
        return self.knowledge.query_vector(query) if self.composer.semantic else None

    def uncovered_aspect(self, question: str) -> str | None:
        """An aspect the question asks about that no article mentions (a listed one, or a tax, fee or currency it
        asks whether, which or how about), and no FAQ there asks about; in a long message, only what its asking
        clauses name (the story's "电话也不接" asks about no phone number)."""
        def unnamed(text: str) -> str | None:
            return uncovered_aspect(text, self.composer.corpus_text) or self.composer.asks_of_unnamed_charge(text)

        asked = " ".join(core_questions(question)) or question
        aspect = unnamed(asked)
        if aspect is None and (told := uncovered_aspect(question, self.composer.corpus_text)) and of_buyer(told):
            aspect = told  # the buyer's own aspect is told in the story, before the asking clause
        last = last_question(question)
        if (aspect is not None and not of_buyer(aspect) and last and has_domain_term(last)
                and unnamed(last) is None):
            # the final question names its own subject of the domain ("应收账款逾期以后第一步该干嘛"): a fee
            # or a product of the user's trade told in the story before it ("拖我代理费") is not what is asked
            return None
        if aspect is not None and not self.composer.covers(self.query_vector(question)):
            return aspect
        return None

    def closest_meaning(self, text: str) -> float:
        """The best e5 cosine of ``text`` with an article sentence or FAQ question (0 without vectors)."""
        similar = self.composer.similarities(self.query_vector(text))
        return float(similar[0].max()) if similar is not None and len(similar[0]) else 0.0

    def asked_meaning(self, question: str) -> float:
        """How close in meaning what the message asks is to the articles, read without its noise: the message
        with its typos corrected, and its final asking clause when that clause names the domain itself.

        A typo ("理陪") or a story in the user's own trade ("卖红茶绿茶给茶馆的") pulls the whole message's
        cosine under the in-domain bar although the question it ends with is the articles' own.
        """
        corrected = self.corrected(question)
        variants = [corrected] if corrected != question else []
        last = last_question(corrected)
        if last and has_domain_term(last):
            variants.append(last)
        return max((self.closest_meaning(v) for v in variants), default=0.0)

    def without_story(self, question: str) -> str:
        """The message with the story told before its question cut down to the articles' own words; "" for a
        single clause.

        ``"幼儿园说校服褪色缩水质量有问题，不给钱，能赔吗"`` -> ``"说质量有问题，不给钱，能赔吗"``: the words of the
        user's own trade (校服, 褪色) can never be covered by an article, so they should not count against the
        support of what is asked; the asking clauses are kept whole, so a thing they ask about that no
        article names still counts. "" too when the story has no such word.
        """
        parts = clauses(question)
        if len(parts) < 2:
            return ""
        asking = [i for i, clause in enumerate(parts) if asks(clause)]
        end = asking[0] if asking else len(parts) - 1  # no asking word: a message ends on its question
        known = self.composer.vocabulary
        told = [segment(clause) for clause in parts[:end]]
        if all(w in known for words in told for w in words):
            return ""  # no story before the question, or one told in the articles' words: nothing to drop
        story = ["".join(w for w in words if w in known) for words in told]
        return "，".join([s for s in story if s] + parts[end:])

    def asks_of_unknown_thing(self, question: str) -> str | None:
        """The thing a clause of the question asks a quantity of when no article names it ("利率"), or None."""
        return self.composer.asks_of_unknown_thing(question)

    def other_insurance_line(self, question: str) -> str | None:
        """A line of insurance the question names that no article does ("雇主责任险"), or None."""
        return other_insurance_line(question, self.composer.corpus_text)

    def answers_in_domain(self, question: str) -> bool:
        """True when the articles answer ``question`` confidently on their own subjects: it names one of
        them, the closest sentence is close in meaning and the composition covers the question."""
        if not self.names_corpus_subject(question):
            return False
        hits = self.search(question, SEARCH_K)
        composition = self.compose(resolve(question, None), hits)
        return (
            composition is not None
            and (composition.semantic or 0.0) >= DOMAIN_SEMANTIC
            and composition.confidence >= MIN_COVERAGE
        )

    def search(self, query: str, k: int) -> list[Hit]:
        """The ``k`` best chunks for ``query``, best first."""
        return self.knowledge.search(query, k=k)

    def compose(self, resolved: Resolved, hits: list[Hit]) -> Composition | None:
        """A cited answer to a (follow-up-resolved) question from ``hits``; None when nothing fits."""
        if not hits:
            return None
        qvec = self.query_vector(resolved.query)
        return self.composer.compose(resolved.focus, hits, context=resolved.context, query_vector=qvec)

    def judge_metric(
        self, metric: str, value: float, unit: str = "", earlier: tuple[float, str] | None = None,
        english: bool = False,
    ) -> Finding | None:
        """What the articles make of a tool's figure for ``metric`` (and its change from ``earlier``), or None."""
        return self.knowledge.judge_metric(metric, value, unit, english=english, earlier=earlier)

    def definition(self, name: str) -> Fact | None:
        """The articles' own definition of the metric ``name`` names ("DSO（应收账款周转天数）"), or None."""
        named = metrics_named(name)
        return definition_of(self.knowledge.facts(), named[0]) if named else None

    def title_of(self, doc_id: str) -> str:
        """An indexed article's title ("" when unknown)."""
        return next((c.title for c in self.knowledge.chunks() if c.doc_id == doc_id), "")

    def names_corpus_subject(self, question: str) -> bool:
        """True when the question names a subject the articles themselves are about (their own words)."""
        return self.composer.names_corpus_subject(question)

    def corrected(self, question: str) -> str:
        """``question`` with its homophone typos replaced by the articles' words ("理陪" -> "理赔")."""
        return self.composer.typos.correct(question)

    def names_known_subject(self, question: str) -> bool:
        """False when the question names a subject (a company, a product) the articles never mention."""
        return self.composer.names_known_subject(question)
