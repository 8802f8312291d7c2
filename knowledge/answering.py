"""Composing a cited answer, offline: answer first, then support, then any disagreement between articles.

The composer joins the parts that each do one job: :class:`~knowledge.scoring.SentenceScorer` picks
article sentences, :mod:`knowledge.reasoning` works out a lead from the articles' facts and the user's
figures (a deadline, a comparison with a threshold, a change, the n-th step), :mod:`knowledge.conflicts`
finds articles that disagree on the asked figure, and :mod:`knowledge.formatting` writes it. Every
figure in the lead is checked against the cited sentences, the question and the computed values
(:mod:`knowledge.grounding`); a lead that fails is dropped. :mod:`knowledge.cover` answers "能赔吗"
with a plain "no" first when a close sentence excludes what was named, a plain "能赔：X属于承保范围" when
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
from dataclasses import dataclass, field

import numpy as np

from knowledge.absence import absence, absent_text
from knowledge.causes import CauseJudge
from knowledge.conflicts import Conflict, Figure, figures, is_anecdote, topic_conflicts
from knowledge.constants import (
    CASUAL_COVERAGE,
    CASUAL_MEANING,
    CLEAR_MEANING_MARGIN,
    CROSS_LINGUAL_OFFSET,
    FINDING_CONFIDENCE,
    LEAD_COVERAGE_WEIGHT,
    LEAD_POOL,
    STRAY_FIGURE_SHARE,
    ENGLISH_MEANING,
    MIN_COVERAGE,
    STRONG_MEANING,
    STRONG_MEANING_CONFIDENCE,
    SUPPORT_SHARE,
)
from knowledge.cover import cover_verdict, coverage_disagreement, yes_verdict
from knowledge.english import Parts, asked_in_english, english_answer
from knowledge.facts import Fact, extract_facts
from knowledge.formatting import (
    CONFLICT_LEAD,
    CONFLICT_TAIL,
    Citation,
    Citations,
    body,
    conflict_line,
    disagreement_line,
    figure_lead,
    framed,
    full_width,
    strip_end,
)
from knowledge.grounding import numbers, ungrounded
from knowledge.metrics import names_of
from knowledge.normalize import in_article_words
from knowledge.numerals import arabic_figures
from knowledge.questions import (
    Question,
    asks_action,
    asks_comparison,
    asks_example,
    asks_list,
    content_terms,
    understand,
)
from knowledge.reasoning import Finding, reason
from knowledge.scoring import GENERIC, Candidate, SentenceScorer, asked_units_of, asks_coverage
from knowledge.sentences import (
    PROVIDER,
    Sentence,
    advises_on_condition,
    contrasts,
    enumerates,
    introduces_list,
    terms,
)
from knowledge.signs import asks_signs, lists_signs
from knowledge.terms import STOPWORDS, query_terms, segment
from knowledge.types import Chunk, Hit
from knowledge.typos import corpus_keywords, corpus_texts, corrector_for

logger = logging.getLogger(__name__)

__all__ = ["Citation", "Composer", "Composition"]

# The unit class of figure that answers each numeric kind of question.
_KIND_UNITS = {"duration": {"days", "months"}, "percent": {"percent"}}
_PROBE = 6  # the best candidates searched for the asked kind of figure
STEP_ACTION_SHARE = 0.5  # a step's own action counts half as much as its procedure's purpose
_GIST_UNITS = {"days", "months", "percent"}  # figures an English gist may state (and a lead may restate)
# Asked kinds answered by a sentence holding a fact of the same kind.
_FACT_KINDS = {"threshold", "duration", "percent", "step", "definition"}
_HAN = re.compile(r"[\u4e00-\u9fff]")
# The asking words that want a number (or a date computed from one); "什么时候/何时" alone may be
# answered by a condition ("逾期时间较长时").
_ASKS_FIGURE = re.compile(r"多久|多长|多少|(?<!好)几[天日个年周号成次]|哪天|哪一天|最晚|最迟|百分|比例|占比|how (long|many|much)|deadline|last day|percent", re.I)
# "X和Y有什么区别": a comparison of two named things; the articles answer it only when they know both.
_COMPARISON = re.compile(
    r"(?P<a>[^\s，,。？?！!；;]{1,16}?)(?:和|与|跟|同|比|或|还是|versus|vs\.?)(?P<b>[^\s，,。？?！!；;]{1,16}?)"
    r"(?:之间|两者|两个)?(?:有)?(?:什么|啥|哪些|何)?(?:区别|不同|不一样|差别|差异|差在哪|哪个好|哪个更|谁更)"
)


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
    """

    text: str
    citations: list[Citation]
    confidence: float
    conflicts: list[Conflict] = field(default_factory=list)
    semantic: float | None = None
    absent: bool = False


