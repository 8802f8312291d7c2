"""Step: search the articles (a follow-up in its earlier context) and compose a cited answer.

The composer also states conflicting figures between articles (``knowledge.answering``); this step
decides whether the composition is supported well enough to answer at all.
"""

from __future__ import annotations

from bot.messages import Reply, Source
from bot.pipeline.knowledge import (
    DOMAIN_SEMANTIC,
    MIN_COVERAGE,
    MIN_COVERAGE_OFF_DOMAIN,
    MIN_SEMANTIC,
    SEARCH_K,
    Composition,
    Library,
    has_domain_term,
    resolve,
    strip_injection,
    to_user_script,
)
from bot.pipeline.texts import english_body, no_answer
from bot.pipeline.turn import TurnContext



class RetrievalStep:
    """Always answers: a cited ``answered`` reply, or ``no_answer`` when the articles do not support one."""

    def __init__(self, library: Library, human_contact: str) -> None:
        self.library = library
        self.human_contact = human_contact

    def _supported(self, question: str, composition: Composition | None, told: str = "") -> bool:
        """Whether to answer ``question`` from ``composition``, or from what ``told`` (the user's own message,
        without the search's added terms) asks once its story is left out."""
        return self._judged(question, composition) or self._without_story(told) is not None

    def _without_story(self, question: str) -> Composition | None:
        """The composition for ``question`` without the words of its story the articles never use, when that
        one is supported and finds the asked fact; None otherwise (or when there is no such story).

        A story in the user's own trade ("幼儿园说校服褪色…能赔吗", "教玩具款…能拿回几成") lowers the whole
        message's coverage and meaning, or hides the asked fact behind its words; its question is kept whole.
        """
        asked = self.library.without_story(question)
        if not asked or self.library.asks_of_unknown_thing(question):
            return None  # a quantity of a thing no article names ("经营贷利率多少") stays unanswered
        told = self.library.compose(resolve(asked, None), self.library.search(asked, SEARCH_K))
        return told if told is not None and not told.absent and self._judged(asked, told) else None

    def _judged(self, question: str, composition: Composition | None) -> bool:
        """Whether ``composition`` supports an answer to ``question``: close enough in meaning, in the domain
        or covering most of it, and naming nothing the articles do not."""
        if composition is None or not composition.citations:
            return False
        meaning = composition.semantic
        if meaning is not None and meaning < DOMAIN_SEMANTIC:
            # the message as typed may be pulled down by its noise: judged again on what it asks (computed
            # only here, where the whole message falls short)
            meaning = max(meaning, self.library.asked_meaning(question))
        if meaning is not None and meaning < MIN_SEMANTIC and not composition.found:
            # nothing in the articles is even close in meaning: an unrelated question (a finding worked out from
            # an article's own fact, "15个工作日从资料齐全起算", is close enough whatever the encoder says)
            return False
        named = (
            has_domain_term(question)
            or has_domain_term(self.library.corrected(question))  # "理陪" is a typed 理赔
            or self.library.names_corpus_subject(question)
        )
        if not named and self.library.asks_of_unknown_thing(question):
            # in the domain by meaning alone, and what it asks a figure of (a loan's 利率) no article names:
            # a story close to the articles around a question they cannot answer
            return False
        in_domain = named or (meaning or 0.0) >= DOMAIN_SEMANTIC
        floor = MIN_COVERAGE if in_domain else MIN_COVERAGE_OFF_DOMAIN
        return composition.confidence >= floor and self.library.names_known_subject(question)

    def handle(self, turn: TurnContext) -> Reply:
        """The cited answer, or ``no_answer``; the resolved question becomes the turn's topic."""
        surface = strip_injection(turn.query.surface)[0] if turn.query.surface else None
        resolved = resolve(turn.question, turn.previous_topic, surface=surface)
        turn.topic = resolved.topic
        composition = self.library.compose(resolved, self.library.search(resolved.query, SEARCH_K))
        sources = _sources(composition)
        told = surface if surface and not resolved.context else ""  # a follow-up's story is its earlier turns
        if composition is not None and composition.absent:  # the asked quantity is not in the articles
            asked = self._without_story(told)  # ...unless only the story's own words hid it
            if asked is None:
                return no_answer(turn, self.human_contact, absent=composition.text, sources=sources)
            composition = asked
            sources = _sources(composition)
        elif composition is None or not self._supported(resolved.query, composition, told):
            return no_answer(turn, self.human_contact)
        script = turn.query.script
        body = english_body(composition.text) if script == "en" else to_user_script(composition.text, script)
        return Reply(answer=body, status="answered", sources=sources)


def _sources(composition: Composition | None) -> list[Source]:
    """The reply's sources: the composition's citations."""
    return [Source(c.doc_id, c.title, c.snippet, c.score) for c in composition.citations] if composition else []
