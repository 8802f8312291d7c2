"""Choosing the first sentence of an answer and writing it in the user's terms: the lead and its support.

:class:`Leads` is the part of :class:`~knowledge.answering.Composer` that decides what opens the answer: the
sentence saying the asked kind of fact (a list for "哪些", the signs for "有啥苗头", a case for "举个例子", what
to do for "怎么办", the difference for "A和B差在哪"), a verdict for "能赔吗" (:mod:`knowledge.cover`,
:mod:`knowledge.causes`), the asked figure restated with its event (:func:`knowledge.formatting.figure_lead`), a
worked-out finding (:mod:`knowledge.reasoning`), then one or two supporting sentences.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import numpy as np

from knowledge.causes import CauseJudge, asks_about_cover, asks_excluded
from knowledge.conflicts import Figure, figures, is_anecdote
from knowledge.constants import (
    ADVICE_POOL,
    ADVICE_SUPPORT_SHARE,
    LEAD_COVERAGE_WEIGHT,
    LEAD_POOL,
    STRAY_FIGURE_SHARE,
    SUPPORT_SHARE,
)
from knowledge.cover import cover_verdict, yes_verdict
from knowledge.facts import Fact
from knowledge.formatting import Citations, body, figure_lead, framed, strip_end
from knowledge.grounding import numbers, ungrounded
from knowledge.how_long import AFTER_START, asked_ending, asked_subject
from knowledge.normalize import in_article_words
from knowledge.numerals import arabic_figures
from knowledge.questions import (
    Question,
    asked_terms,
    asks_advice,
    asks_comparison,
    asks_example,
    after_event,
    asks_factors,
    asks_grade,
    asks_list,
    content_terms,
    understand,
)
from knowledge.reasoning import Finding
from knowledge.scoring import Candidate, SentenceScorer, asks_coverage
from knowledge.sentences import Sentence, contrasts, enumerates, introduces_list, names_factors, recommends, states_grade, terms
from knowledge.signs import asks_signs, lists_signs
from knowledge.terms import query_terms

logger = logging.getLogger(__name__)

# The unit class of figure that answers each numeric kind of question.
KIND_UNITS = {"duration": {"days", "months"}, "percent": {"percent"}}
GIST_UNITS = {"days", "months", "percent"}  # figures an English gist may state (and a lead may restate)
# The asking words that want a number (or a date computed from one); "什么时候/何时" alone may be
# answered by a condition ("逾期时间较长时").
ASKS_FIGURE = re.compile(r"多久|多长|多少|(?<!好)几[天日个年周号成次]|哪天|哪一天|最晚|最迟|百分|比例|占比|how (long|many|much)|deadline|last day|percent", re.I)
# "X和Y有什么区别": a comparison of two named things; the articles answer it only when they know both.
COMPARISON = re.compile(
    r"(?P<a>[^\s，,。？?！!；;]{1,16}?)(?:和|与|跟|同|比|或|还是|versus|vs\.?)(?P<b>[^\s，,。？?！!；;]{1,16}?)"
    r"(?:之间|两者|两个)?(?:有)?(?:什么|啥|哪些|何)?(?:本质|根本|主要|最大|具体)?(?:的)?(?:区别|不同|不一样|差别|差异|差在哪|哪个好|哪个更|谁更)"
)


class Leads(SentenceScorer):
    """The lead and verdict choices of the composer (its facts, cause judge and chunks set by the composer)."""

    facts: list[Fact]
    causes: CauseJudge | None
    _by_chunk: dict[str, list[Sentence]]

    def _verdict(self, query: str, candidates: list[Candidate]) -> tuple[str, list[Candidate]] | None:
        """For "能赔吗": a prefix "一般不赔：" (joined to the sentence that says so) or a sentence of its own,
        "能赔：X属于承保范围" (followed by the covering sentence), or None when unsure. A told cause is judged by
        meaning (:mod:`knowledge.causes`): clearly covered it outweighs an excluded word the question names,
        otherwise that word's "no" comes first; the covered words are looked for last."""
        question = understand(query)
        asks_cover = "cover" in question.kinds or asks_coverage(query)
        figure_asked = asks_figure(question)  # "能赔多少 / 多久赔" ask a figure, not whether
        # "保哪几类风险", "What does it not cover?": a list (an English yes/no opens with is/does/will, not what)
        listed = asks_list(query) or (question.english and re.match(r"\W*what\b", query, re.IGNORECASE))
        if listed and (asks_cover or asks_about_cover(query)) and self.causes is not None and not figure_asked:
            return self._risk_list(query, candidates)
        told = self.causes.verdict(query) if self.causes and asks_cover and not figure_asked else None
        no = cover_verdict(query, candidates, self.weights)
        # a cause clearly covered in meaning outweighs an excluded word it names ("currency" of a transfer block)
        if no is not None and not (no[0] == "一般不赔：" and told and told.text.startswith("能赔")):
            return no
        if told is not None:  # the told cause judged by meaning: each cited sentence as a candidate
            known = {c.sentence: c for c in candidates}
            return told.text, [known.get(s) or Candidate(s, 0.0, 0.0, 0.0) for s in told.sentences]
        yes = None if figure_asked else yes_verdict(query, candidates, self)  # "能赔几成" is answered by the share
        return (yes[0], [yes[1]]) if yes else None

    def _risk_list(self, query: str, candidates: list[Candidate]) -> tuple[str, list[Candidate]] | None:
        """For "保哪几类风险" / "哪些情况不赔": no verdict; the sentence listing most of the asked kind of risks leads
        (among the candidates, the nearer first on a tie; else among all the sentences), the next such one after it."""
        listing = self.causes.listing(asks_excluded(query)) if self.causes is not None else {}
        if not listing:
            return None
        listed = sorted((c for c in candidates if c.sentence in listing), key=lambda c: -listing[c.sentence])
        return "", (listed or [Candidate(next(iter(listing)), 0.0, 0.0, 0.0)])[:2]

    def _opening(
        self, question: Question, finding: Finding | None, verdict: tuple[str, list[Candidate]] | None,
        restated: str, chosen: list[Candidate], citations: Citations,
    ) -> str:
        """The body: the first sentence in the user's terms (a verdict, the asked figure restated, a finding or
        the best sentence), then its support."""
        lead, support = self._lead(question, finding, chosen, citations)
        if verdict is not None and verdict[0] and not verdict[0].endswith("："):  # a sentence of its own: cited, the proof after it
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
        if not units or not ASKS_FIGURE.search(question.text):
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
            stated = {f.unit for f in figures(c.sentence.text, levels_only=False)} & GIST_UNITS
            return bool(stated) and self.relevance(words, c.sentence) < floor

        return [chosen[0]] + [c for c in chosen[1:] if not stray(c)]

    def _answer_first(
        self, query: str, candidates: list[Candidate], chosen: list[Candidate],
        similar: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> list[Candidate]:
        """The chosen sentences, the one that best says what was asked first; weak support dropped.

        The lead covers the question's subject words best (its asking and filler words left out: a
        sentence sharing "以后", "不能" says nothing about the subject). A question asking for the warning signs
        is answered by a sentence listing them, and one asking for an example by a case, found by meaning in all the articles when no
        candidate is one ("有啥苗头" shares no word with "风险信号包括：…"). A question asking what to do is led by
        a sentence saying what to do about what its asking clause names ("该让他付定金还是担保"), not by one
        sharing the words of the story told before it; only recommendations or sentences on the same matter follow."""
        words = content_terms(query)
        question = understand(query)
        advice = asks_advice(question) and not asks_figure(question)
        # what is to be done is named in the asking clause: its words count twice, the story's once
        asked = asked_terms(query) if advice else []

        def about(c: Candidate) -> float:
            if not words:
                return c.coverage
            if not asked:
                return self.relevance(words, c.sentence)
            return (self.relevance(words, c.sentence) + self.relevance(asked, c.sentence)) / 2

        def weight(c: Candidate) -> float:
            return c.score + LEAD_COVERAGE_WEIGHT * about(c)

        pool = candidates[:LEAD_POOL]
        if advice:  # "该让他付定金还是担保", "评级被下调了怎么办": a sentence saying what to do (or what a firm did in
            # that case) leads
            pool = [c for c in candidates[:ADVICE_POOL] if recommends(c.sentence.text) or is_anecdote(c.sentence.text)] or pool
        if asks_comparison(query):  # "A和B差在哪": a sentence stating the difference (of the two named) leads
            sides = COMPARISON.search(query)
            side_terms = [terms(in_article_words(sides.group(k))) for k in "ab"] if sides is not None else []
            named = [c for c in pool if all(self.relevance(t, c.sentence) > 0 for t in side_terms)]
            # a sentence stating a difference while naming one side ("与传统催收的区别在于：前者…后者…") says
            # more than one naming both without contrasting them
            either = [c for c in pool if contrasts(c.sentence.text) and about(c) > 0
                      and any(self.relevance(t, c.sentence) > 0 for t in side_terms)]
            pool = ([c for c in named if contrasts(c.sentence.text) and about(c) > 0] or either
                    or (named if sides is not None else []) or pool)
        if asks_example(query):  # "举个例子": a case study about the subject leads (from all candidates: few are cases)
            pool = [c for c in candidates if is_anecdote(c.sentence.text) and about(c) > 0] or self._closest(similar, is_anecdote) or pool
        if event := after_event(query):  # "交完材料以后接下来干嘛": what is done once that has happened
            happened = content_terms(in_article_words(event)) + query_terms(event)[1]  # 材料 read as 文件, 资料
            pool = [c for c in candidates if self._follows(c.sentence.text, happened) and about(c) > 0][:LEAD_POOL] or pool
        if asks_grade(query):  # "评级是啥级别": a sentence stating the grade, about the subject
            pool = [c for c in candidates if states_grade(c.sentence.text) and about(c) > 0][:LEAD_POOL] or pool
        if asks_factors(query):  # "快慢主要看啥因素": a sentence naming what decides it, about the subject
            pool = [c for c in candidates[:LEAD_POOL] if names_factors(c.sentence.text) and about(c) > 0] or pool
        if asks_list(query):  # "要准备哪些材料": a sentence listing them about the subject answers it
            pool = [c for c in pool if enumerates(c.sentence.text) and about(c) > 0] or pool
        if asks_signs(query):  # "快不行了有什么征兆": a sentence listing the warning signs answers it, if any is found
            pool = [c for c in candidates if lists_signs(c.sentence.text)][:LEAD_POOL] or self._closest(similar, lists_signs) or pool
        lead = max(pool, key=weight)
        rest = sorted((c for c in chosen if c is not lead), key=lambda c: -c.score)
        rest = [c for c in rest if c.score >= SUPPORT_SHARE * candidates[0].score]
        if advice:  # more to do, or more on the same matter: not sentences sharing a word with the story
            rest = [c for c in rest if recommends(c.sentence.text) or about(c) >= ADVICE_SUPPORT_SHARE * about(lead)]
        return [lead] + rest

    def _follows(self, text: str, happened: list[str]) -> bool:
        """True when ``text`` says what is done once the event ``happened`` names has happened: a clause opening
        with that event and 后 ("在收到完整理赔文件后，…", "资料齐全后…"), an action after it."""
        return any(self.weights.coverage(happened, m.group("event")) > 0 and m.end() < len(text) - 2
                   for m in _AFTER_CLAUSE.finditer(text))

    def _ending_first(self, question: Question, candidates: list[Candidate], chosen: list[Candidate]) -> list[Candidate]:
        """For "交齐材料以后多久能拿到赔款": the words after the how-long word name what happens when the time is up
        (拿到赔款), those before it where the clock starts (交齐材料). A lead whose time limit is for something
        else ("30天内提交索赔文件") gives way to the closest candidate whose time limit's clause says the asked
        end (its colloquial words read as the articles' words), when there is one."""
        if not states_unit(chosen[0].sentence.text, KIND_UNITS["duration"]):
            return chosen
        # "多久能拿到赔款" names the end after the how-long word; "理赔款多久能下来" before it, when the words
        # after it ("能下来", "到账") name nothing the articles time (with nothing after it, the lead stands)
        after = asked_ending(question.text)
        for ending in (after, asked_subject(question.text) if after else []):
            if not ending:
                continue

            def ends_so(c: Candidate, ending: list[str] = ending) -> bool:
                # the clause's start event ("资料齐全后…") is where its clock starts, not what its time is for
                return any(f.unit in KIND_UNITS["duration"] and self.weights.coverage(ending, AFTER_START.split(f.clause)[-1]) > 0
                           for f in figures(c.sentence.text, levels_only=False))

            if ends_so(chosen[0]):
                return chosen
            lead = next((c for c in candidates[:LEAD_POOL] if ends_so(c)), None)
            if lead is not None:
                return [lead] + [c for c in chosen if c is not lead]
        return chosen

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
                        and not states_unit(c.sentence.text, timed)]
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


