"""Composing a cited answer, offline: answer first, then support, then any disagreement between articles.

The composer joins the parts that each do one job: :class:`~knowledge.scoring.SentenceScorer` picks
article sentences, :class:`~knowledge.leads.Leads` chooses the first sentence and its support,
:mod:`knowledge.reasoning` works out a lead from the articles' facts and the user's figures (a deadline, a
comparison with a threshold, a change, the n-th step), :mod:`knowledge.conflicts` finds articles that
disagree on the asked figure, and :mod:`knowledge.formatting` writes it. Every figure in the lead is checked
against the cited sentences, the question and the computed values (:mod:`knowledge.grounding`); a lead
that fails is dropped. :mod:`knowledge.cover` answers "能赔吗" with a plain "no"
first when a close sentence excludes what was named, a plain "能赔：X属于承保范围" when
a close sentence names the asked event as covered and nothing excludes it, and a disagreement between
articles first when they disagree. A question asking a figure opens with that figure and its event,
restated from the cited sentence (:func:`knowledge.formatting.figure_lead`); supporting sentences that
bring in a figure on another subject are left out. When the asked quantity is absent (no close sentence
states a figure of the asked kind about the asked subject, :mod:`knowledge.absence`) the composition says
so instead of answering; there is no answer to a comparison with something the articles never name.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from knowledge.absence import absence, absent_text, asks_after_premise, quantity_of_unknown_thing, unnamed_charge
from knowledge.causes import CauseJudge
from knowledge.conflicts import Conflict, Figure, figures, topic_conflicts
from knowledge.constants import (
    CASUAL_COVERAGE,
    CASUAL_MEANING,
    CLEAR_MEANING_MARGIN,
    CROSS_LINGUAL_OFFSET,
    FINDING_CONFIDENCE,
    ENGLISH_MEANING,
    MIN_COVERAGE,
    STRONG_MEANING,
    STRONG_MEANING_CONFIDENCE,
)
from knowledge.cover import coverage_disagreement
from knowledge.english import Parts, asked_in_english, english_answer
from knowledge.english_asked import absent_in_english
from knowledge.facts import Fact, extract_facts
from knowledge.formatting import (
    CONFLICT_LEAD,
    CONFLICT_TAIL,
    Citation,
    Citations,
    conflict_line,
    disagreement_line,
    figure_lead,
    full_width,
)
from knowledge.leads import (
    ASKS_FIGURE,
    COMPARISON,
    GIST_UNITS,
    KIND_UNITS,
    Leads,
    asks_figure,
    figure_first,
    stated_in,
    states_unit,
)
from knowledge.metrics import names_of
from knowledge.normalize import in_article_words
from knowledge.questions import asks_disagreement, asks_list, content_terms, understand
from knowledge.reasoning import Finding, reason
from knowledge.scoring import GENERIC, Candidate, asked_units_of, asks_coverage
from knowledge.sentences import PROVIDER, Sentence, terms
from knowledge.terms import STOPWORDS, query_terms, segment
from knowledge.types import Chunk, Hit
from knowledge.typos import corpus_keywords, corpus_texts, corpus_words, corrector_for

logger = logging.getLogger(__name__)

__all__ = ["Citation", "Composer", "Composition"]

# The unit class of figure that answers each numeric kind of question.
_PROBE = 6  # the best candidates searched for the asked kind of figure
STEP_ACTION_SHARE = 0.5  # a step's own action counts half as much as its procedure's purpose
# Asked kinds answered by a sentence holding a fact of the same kind.
_FACT_KINDS = {"threshold", "duration", "percent", "step", "definition"}
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Composition:
    """An answer body with numbered citations, and how confident the composer is.

    Attributes:
        text: the answer with ``[n]`` markers.
        citations: the sources, ``[1]`` first.
        confidence: share of the question's terms covered by the best passage (0..1).
        conflicts: the conflicting figures stated in the text.
        semantic: the best e5 cosine of the question with an article sentence (None without vectors).
        absent: the text says the asked quantity is not in the articles (:mod:`knowledge.absence`).
        found: the text opens with a finding worked out from an article's fact (:mod:`knowledge.reasoning`).
    """

    text: str
    citations: list[Citation]
    confidence: float
    conflicts: list[Conflict] = field(default_factory=list)
    semantic: float | None = None
    absent: bool = False
    found: bool = False


class Composer(Leads):
    """Builds cited answers from hits; knows every sentence and fact of the corpus."""

    def __init__(
        self,
        chunks: Sequence[Chunk],
        embed_passages: Callable[[list[str]], np.ndarray] | None = None,
        facts: Sequence[Fact] | None = None,
        embed_queries: Callable[[list[str]], np.ndarray] | None = None,
    ) -> None:
        """Index the sentences of ``chunks`` and take their facts (extracted here when not given); with
        ``embed_queries`` a cause told in a cover question is judged by meaning (:mod:`knowledge.causes`)."""
        super().__init__(chunks, embed_passages)
        self.causes = CauseJudge(self.pool, embed_queries) if embed_queries is not None else None
        self.facts = list(facts) if facts is not None else [f for c in chunks for f in extract_facts(c)]
        texts = corpus_texts(chunks)
        self.typos = corrector_for(texts)
        self.keywords = corpus_keywords(texts)
        # "heading。text" cuts into the heading's words, "。" and the text's (jieba cuts at every character outside
        # its word blocks), "heading\ntext" into the same without the line break: each chunk is cut once
        self.vocabulary = {w for words in corpus_words(texts) for w in words} | ({"。"} if texts else set())
        self._by_chunk: dict[str, list[Sentence]] = {}
        for sentence in self.pool:
            self._by_chunk.setdefault(sentence.chunk_id, []).append(sentence)
        self._kind_texts: dict[str, set[str]] = {}
        for fact in self.facts:
            self._kind_texts.setdefault(fact.kind, set()).add(self._pool_text(fact))

    def names_corpus_subject(self, question: str) -> bool:
        """True when the question names one of the corpus's own subject words (typos corrected)."""
        text = self.typos.correct(question)
        return any(word in text for word in self.keywords)

    def _fact_relevance(self, query: str, hits: Sequence[Hit]) -> Callable[[Fact], float]:
        # the question's own words: "第二步", "多少天", "最晚" ask, they say nothing about what
        qterms = content_terms(query) or [t for t in terms(query) if not t[0].isdigit()]
        if asked_in_english(query):  # its English words never match a Chinese fact: its glossary terms do
            qterms = [t for t in qterms if _HAN.search(t)] or qterms
        in_hits = {h.chunk.chunk_id for h in hits}

        def relevance(fact: Fact) -> float:
            chunk = self.chunks.get(fact.chunk_id)
            heading = chunk.heading if chunk is not None else ""
            if fact.kind == "step":
                # a step is as relevant as what its procedure is for (the heading it stands under, its name or
                # event), its own action counting less: a word in passing ("…加速逾期账款回收") makes no procedure
                # the one for 逾期
                score = self.weights.coverage(qterms, heading) + self.weights.coverage(qterms, fact.subject)
                score += STEP_ACTION_SHARE * self.weights.coverage(qterms, fact.detail)
                return score if fact.chunk_id in in_hits else 0.8 * score
            score = self.weights.coverage(qterms, f"{heading}。{fact.sentence}")
            score += self.weights.coverage(qterms, f"{fact.subject}{fact.detail}")  # the fact's own event and action
            return score if fact.chunk_id in in_hits else 0.8 * score

        return relevance

    def _clear_winner(self, similar: tuple[np.ndarray, np.ndarray] | None, candidates: list[Candidate]) -> Candidate | None:
        """The candidate closest in meaning to the question when it is clearly closer than any other sentence
        (words shared by chance do not outvote it)."""
        if similar is None or len(similar[0]) < 2:
            return None
        first, second = np.argsort(-similar[0])[:2]
        if similar[0][first] - similar[0][second] < CLEAR_MEANING_MARGIN:
            return None
        return next((c for c in candidates if c.sentence == self.pool[int(first)]), None)

    def _compares_unknown(self, query: str) -> bool:
        """True when the question compares two things and the articles never name one of them as a word
        ("保理" is not a word of "确保理赔"): the comparison asked for is absent."""
        match = COMPARISON.search(query)
        if match is None:
            return False
        for side in (match.group("a"), match.group("b")):
            words = [w for w in segment(in_article_words(side)) if len(w) >= 2 and w not in STOPWORDS]
            if words and not any(self._names_known_thing(w) for w in words):
                return True
        return False

    def _names_known_thing(self, word: str) -> bool:
        """True when the articles know ``word``: as a word, inside a longer word of theirs ("制造" in "制造业"),
        or as the head or tail of a compound ("银行贷款" begins with their "银行")."""
        if word in self.vocabulary or any(word in known for known in self.vocabulary if len(known) > len(word)):
            return True
        ends = [word[:i] for i in range(2, len(word))] + [word[i:] for i in range(1, len(word) - 1)]
        return any(end in self.vocabulary for end in ends)

    def asks_of_unknown_thing(self, question: str) -> str | None:
        """The thing a clause of ``question`` asks a quantity of when no article names it (say 利率), else None."""
        return quantity_of_unknown_thing(question, lambda word: self._names_known_thing(self.typos.correct(word)))

    def asks_of_unnamed_charge(self, question: str) -> str | None:
        """A tax, fee or currency a clause of ``question`` asks whether, which or how about when no article names
        it (say 增值税), else None."""
        return unnamed_charge(question, lambda word: self._names_known_thing(self.typos.correct(word)))

    def compose(
        self,
        query: str,
        hits: Sequence[Hit],
        *,
        context: str = "",
        about_provider: bool | None = None,
        query_vector: np.ndarray | None = None,
    ) -> Composition | None:
        """A cited answer to ``query`` from ``hits``, or None when the articles do not answer it.

        Args:
            query: the normalised (Simplified) question.
            hits: retrieval results, best first.
            context: the earlier topic of a follow-up (weighs less than the question).
            about_provider: keep provider self-description; None decides from the question.
            query_vector: the question's unit embedding (the one the search used), for choosing by meaning.
        """
        typed, query = query, self.typos.correct(query)
        if about_provider is None:
            about_provider = bool(PROVIDER.search(query))
        question = understand(query)
        similar = self.similarities(query_vector)
        favoured = set().union(*(self._kind_texts.get(k, set()) for k in question.kinds & _FACT_KINDS))
        candidates = self.candidates(query, context, hits, about_provider, similar, favoured)
        if not candidates or self._compares_unknown(query):
            return None
        close = {self.pool[int(i)] for i in np.flatnonzero(similar[0] >= STRONG_MEANING)} if similar is not None else set()
        known = lambda word: self._names_known_thing(self.typos.correct(word))  # noqa: E731
        if (missing := absence(question, candidates, self.weights.coverage, context, understand(typed), close, known)) is not None:
            citations = Citations(self.titles)  # the asked quantity is absent: say so, quote what is said
            text = absent_text(missing, citations)
            if question.english:  # the same account in English, then what the articles do say, quoted
                said = f"\n{citations.cite(missing.said.sentence, opening=True)}。" if missing.said else ""
                text = absent_in_english(missing.asked.kind, missing.asked.subject, typed) + said
            scores = {missing.said.sentence.doc_id: missing.said.hit_score} if missing.said else {}
            return Composition(text, citations.citations(scores), 0.0, absent=True)
        # a figure quoted from the articles as the premise of another question is no figure of the user's
        quoted = asks_after_premise(understand(typed), candidates)
        relevance = self._fact_relevance(f"{context} {query}", hits)
        finding = None if quoted else reason(question, self.facts, relevance)
        if finding is None and context and not quoted:
            # a follow-up gives its figure or date for the metric or event named the turn before
            # ("去年DSO是48天" then "今年60天了，算高吗"): reason on the two turns together
            # (what is asked, and which step, is the new message's: the earlier "先做什么" asked step one)
            both = understand(f"{context} {query}")
            both = replace(both, step=question.step, kinds=question.kinds or both.kinds)
            finding = reason(both, self.facts, relevance)
        if finding is not None and not _judges_what_was_named(finding, f"{context} {query}"):
            finding = None  # "账期60天→90天" is not judged by a line on the overdue share
        chosen = self.select(candidates, limit=2 if finding else 3)
        chosen = self._answer_first(query, candidates, chosen, similar)
        clear = self._clear_winner(similar, candidates)
        if clear is not None and finding is None and clear not in chosen:
            chosen = [clear] + chosen[:1]  # one sentence says it far better in meaning than any other
        asks_cover = "cover" in question.kinds or asks_coverage(query)
        dis = coverage_disagreement(self, query, candidates, similar, query_vector) if asks_cover else None
        if asks_cover and dis is None and self.causes and not ASKS_FIGURE.search(query):
            dis = self.causes.disputed(query, self.weights)  # the told cause is a risk the articles disagree on
        # a plain "no" (or "yes") only when the articles agree (in English for an English question)
        verdict = None if finding or dis else self._verdict(query, candidates)
        if verdict is not None:
            chosen = (verdict[1] + [c for c in chosen if c not in verdict[1]])[:2]
        units = set().union(*(KIND_UNITS.get(k, set()) for k in question.kinds)) | (asked_units_of(query) & GIST_UNITS)
        # "能赔几成" asks a figure, not whether: the figure leads as for any figure question
        asks_whether = asks_cover and not asks_figure(question)
        if not (finding or verdict or asks_whether or chosen[0] is clear) and ASKS_FIGURE.search(question.text):
            chosen = figure_first(chosen, units)  # (a clear winner in meaning keeps the lead)
            if "duration" in question.kinds:
                chosen = self._ending_first(question, candidates, chosen)
        restated, asked = ("", None) if finding or asks_whether or question.english else self._restated(question, chosen[0], units)
        # a figure is stray when none is asked, or the lead already restates the asked one (an English
        # question shares no words with the quotes: they all stay)
        if not question.english and (restated or not ASKS_FIGURE.search(question.text)):
            chosen = self._without_stray_figures(chosen, content_terms(f"{context} {query}"))
        conflicts = [] if finding else self._topic_conflicts(query, candidates, chosen, asked if restated else None)
        if restated:  # the asked figure is answered: other figures of its kind, on less of the question, count something else
            words = content_terms(f"{context} {query}")
            floor = self.relevance(words, chosen[0].sentence) if words else 0.0
            chosen = chosen[:1] + [c for c in chosen[1:]
                                   if not states_unit(c.sentence.text, units) or self.relevance(words, c.sentence) > floor]
        citations = Citations(self.titles)
        lines = []
        if dis is not None and not conflicts:
            # the articles disagree on the asked risk: that is the answer, first (its two sentences not repeated)
            lines.append(disagreement_line(dis.term, dis.excluded, dis.covered, citations))
            chosen = [c for c in chosen if c.sentence not in (dis.excluded, dis.covered)] or chosen
        if any(chosen[0].sentence in c.sentences for c in conflicts):
            # the lead states one of the disputed figures: one sentence beside the disagreement, which already
            # quotes each article's figure, so that it is said second, not after a paragraph
            chosen = chosen[:1]
        if conflicts and asks_disagreement(query):  # "有人说…有人说…哪个对": the disagreement is the answer
            lines += [conflict_line(c, citations) for c in conflicts]
            lines.append(self._opening(question, finding, verdict, restated, chosen, citations))
        else:
            lines.append(self._opening(question, finding, verdict, restated, chosen, citations))
            lines += [conflict_line(c, citations) for c in conflicts]
        if restated and asked is not None and not conflicts and (other := self._same_step_elsewhere(chosen[0].sentence, asked)):
            text = self._pool_text(other)
            said = figure_lead(text, stated_in(text, other))
            lines.append(f"{CONFLICT_LEAD}同一篇另一处说{said}{citations.mark(other.doc_id, text)}，{CONFLICT_TAIL}")
        text = full_width("\n".join(lines))
        if question.english or asked_in_english(query):  # the first sentence in English, then Chinese quotes
            citations = Citations(self.titles)
            text = english_answer(Parts(
                question, [c.sentence for c in chosen], self.chunks, self.facts, finding, verdict[0] if verdict else "",
                (dis.term, dis.excluded, dis.covered) if dis is not None and not conflicts else None, conflicts, units,
                bool(ASKS_FIGURE.search(question.text)), asks_list(query), self._pool_text), citations)
        scores = self._scores(hits, chosen, conflicts, query)
        semantic = _best_meaning(similar, question.english)
        confidence = self._confidence(query, candidates, finding is not None, semantic, question.english)
        return Composition(text, citations.citations(scores), confidence, conflicts, semantic, found=finding is not None)

    def _confidence(
        self, query: str, candidates: list[Candidate], found: bool, semantic: float | None, english: bool = False
    ) -> float:
        """How well the articles support an answer: the best coverage of the question's words, raised for a
        worked-out finding and for a sentence that says (nearly) what was asked in other words."""
        confidence = max(max(c.coverage for c in candidates), self._subject_coverage(query, candidates))
        if found:
            confidence = max(confidence, FINDING_CONFIDENCE)  # a worked-out answer from a relevant fact
        if semantic is not None and semantic >= STRONG_MEANING:
            confidence = max(confidence, STRONG_MEANING_CONFIDENCE)  # colloquial wording shares few words
        elif semantic is not None and semantic >= CASUAL_MEANING and confidence >= CASUAL_COVERAGE:
            confidence = max(confidence, MIN_COVERAGE)  # close in meaning, told in the user's own words
        if english and confidence > 0 and semantic is not None and semantic >= ENGLISH_MEANING:
            # an English question shares only its glossary terms with the Chinese articles: close in meaning
            # and naming one of them, it is as supported as a Chinese question at the coverage floor
            confidence = max(confidence, MIN_COVERAGE)
        return confidence

    def _subject_coverage(self, query: str, candidates: list[Candidate]) -> float:
        """How much of the question's own words (asking and function words left out) the best candidates
        cover: a long run-on question is not penalised for its many filler words. A colloquial word's article
        words count as the question's ("不保" asks the 除外责任)."""
        words = content_terms(query) + query_terms(query)[1]
        if not words:
            return 0.0
        return max(self.relevance(words, c.sentence) for c in candidates[:_PROBE])

    def _topic_conflicts(
        self, query: str, candidates: list[Candidate], chosen: list[Candidate], lead: Figure | None = None
    ) -> list[Conflict]:
        """Conflicts on the asked kind of figure among the sentences on the question's topic; when the lead restates
        one figure, only conflicts on that figure (a disagreement on another duration answers nothing asked)."""
        asked = asked_units_of(query)
        if not asked:
            return []  # figures nobody asked for ("账期怎么定") are not weighed against each other
        qterms = terms(query)
        specific = [t for t in qterms if t not in GENERIC]
        stating = [c.sentence for c in candidates[:_PROBE] if any(f.unit in asked for f in figures(c.sentence.text))]
        # an anchor's asked figure must be about the question in its own clause ("30-60个工作日内完成审核赔付"
        # says nothing of a deadline to file)
        words = set(content_terms(query)) or set(specific)
        anchors = [s for s in [c.sentence for c in chosen] + stating[:3]
                   if any(f.unit in asked and words & set(terms(f.clause)) for f in figures(s.text))]
        relevant = [s for s in self.pool if self.relevance(qterms, s) >= 0.08]
        anchors = list(dict.fromkeys([chosen[0].sentence] + anchors if lead is not None else anchors))
        return topic_conflicts(anchors, relevant, self.weights, specific, asked, only=lead)

    def _scores(self, hits: Sequence[Hit], chosen: list[Candidate], conflicts: list[Conflict], query: str) -> dict[str, float]:
        scores: dict[str, float] = {}
        for hit in hits:
            scores[hit.chunk.doc_id] = max(scores.get(hit.chunk.doc_id, 0.0), hit.score)
        for cand in chosen:
            scores.setdefault(cand.sentence.doc_id, cand.hit_score)
        qterms = terms(query)
        for conflict in conflicts:
            for sentence in conflict.sentences:
                # a counterpart from outside the retrieved hits: its own relevance to the question
                scores.setdefault(sentence.doc_id, self.relevance(qterms, sentence))
        return scores


def _judges_what_was_named(finding: Finding, question: str) -> bool:
    """False when the finding holds the user's figure against a threshold on something the question never
    names (its subject shares no term with the question, nor is any other name of that metric in it)."""
    named = set(terms(question)) - GENERIC
    # a metric is named by any of its names ("周转天数" names the fact about "DSO"), as terms or as written
    lowered = question.lower()
    return all(f.kind != "threshold" or not f.subject or named & {t for n in names_of(f.subject) for t in terms(n)}
               or any(n.lower() in lowered for n in names_of(f.subject)) for f in finding.facts)


def _best_meaning(similar: tuple[np.ndarray, np.ndarray] | None, english: bool) -> float | None:
    """The best cosine of the question with an article sentence (an English one raised to the Chinese scale)."""
    if similar is None or not len(similar[0]):
        return None
    # an English question against Chinese sentences scores lower than the same question in Chinese
    return float(similar[0].max()) + (CROSS_LINGUAL_OFFSET if english else 0.0)


