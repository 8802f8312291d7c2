"""The assistant core: ``answer(message, session) -> Reply``.

Routes one message: a tool request (buyer lookup, DSO / ratio calculation) goes to the tool router;
small talk gets a short prompt for a concrete question; off-topic or unsupported questions get
``no_answer`` with the human contact; everything else is answered from the knowledge base with
numbered citations (:mod:`knowledge.answering`), optionally rephrased by the LLM layer.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from bot.chat import split_pieces
from bot.llm import LLMLayer, build_llm, grounded
from bot.messages import Reply, Session, Source, Turn
from bot.tool_routing import ToolRouter, build_tool_router
from knowledge.answering import Composer, Composition
from knowledge.followup import resolve
from knowledge.normalize import NormalizedQuery, normalize_query, to_user_script
from knowledge.scope import has_domain_term, is_off_topic, is_small_talk, strip_injection, uncovered_aspect

if TYPE_CHECKING:
    from bot.config import Settings
    from knowledge.index import KnowledgeBase

logger = logging.getLogger(__name__)

SEARCH_K = 8
# Calibrated on the public and held-out sets: the share of the question's terms the best passage
# must cover. A question naming nothing of the domain needs much more support.
MIN_COVERAGE = 0.12
MIN_COVERAGE_OFF_DOMAIN = 0.5
# The least e5 cosine between the question and its closest article sentence (or FAQ question) for an
# answer: off-topic questions stay below ~0.87, answerable ones reach 0.88 and more.
MIN_SEMANTIC = 0.875
# A question without a domain word ("申请赔款得准备什么文件") still counts as in the domain when an
# article sentence is this close in meaning (unrelated questions stay below ~0.87).
DOMAIN_SEMANTIC = 0.885

EXAMPLES = ("贸易信用保险主要保障哪些风险？", "理赔一般需要多长时间？要准备哪些材料？", "客户逾期了，应该怎么催收、要不要调整信用额度？")
GREETING = "您好！我是贸易信用保险知识助手，可以回答信用保险、坏账保护、理赔、账期和应收账款管理方面的问题。请告诉我您的具体问题，例如："
INJECTION = "我只能根据贸易信用保险的资料回答问题，不会执行改变规则的指令。请告诉我您想了解的具体问题，例如："
NO_ANSWER = "抱歉，知识库里没有关于这个问题的资料，我无法给出可靠的回答。"
NOT_COVERED = "抱歉，资料里没有提到{aspect}方面的信息，我无法给出可靠的回答，建议以保单条款或顾问的答复为准。"
OFF_TOPIC = "抱歉，这个问题超出了本助手的范围：我只能回答贸易信用保险和应收账款管理方面的问题，无法提供这方面的信息。"
EN_GREETING = "Hello! I answer questions about trade credit insurance, bad debt, claims and receivables. Please ask a concrete question, for example:"
EN_NO_ANSWER = "Sorry, the knowledge base does not cover this question, so I cannot answer it reliably."
EN_LEAD = "Here is what the articles say (quoted in Chinese, sources numbered):"


def _examples(lead: str) -> str:
    return lead + "\n" + "\n".join(f"- {q}" for q in EXAMPLES)


class Assistant:
    """Answers messages within sessions; tools first, then the knowledge base."""

    def __init__(
        self,
        knowledge: KnowledgeBase,
        *,
        tools: ToolRouter | None = None,
        human_contact: str,
        llm: LLMLayer | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.tools = tools
        self.human_contact = human_contact
        self.llm = llm
        self._composer: Composer | None = None
        self._lock = threading.Lock()

    @property
    def composer(self) -> Composer:
        """The answer composer over the indexed chunks (built on first use)."""
        if self._composer is None:
            with self._lock:
                if self._composer is None:
                    # sentences are chosen by meaning too, not only by shared words
                    self._composer = Composer(
                        self.knowledge.chunks(), embed_passages=self.knowledge.sentence_vectors, facts=self.knowledge.facts()
                    )
        return self._composer

    # --- the offline answer ---------------------------------------------------------------

    def _no_answer(self, nq: NormalizedQuery, *, off_topic: bool, aspect: str | None = None) -> Reply:
        if nq.script == "en":
            text = f"{EN_NO_ANSWER}\n{self.human_contact}"
        else:
            lead = OFF_TOPIC if off_topic else NOT_COVERED.format(aspect=aspect) if aspect else NO_ANSWER
            text = to_user_script(f"{lead}\n如需帮助，请联系{self.human_contact}", nq.script)
        return Reply(answer=text, status="no_answer")

    def _clarify(self, nq: NormalizedQuery, lead: str) -> Reply:
        text = _examples(EN_GREETING) if nq.script == "en" else to_user_script(_examples(lead), nq.script)
        return Reply(answer=text, status="clarify")

    def _query_vector(self, query: str) -> np.ndarray | None:
        # the search embedded this text a moment ago: the embedder's query cache answers
        return self.knowledge.query_vector(query) if self.composer.semantic else None

    def _supported(self, question: str, composition: Composition | None) -> bool:
        if composition is None or not composition.citations:
            return False
        if composition.semantic is not None and composition.semantic < MIN_SEMANTIC:
            # nothing in the articles is even close in meaning: an unrelated question
            return False
        in_domain = (
            has_domain_term(question)
            or self.composer.names_corpus_subject(question)
            or (composition.semantic or 0.0) >= DOMAIN_SEMANTIC
        )
        floor = MIN_COVERAGE if in_domain else MIN_COVERAGE_OFF_DOMAIN
        return composition.confidence >= floor and self.composer.names_known_subject(question)

    def offline(self, message: str, session: Session) -> tuple[Reply, str]:
        """The offline reply to ``message`` and the topic to remember for follow-ups."""
        if self.tools is not None:
            tool_reply = self.tools.handle(message, session)
            if tool_reply is not None:
                return tool_reply, message
        nq = normalize_query(message)
        question, injected = strip_injection(nq.text)
        if injected:
            logger.info("instruction-like text dropped from a question")
        if not question or is_small_talk(question):
            return self._clarify(nq, INJECTION if injected else GREETING), ""
        if is_off_topic(question):
            return self._no_answer(nq, off_topic=True), ""
        aspect = uncovered_aspect(question, self.composer.corpus_text)
        if aspect is not None and not self.composer.covers(self._query_vector(question)):
            # the aspect's words are not in the articles, and no FAQ there asks the same question
            return self._no_answer(nq, off_topic=False, aspect=aspect), ""
        previous = next((t.topic for t in reversed(session.turns) if t.status == "answered" and t.topic), None)
        surface = strip_injection(nq.surface)[0] if nq.surface else None
        resolved = resolve(
            question, previous if session.turns and session.turns[-1].status == "answered" else None, surface=surface
        )
        hits = self.knowledge.search(resolved.query, k=SEARCH_K)
        qvec = self._query_vector(resolved.query) if hits else None
        composition = (
            self.composer.compose(resolved.focus, hits, context=resolved.context, query_vector=qvec) if hits else None
        )
        if not self._supported(resolved.query, composition):
            return self._no_answer(nq, off_topic=False), resolved.topic
        assert composition is not None
        sources = [Source(c.doc_id, c.title, c.snippet, c.score) for c in composition.citations]
        body = composition.text
        if nq.script == "en":
            body = f"{EN_LEAD}\n{body}"
        else:
            body = to_user_script(body, nq.script)
        return Reply(answer=body, status="answered", sources=sources), resolved.topic

    # --- the public surface -----------------------------------------------------------------

    def answer(self, message: str, session: Session) -> Reply:
        """Answer one message and append the turn to ``session.turns``."""
        reply, topic = self.offline(message, session)
        if self.llm is not None and reply.status == "answered" and reply.sources and not reply.tool_calls:
            try:
                better = self.llm.rewrite(message, reply)
            except Exception:
                logger.warning("LLM rewrite failed; answering offline", exc_info=True)
                better = None
            if better:
                reply.answer = better
        session.turns.append(Turn(question=message, answer=reply.answer, status=reply.status, topic=topic))
        return reply

    def stream(self, message: str, session: Session) -> Iterator[str | Reply]:
        """Yield the answer in pieces (LLM tokens when configured), then the final :class:`Reply`."""
        reply, topic = self.offline(message, session)
        streamed = False
        if self.llm is not None and reply.status == "answered" and reply.sources and not reply.tool_calls:
            pieces: list[str] = []
            try:
                for token in self.llm.stream(message, reply):
                    pieces.append(token)
                    streamed = True
                    yield token
            except Exception:
                logger.warning("LLM stream failed; answering offline", exc_info=True)
            text = "".join(pieces).strip()
            if text and grounded(text, len(reply.sources)):
                reply.answer = text
            elif streamed:
                yield "\n\n"
                streamed = False
        if not streamed:
            yield from split_pieces(reply.answer)
        session.turns.append(Turn(question=message, answer=reply.answer, status=reply.status, topic=topic))
        yield reply


def build_assistant(settings: Settings) -> Assistant:
    """The assistant the settings describe: knowledge base, tools, optional LLM layer."""
    from bot.chat import open_knowledge_base

    knowledge = open_knowledge_base(settings)
    return Assistant(
        knowledge, tools=build_tool_router(settings), human_contact=settings.human_contact, llm=build_llm(settings)
    )