class Composer(SentenceScorer):
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
        self.typos = corrector_for(corpus_texts(chunks))
        self.keywords = corpus_keywords(corpus_texts(chunks))
        self.vocabulary = {w for c in chunks for w in segment(f"{c.heading}。{c.text}")}
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
        match = _COMPARISON.search(query)
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
        if (missing := absence(question, candidates, self.weights.coverage, context, understand(typed))) is not None:
            citations = Citations(self.titles)  # the asked quantity is absent: say so, quote what is said
            text = absent_text(missing, citations)
            scores = {missing.said.sentence.doc_id: missing.said.hit_score} if missing.said else {}
            return Composition(text, citations.citations(scores), 0.0, absent=True)
        finding = reason(question, self.facts, self._fact_relevance(f"{context} {query}", hits))
        if finding is not None and not _judges_what_was_named(finding, f"{context} {query}"):
            finding = None  # "账期60天→90天" is not judged by a line on the overdue share
        chosen = self.select(candidates, limit=2 if finding else 3)
        chosen = self._answer_first(query, candidates, chosen, similar)
        clear = self._clear_winner(similar, candidates)
        if clear is not None and finding is None and clear not in chosen:
            chosen = [clear] + chosen[:1]  # one sentence says it far better in meaning than any other
        asks_cover = "cover" in question.kinds or asks_coverage(query)
        dis = coverage_disagreement(self, query, candidates, similar, query_vector) if asks_cover else None
        if asks_cover and dis is None and self.causes and not _ASKS_FIGURE.search(query):
            dis = self.causes.disputed(query, self.weights)  # the told cause is a risk the articles disagree on
        # a plain "no" (or "yes") only when the articles agree (in English for an English question)
        verdict = None if finding or dis else self._verdict(query, candidates)
        if verdict is not None:
            chosen = (verdict[1] + [c for c in chosen if c not in verdict[1]])[:2]
        units = set().union(*(_KIND_UNITS.get(k, set()) for k in question.kinds)) | (asked_units_of(query) & _GIST_UNITS)
        # "能赔几成" asks a figure, not whether: the figure leads as for any figure question
        asks_whether = asks_cover and not _asks_figure(question)
        if not (finding or verdict or asks_whether or chosen[0] is clear) and _ASKS_FIGURE.search(question.text):
            chosen = _figure_first(chosen, units)  # (a clear winner in meaning keeps the lead)
        restated, asked = ("", None) if finding or asks_whether or question.english else self._restated(question, chosen[0], units)
        # a figure is stray when none is asked, or the lead already restates the asked one (an English
        # question shares no words with the quotes: they all stay)
        if not question.english and (restated or not _ASKS_FIGURE.search(question.text)):
            chosen = self._without_stray_figures(chosen, content_terms(f"{context} {query}"))
        conflicts = [] if finding else self._topic_conflicts(query, candidates, chosen, asked if restated else None)
        if restated:  # the asked figure is answered: other figures of its kind, on less of the question, count something else
            words = content_terms(f"{context} {query}")
            floor = self.relevance(words, chosen[0].sentence) if words else 0.0
            chosen = chosen[:1] + [c for c in chosen[1:]
                                   if not _states_unit(c.sentence.text, units) or self.relevance(words, c.sentence) > floor]
        citations = Citations(self.titles)
        lines = []
        if dis is not None and not conflicts:
            # the articles disagree on the asked risk: that is the answer, first (its two sentences not repeated)
            lines.append(disagreement_line(dis.term, dis.excluded, dis.covered, citations))
            chosen = [c for c in chosen if c.sentence not in (dis.excluded, dis.covered)] or chosen
        lines.append(self._opening(question, finding, verdict, restated, chosen, citations))
        lines += [conflict_line(c, citations) for c in conflicts]
        if restated and asked is not None and not conflicts and (other := self._same_step_elsewhere(chosen[0].sentence, asked)):
            text = self._pool_text(other)
            said = figure_lead(text, _stated_in(text, other))
            lines.append(f"{CONFLICT_LEAD}同一篇另一处说{said}{citations.mark(other.doc_id, text)}，{CONFLICT_TAIL}")
        text = full_width("\n".join(lines))
        if question.english or asked_in_english(query):  # the first sentence in English, then Chinese quotes
            citations = Citations(self.titles)
            text = english_answer(Parts(
                question, [c.sentence for c in chosen], self.chunks, self.facts, finding, verdict[0] if verdict else "",
                (dis.term, dis.excluded, dis.covered) if dis is not None and not conflicts else None, conflicts, units,
                bool(_ASKS_FIGURE.search(question.text)), asks_list(query), self._pool_text), citations)
        scores = self._scores(hits, chosen, conflicts, query)
        semantic = _best_meaning(similar, question.english)
        confidence = self._confidence(query, candidates, finding is not None, semantic, question.english)
        return Composition(text, citations.citations(scores), confidence, conflicts, semantic)

    def _verdict(self, query: str, candidates: list[Candidate]) -> tuple[str, list[Candidate]] | None:
        """For "能赔吗": a prefix "一般不赔：" (joined to the sentence that says so) or a sentence of its own,
        "能赔：X属于承保范围" (followed by the covering sentence), or None when unsure. A told cause is judged by
        meaning (:mod:`knowledge.causes`): clearly covered it outweighs an excluded word the question names,
        otherwise that word's "no" comes first; the covered words are looked for last."""
        question = understand(query)
        asks_cover = "cover" in question.kinds or asks_coverage(query)
        asks_figure = _asks_figure(question)  # "能赔多少 / 多久赔" ask a figure, not whether
        told = self.causes.verdict(query) if self.causes and asks_cover and not asks_figure else None
        no = cover_verdict(query, candidates, self.weights)
        # a cause clearly covered in meaning outweighs an excluded word it names ("currency" of a transfer block)
        if no is not None and not (no[0] == "一般不赔：" and told and told.text.startswith("能赔")):
            return no
        if told is not None:  # the told cause judged by meaning: each cited sentence as a candidate
            known = {c.sentence: c for c in candidates}
            return told.text, [known.get(s) or Candidate(s, 0.0, 0.0, 0.0) for s in told.sentences]
        yes = None if asks_figure else yes_verdict(query, candidates, self)  # "能赔几成" is answered by the share
        return (yes[0], [yes[1]]) if yes else None

    def _opening(
        self, question: Question, finding: Finding | None, verdict: tuple[str, list[Candidate]] | None,
        restated: str, chosen: list[Candidate], citations: Citations,
    ) -> str:
        """The body: the first sentence in the user's terms (a verdict, the asked figure restated, a finding or
        the best sentence), then its support."""
        lead, support = self._lead(question, finding, chosen, citations)
        if verdict is not None and not verdict[0].endswith("："):  # a sentence of its own: cited, the proof after it
            cited = verdict[1] or chosen[:1]  # its "{}" take the marks of its sentences (one at the end by default)
            marks = [citations.mark(c.sentence.doc_id, c.sentence.text) for c in cited]
            text = verdict[0] if "{}" in verdict[0] else verdict[0] + "{}"
            return body(f"{text.format(*marks)}。", [lead, *support][: len(cited)])
        if restated:  # the asked figure with its event, in place of the whole sentence
            return body(f"{restated}{citations.mark(chosen[0].sentence.doc_id, chosen[0].sentence.text)}。", support)
        return body(f"{verdict[0]}{lead}" if verdict else lead, support)

    def _restated(self, question: Question, lead: Candidate, units: set[str]) -> tuple[str, Figure | None]:
        """The lead sentence's asked figure as a short answer ("收到文件后，一般20-40个工作日内付款"), or "".

        Only for a question that asks a figure, and a sentence stating exactly one figure of the asked kind (a
        schedule of several answers by the clause about what was asked); the restatement keeps only the sentence's
        own figures. Also the figure restated (conflicts are weighed on it alone)."""
        if not units or not _ASKS_FIGURE.search(question.text):
            return "", None
        figure = self._asked_figure(question, lead.sentence, units)
        if figure is None or _glosses(lead.sentence.text, figure.text):
            return "", None
        text = figure_lead(lead.sentence.text, figure.text)
        if text.startswith(figure.text):  # "30天启动…" in a schedule counts from the schedule's event ("逾期")
            text = self._event_of(lead.sentence, figure) + text
        return (text, figure) if text and not ungrounded(text, [lead.sentence.text]) else ("", None)

    def _asked_figure(self, question: Question, sentence: Sentence, units: set[str]) -> Figure | None:
        """The sentence's one figure of the asked kind; in a schedule of several, the one whose clause says most
        of the question ("逾期多少天走法律程序" -> the clause on legal steps), or None when no clause stands out.

        An event every step counts from ("逾期") tells no clause apart; when no clause shares a word with the
        question, the one sharing the most of its characters does ("停止接新单" and "暂停新订单")."""
        stated = [f for f in figures(sentence.text, levels_only=False) if f.unit in units and f.text]
        if len({f.value for f in stated}) == 1:
            return stated[0]
        events = {self._event_of(sentence, f) for f in stated}
        event = set(events.pop()) if len(events) == 1 else set()
        words = [w for w in content_terms(question.text) if not set(w) <= event]
        chars = set("".join(words)) - event
        scored = sorted(((self.weights.coverage(words, f.clause) if words else 0.0,
                          len(chars & set(f.clause)), n) for n, f in enumerate(stated)), reverse=True)
        if not scored or (scored[0][0] <= 0 and scored[0][1] < 2) or (len(scored) > 1 and scored[1][:2] >= scored[0][:2]):
            return None
        return stated[scored[0][2]]

    def _same_step_elsewhere(self, sentence: Sentence, figure: Figure) -> Fact | None:
        """Another sentence of the same article giving a different count of days for the same step ("30天启动法律催告
        程序" here, "逾期15天即启动法律程序" there): two statements of one article disagree too."""
        value = _value_of(figure)
        mine = next((f for f in self.facts if f.kind == "duration" and f.value == value and f.detail
                     and self._pool_text(f) == sentence.text), None)
        if mine is None:
            return None
        for fact in self.facts:
            if (fact.kind == "duration" and fact.doc_id == mine.doc_id and fact.value not in (None, value)
                    and self._pool_text(fact) != sentence.text and fact.unit == mine.unit and _same_action(fact, mine)):
                return fact
        return None

    def _event_of(self, sentence: Sentence, figure: Figure) -> str:
        """The event a duration of ``sentence`` is counted from, as its facts read it ("逾期"), or ""."""
        value = _value_of(figure)
        fact = next((f for f in self.facts if f.kind == "duration" and f.value == value and f.subject
                     and sentence.text in (f.sentence, self._pool_text(f))), None)
        return fact.subject if fact is not None else ""

    def _without_stray_figures(self, chosen: list[Candidate], words: list[str]) -> list[Candidate]:
        """The lead and the supporting sentences, less those that bring in a figure (days, a share) while saying
        much less of the question than the lead does (:data:`STRAY_FIGURE_SHARE`): "20-40个工作日内付款" does
        not support an answer on filing online."""
        floor = STRAY_FIGURE_SHARE * self.relevance(words, chosen[0].sentence) if words else 0.0

        def stray(c: Candidate) -> bool:
            stated = {f.unit for f in figures(c.sentence.text, levels_only=False)} & _GIST_UNITS
            return bool(stated) and self.relevance(words, c.sentence) < floor

        return [chosen[0]] + [c for c in chosen[1:] if not stray(c)]

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

    def _answer_first(
        self, query: str, candidates: list[Candidate], chosen: list[Candidate],
        similar: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> list[Candidate]:
        """The chosen sentences, the one that best says what was asked first; weak support dropped.

        The lead covers the question's subject words best (its asking and filler words left out: a
        sentence sharing "以后", "不能" says nothing about the subject). A question asking for the warning signs
        is answered by a sentence listing them, and one asking for an example by a case, found by meaning in all the articles when no
        candidate is one ("有啥苗头" shares no word with "风险信号包括：…")."""
        words = content_terms(query)

        def about(c: Candidate) -> float:
            return self.relevance(words, c.sentence) if words else c.coverage

        pool = candidates[:LEAD_POOL]
        if asks_action(query):  # "评级被下调了怎么办": what the articles say to do in that situation leads
            pool = [c for c in pool if advises_on_condition(c.sentence.text) and about(c) > 0] or pool
        if asks_comparison(query):  # "A和B差在哪": a sentence stating the difference (of the two named) leads
            sides = _COMPARISON.search(query)
            side_terms = [terms(in_article_words(sides.group(k))) for k in "ab"] if sides is not None else []
            named = [c for c in pool if all(self.relevance(t, c.sentence) > 0 for t in side_terms)]
            pool = ([c for c in named if contrasts(c.sentence.text) and about(c) > 0]
                    or (named if sides is not None else []) or pool)
        if asks_example(query):  # "举个例子": a case study about the subject leads (from all candidates: few are cases)
            pool = [c for c in candidates if is_anecdote(c.sentence.text) and about(c) > 0] or self._closest(similar, is_anecdote) or pool
        if asks_list(query):  # "要准备哪些材料": a sentence listing them about the subject answers it
            pool = [c for c in pool if enumerates(c.sentence.text) and about(c) > 0] or pool
        if asks_signs(query):  # "快不行了有什么征兆": a sentence listing the warning signs answers it, if any is found
            pool = [c for c in candidates if lists_signs(c.sentence.text)][:LEAD_POOL] or self._closest(similar, lists_signs) or pool
        lead = max(pool, key=lambda c: c.score + LEAD_COVERAGE_WEIGHT * about(c))
        rest = sorted((c for c in chosen if c is not lead), key=lambda c: -c.score)
        return [lead] + [c for c in rest if c.score >= SUPPORT_SHARE * candidates[0].score]

    def _closest(self, similar: tuple[np.ndarray, np.ndarray] | None, accept: Callable[[str], bool]) -> list[Candidate]:
        """The article sentence of the accepted shape closest in meaning to the question, as a candidate; [] without
        vectors or such a sentence."""
        if similar is None:
            return []
        shaped = [n for n, s in enumerate(self.pool) if accept(s.text)]
        if not shaped:
            return []
        best = max(shaped, key=lambda n: similar[0][n])
        return [Candidate(self.pool[best], 0.0, 0.0, float(similar[0][best]))]

    def _lead(
        self, question: Question, finding: Finding | None, chosen: list[Candidate], citations: Citations
    ) -> tuple[str, list[str]]:
        """The first sentence (a finding when one is grounded, else the best sentence) and the support."""
        if finding is not None:
            sources = [f.sentence for f in finding.facts]
            if not ungrounded(finding.lead.format(*[""] * len(finding.facts)), sources, [question.text, *finding.derived]):
                marks = [citations.mark(f.doc_id, self._pool_text(f)) for f in finding.facts]
                lead = finding.lead.format(*marks)
                if finding.whole:
                    return lead, []
                support = [f"{strip_end(self._pool_text(f))}{m}。" for f, m in zip(finding.facts, marks, strict=True)
                           if strip_end(f.sentence) not in lead and not (f.detail and f.detail in lead)]
                # a step is supported by its own procedure only, not by another one's ("首先…" of another task)
                own = {f.chunk_id for f in finding.facts} if any(f.kind == "step" for f in finding.facts) else None
                # a date worked out from a time limit is not supported by another time limit (a payout's working days)
                timed = {"days", "months"} if all(f.kind == "duration" for f in finding.facts) else set()
                rest = [c for c in chosen if c.sentence.text not in {self._pool_text(f) for f in finding.facts}
                        and not introduces_list(c.sentence.text) and (own is None or c.sentence.chunk_id in own)
                        and not _states_unit(c.sentence.text, timed)]
                support += [framed(c.sentence, self.chunks[c.sentence.chunk_id], citations) + "。" for c in rest[:1]]
                return lead, support
            logger.debug("a finding cites no source for one of its figures; answering from sentences")
        # the first sentence is the article's own (no heading ahead of it); support pointing back says where it is from
        sentences = [citations.cite(c.sentence, opening=True) + "。" if c is chosen[0] else
                     framed(c.sentence, self.chunks[c.sentence.chunk_id], citations) + "。"
                     for c in chosen if c is chosen[0] or not introduces_list(c.sentence.text)]
        lead = chosen[0].sentence
        items = [f.detail for f in self.facts if f.kind == "step" and f.chunk_id == lead.chunk_id]
        if introduces_list(lead.text) and items:
            # "…具备以下特征：" says nothing by itself: the list it announces is the answer
            mark = citations.mark(lead.doc_id, lead.text)
            sentences[0] = f"{lead.text.rstrip()}{'；'.join(items)}{mark}。"
        return sentences[0], sentences[1:]

    def _pool_text(self, fact: Fact) -> str:
        """The pool sentence a fact came from (facts read figures in digits; the pool keeps the article's text)."""
        for sentence in self._by_chunk.get(fact.chunk_id, []):
            if sentence.text in fact.sentence or fact.sentence in sentence.text or _same_figures(sentence.text, fact.sentence):
                return sentence.text
        return fact.sentence

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


def _asks_figure(question: Question) -> bool:
    """True when the question asks a figure ("多久", "几成"), whatever else it asks ("能赔几成")."""
    return bool(_ASKS_FIGURE.search(question.text) or question.kinds & set(_KIND_UNITS))


def _best_meaning(similar: tuple[np.ndarray, np.ndarray] | None, english: bool) -> float | None:
    """The best cosine of the question with an article sentence (an English one raised to the Chinese scale)."""
    if similar is None or not len(similar[0]):
        return None
    # an English question against Chinese sentences scores lower than the same question in Chinese
    return float(similar[0].max()) + (CROSS_LINGUAL_OFFSET if english else 0.0)


def _value_of(figure: Figure) -> float:
    """A figure's (lower) value as a number ("30-60" -> 30)."""
    return float(re.sub(r"[-~至到].*|多", "", figure.value) or 0)


def _same_action(a: Fact, b: Fact) -> bool:
    """Two steps doing the same thing: most of the shorter action's character pairs are in the other's."""
    pairs = [{t[i : i + 2] for i in range(len(t) - 1)} for t in (a.detail, b.detail)]
    shorter = min(pairs, key=len)
    return len(shorter) >= 2 and len(pairs[0] & pairs[1]) >= 0.6 * len(shorter)


def _stated_in(text: str, fact: Fact) -> str:
    """How ``text`` writes the fact's figure ("15天"), for quoting the clause that states it."""
    found = re.search(rf"{fact.value:g}\s*(?:个)?{fact.unit}", arabic_figures(text))
    return found.group(0) if found else f"{fact.value:g}{fact.unit}"


def _glosses(text: str, figure: str) -> bool:
    """True when ``figure`` stands inside brackets: it glosses a term ("逾期率（超过合同账期30天未回款占比）"),
    it is no answer of its own."""
    return any(figure in inner for inner in re.findall(r"[（(]([^（()）]*)[）)]", arabic_figures(text)))


def _states_unit(text: str, units: set[str]) -> bool:
    return any(f.unit in units for f in figures(text, levels_only=False))


def _figure_first(chosen: list[Candidate], units: set[str]) -> list[Candidate]:
    """For a question asking a figure, the first chosen sentence stating one of the asked kind leads (a sentence
    naming the subject without the figure goes after it)."""
    stating = next((c for c in chosen if any(f.unit in units for f in figures(c.sentence.text, levels_only=False))), None)
    return chosen if stating is None else [stating] + [c for c in chosen if c is not stating]


def _same_figures(a: str, b: str) -> bool:
    return bool(numbers(a)) and numbers(a) == numbers(b)