# a clause's opening event: the words since the last stop, then 后 ("在收到完整理赔文件后"; not "后端", "后者")
_AFTER_CLAUSE = re.compile(r"(?P<event>[^，,。；;：:]{2,16}?)(?:以后|之后|后)(?![端者续期])")


def asks_figure(question: Question) -> bool:
    """True when the question asks a figure ("多久", "几成"), whatever else it asks ("能赔几成")."""
    return bool(ASKS_FIGURE.search(question.text) or question.kinds & set(KIND_UNITS))


def _value_of(figure: Figure) -> float:
    """A figure's (lower) value as a number ("30-60" -> 30)."""
    return float(re.sub(r"[-~至到].*|多", "", figure.value) or 0)


def _same_action(a: Fact, b: Fact) -> bool:
    """Two steps doing the same thing: most of the shorter action's character pairs are in the other's."""
    pairs = [{t[i : i + 2] for i in range(len(t) - 1)} for t in (a.detail, b.detail)]
    shorter = min(pairs, key=len)
    return len(shorter) >= 2 and len(pairs[0] & pairs[1]) >= 0.6 * len(shorter)


def stated_in(text: str, fact: Fact) -> str:
    """How ``text`` writes the fact's figure ("15天"), for quoting the clause that states it."""
    found = re.search(rf"{fact.value:g}\s*(?:个)?{fact.unit}", arabic_figures(text))
    return found.group(0) if found else f"{fact.value:g}{fact.unit}"


def _glosses(text: str, figure: str) -> bool:
    """True when ``figure`` stands inside brackets: it glosses a term ("逾期率（超过合同账期30天未回款占比）"),
    it is no answer of its own."""
    return any(figure in inner for inner in re.findall(r"[（(]([^（()）]*)[）)]", arabic_figures(text)))


def states_unit(text: str, units: set[str]) -> bool:
    return any(f.unit in units for f in figures(text, levels_only=False))


def figure_first(chosen: list[Candidate], units: set[str]) -> list[Candidate]:
    """For a question asking a figure, the first chosen sentence stating one of the asked kind leads (a sentence
    naming the subject without the figure goes after it)."""
    stating = next((c for c in chosen if any(f.unit in units for f in figures(c.sentence.text, levels_only=False))), None)
    return chosen if stating is None else [stating] + [c for c in chosen if c is not stating]


def _same_figures(a: str, b: str) -> bool:
    return bool(numbers(a)) and numbers(a) == numbers(b)
