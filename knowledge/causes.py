"""Whether a told cause is covered, judged by meaning: the question's event against what the articles cover and exclude.

A cover question that says why the money did not come ("对方说货不对就不付款了，保险管吗") is answered
by what the cause *means*, not by the words it shares with an exclusion list: the cause is embedded and
set against every item the articles name as covered (after 承保/涵盖/包含) and every item they list as
excluded (after 除外/不包括). Clearly nearer a covered item: "能赔：X属于承保范围"; clearly nearer an
excluded item: "一般不赔：Y属于除外责任"; in between: "要看原因：" with both, each citing its sentence.
A cause in between is judged clause by clause too (a clear event outweighs "钱没到"; two causes, one
covered and one excluded, name both), and a cause about a risk one article excludes and another covers
(战争) is a disagreement, which the answer gives instead of a verdict.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from knowledge.conflicts import CoverageDisagreement, coverage_disagreements, covered_items, excluded_items, is_anecdote
from knowledge.lexicon import asked_kinds, event_names
from knowledge.questions import content_terms
from knowledge.scoring import coverage_ask
from knowledge.sentences import Sentence, TermWeights
from knowledge.terms import segment, without_a_not_a

# Margins on the cause's cosine with its nearest covered item minus that with its nearest excluded item, both
# measured from the items' mean (e5 query embeddings): every item speaks of unpaid money, so the raw cosines
# differ by a hundredth; from their mean what sets one item apart counts. Set on tests/data/tune_verdict.jsonl:
# covered causes in other words mostly lead by 0.04 or more and excluded ones trail by 0.1 or more; a cause
# told without a reason (a buyer who simply does not pay) lands near 0. The "no" margin is the wider one: an
# insolvency told in rare words (a court restructuring) trailed by 0.09, and a wrong "no" to a covered loss
# costs more than "要看原因".
CLEARLY_COVERED = 0.04
CLEARLY_EXCLUDED = -0.09
# A clause whose nearest excluded item the articles also cover is disputed unless its covered item leads by this
# much (tune_verdict2: a war clause led by 0.04, a plain insolvency by 0.3; a civil war "in the buyer's country"
# led by 0.12, its "买方" near 买方破产).
DISPUTE_LEAD = 0.15
# ...and only when the clause is near that item at all (from the items' mean): a war clause came to 0.28-0.39, an
# English one to 0.15, filler (a clause naming only the unpaid money) to 0.16 or less. (An English war question still gets "要看原因".)
DISPUTE_NEAR = 0.25
# One clause of a cause in between is covered only with a wider lead than the whole cause needs: judged alone it
# has lost the words that may excuse the buyer (a "so they kept the money" after a claimed breach of ours: 0.10;
# an import ban 0.13).
CLAUSE_COVERED = 0.12
# Below this raw cosine with every item the cause is about something else (the articles say nothing of it).
ABOUT_COVER = 0.80

# clauses: split at punctuation, at a space beside a Chinese character (casual Chinese uses spaces as commas),
# and before an English clause word ("…pay when the buyer…")
_CLAUSES = re.compile(
    r"[，,。；;！!？?]+|\.(?:\s|$)|(?<=[\u4e00-\u9fff])\s+|\s+(?=[\u4e00-\u9fff])|\s+(?=(?:when|if|because|since)\s)",
    re.IGNORECASE,
)
# what is left of an asking clause once its asking words are gone: the insurer, the policy, "this case"
# ("这部分", "我们那张policy": the part of the loss asked about, or the user's policy, name no event)
_FILLER_END = re.compile(r"(这种|这个|这笔|这部分|这块|那|该)?(情况|风险|损失|坏账)?(我们|你们)?(那张|这张)?"
                         r"(保险公司|保险|保单|信用险|你们|我们|policy|insurance|insurer)?(还|会|能|可以|给|也)?$", re.IGNORECASE)
# A list names risks when one of its items (or its head, "承保两类核心风险：…") is a risk, a loss or a default;
# "包含信用评估、账款监控…" lists services, not what is paid for.
_HAN = re.compile(r"[\u4e00-\u9fff]")
# an asking phrase about payment or cover (not a bare "算不算"); 陪 is the usual homophone typo of 赔 ("能陪吗")
_PAYS = re.compile(r"赔|陪|保|管|兜底|claim|pay", re.IGNORECASE)
_INSURER = re.compile(r"保险|保单|信用险|policy|insurance|insurer", re.IGNORECASE)
_ASKED_AFTER = 8  # characters after a bare asking word ("算不算") that say what it asks about
_ABOUT_COVER = re.compile(r"(?<![不未非])承保(?!前|后|能力|条件)|保障范围|保险范围|保(?:什么|哪)|赔(?:什么|哪)|"
                          r"不(?:赔|保|管)(?!不)|除外|\bcover|\binsure", re.IGNORECASE)
# a question about what is not paid: the list it asks for is of the exclusions
_NOT_PAID = re.compile(r"不(?:赔|保|管|包括|覆盖|承保)|除外|\bnot (?:cover|insure|pa(?:y|id))|exclu", re.IGNORECASE)  # "保险认不认": a bare asking word put to the insurer asks for payment too
# a clause saying an event did not happen ("客户没破产") names no event of the loss
_DENIES = re.compile(r"没有|没|未|不是|并非")
# a denial and the few characters after it ("但也没破产", "不是质量问题"): dropped from a told cause when they name
# one of the articles' events, which did not happen (see CauseJudge._without_denials)
_DENIAL = re.compile(r"并没有|并未|没有|没|未|不是|并非")
_CLAUSE_HEAD = re.compile(r"[^，,。；;！!？?\s]*$")
_DENIED_TAIL = re.compile(r"^(?:的)?(?:问题|情况|原因)")  # "不是质量问题": the problem of the denied event too
# an English cover question's words before "cover" that name no event ("does trade credit insurance …"), and
# the preposition that may open the event after it
_ENGLISH_SUBJECT = re.compile(r"\b(?:does|do|is|are|will|would|can|could|our|my|the|a|trade|credit|insurance|insurer|"
                              r"policy|policies|it|this|that|we|us)\b", re.IGNORECASE)
_ENGLISH_OBJECT = re.compile(r"^\s*(?:out\b\s*)?(?:(?:us\s+)?(?:for|against)\b)?", re.IGNORECASE)
# "除了破产以外，…也算吗": the event set aside is not the one asked about
_SET_ASIDE = re.compile(r"^(?:除了|除去|除)[^，,]{1,12}(?:以外|之外|外)$")
_RISK_ITEM = re.compile(r"(风险|损失|违约|拖欠)(保障|情形)?$")


@dataclass(frozen=True)
class CauseVerdict:
    """The verdict sentence (one ``{}`` per cited sentence, in order) and the sentences it cites."""

    text: str
    sentences: tuple[Sentence, ...]


class CauseJudge:
    """The articles' covered and excluded items, embedded once (on the first told cause), and the verdict on a
    told cause."""

    def __init__(self, pool: list[Sentence], embed_queries: Callable[[list[str]], np.ndarray]) -> None:
        """Collect the items of every covering and excluding sentence of ``pool``; they are embedded when the first
        told cause is judged, not here: the composer is built before a server answers its health check, and most
        questions tell no cause."""
        self.covered = [(i, s) for s in pool if not is_anecdote(s.text) for i in _risk_list(covered_items(s.text), s.text)]
        self.excluded = [(i, s) for s in pool for i in excluded_items(s.text) if not _heads_list(i, s.text)]
        self._embed = embed_queries
        self.pool = pool
        self._items: _Items | None = None
        self._lock = threading.Lock()  # request threads share the composer

    def verdict(self, query: str) -> CauseVerdict | None:
        """"能赔：" / "一般不赔：" / "要看原因：" for the cause ``query`` tells, or None when it tells none, the
        articles list no items of one kind, or the cause is near none of them (:data:`ABOUT_COVER`).

        A cause in between is judged clause by clause too: one clause clearly covered (:data:`CLAUSE_COVERED`)
        and none clearly excluded is "能赔" (the event outweighs "钱没到"); one of each is "要看原因" naming both."""
        whole = self._judge(self._without_denials(_cause_in_article_names(query)))
        if whole is None:
            return None
        if whole.lead >= CLEARLY_COVERED and whole.yes_same:
            return _covered(whole)
        clauses = [j for j in map(self._judge, _CLAUSES.split(whole.cause)) if j is not None]
        if whole.lead >= CLEARLY_COVERED:
            # the event a clause names outright ("那家进口商已经走破产程序": 买方破产) when the whole is nearest an item
            # that is not its own event (a foreign buyer's story leaning to 进口国外汇管制)
            named = max((j for j in clauses if j.lead >= CLAUSE_COVERED and j.yes_same and not _DENIES.search(j.cause)),
                        key=lambda j: j.lead, default=None)
            return _covered(named or whole)
        if whole.lead <= CLEARLY_EXCLUDED:  # named by the clause nearest an exclusion ("有色差": 质量争议, not 纠纷)
            no = max([whole] + [j for j in clauses if j.lead <= CLEARLY_EXCLUDED and j.no_same], key=lambda j: j.no_cos)
            return CauseVerdict(f"一般不赔：{no.no_item}属于除外责任{{}}", (no.no_sentence,))
        yes = max((j for j in clauses if j.lead >= CLAUSE_COVERED), key=lambda j: j.lead, default=None)
        no = min((j for j in clauses if j.lead <= CLEARLY_EXCLUDED), key=lambda j: j.lead, default=None)
        if yes is not None and no is None:
            return _covered(yes)
        if yes and no:
            return _depends(yes, no)
        if whole.yes_same and whole.no_same:
            return _depends(whole, whole)
        return self._unnamed()

    def _unnamed(self) -> CauseVerdict:
        """"要看原因：" for a cause near no listed item as the same event (a factory closing, a strike): the first
        risk of the sentence listing most covered ones and the first of the one listing most exclusions, not the
        items that merely lean its way."""
        yes = next(j for j in self.covered if j[1] == next(iter(self.listing(False))))
        no = next(j for j in self.excluded if j[1] == next(iter(self.listing(True))))
        return _depends(_Judged("", 0.0, 0.0, *yes, *no), _Judged("", 0.0, 0.0, *yes, *no))

    def listing(self, excluded: bool) -> dict[Sentence, int]:
        """The sentences listing the covered (or excluded) risks, each with how many it names, most first: the
        answer to "保哪几类风险" / "哪些不赔" is a list, not a verdict."""
        counts: dict[Sentence, int] = {}
        for _, sentence in self.excluded if excluded else self.covered:
            counts[sentence] = counts.get(sentence, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: -kv[1]))

    def disputed(self, query: str, weights: TermWeights) -> CoverageDisagreement | None:
        """A risk one article excludes and another covers that the told cause (or one of its clauses) is about:
        its nearest excluded item, not clearly outweighed by a covered one ("那边打起内战来了" and 战争)."""
        whole = self._judge(self._without_denials(_cause_in_article_names(query)))
        if whole is None:
            return None
        for judged in [whole] + [j for j in map(self._judge, _CLAUSES.split(whole.cause)) if j is not None]:
            if judged.lead >= DISPUTE_LEAD or judged.no_cos < DISPUTE_NEAR or not judged.no_same:
                continue  # ("搞海鲜贸易的" leans towards 战争 only from the items' mean)
            words = [w for w in segment(judged.no_item) if len(w) >= 2]
            if found := coverage_disagreements(words, self.pool, weights):
                return found[0]
        return None

    def _without_denials(self, cause: str) -> str:
        """``cause`` without the events it says did not happen ("一直拖着不付款，但也没破产" is no bankruptcy): a
        denial is dropped when the word it denies is in one of the articles' items or is another name of one
        ("没倒闭"); "没付款" denies no listed event, it is the event."""
        names = "".join(item for item, _ in self.covered + self.excluded) + "".join(event_names())
        kept, start = [], 0
        for denial in _DENIAL.finditer(cause):
            if denial.start() < start:
                continue
            words = segment(cause[denial.end(): denial.end() + 8])
            denied = list(itertools.takewhile(lambda w: len(w) >= 2 and w in names, words))  # "验货争议"
            if not denied:
                continue
            end = denial.end() + sum(map(len, denied))
            tail = _DENIED_TAIL.match(cause[end:])
            before = cause[start: denial.start()]
            subject = _CLAUSE_HEAD.search(before)  # "对方没倒闭": the clause's short subject goes with its denial
            kept.append(before[: subject.start()] if len(subject.group()) <= 3 else before)
            start = end + (tail.end() if tail else 0)
        return "".join(kept) + cause[start:]

    def _judge(self, cause: str) -> _Judged | None:
        """The cause's nearest covered and excluded items and its lead, or None (no cause, no items, or far
        from all of them)."""
        if not content_terms(cause) or not (self.covered and self.excluded):
            return None
        items = self._embedded()
        vector = np.asarray(self._embed([cause])[0], dtype=np.float32)
        if float((items.raw @ vector).max()) < ABOUT_COVER:
            return None
        cos = items.unit @ _unit(vector - items.centre)
        raw = items.raw @ vector
        n = len(self.covered)
        i, j = int(cos[:n].argmax()), int(cos[n:].argmax())
        # the same event is nearest both ways: what sets it apart from the other items, and as a whole
        same = (self.covered[int(raw[:n].argmax())][0] == self.covered[i][0],
                self.excluded[int(raw[n:].argmax())][0] == self.excluded[j][0])
        return _Judged(cause, float(cos[i] - cos[n + j]), float(cos[n + j]), *self.covered[i], *self.excluded[j], *same)

    def _embedded(self) -> _Items:
        """The items' vectors, embedded in one call the first time they are needed."""
        with self._lock:
            if self._items is None:
                raw = np.asarray(self._embed([i for i, _ in self.covered + self.excluded]), dtype=np.float32)
                centre = raw.mean(axis=0)
                self._items = _Items(raw, centre, _unit(raw - centre))
            return self._items


@dataclass(frozen=True)
class _Judged:
    """A told cause (or one clause of it), its lead of covered over excluded, its cosine with the nearest
    excluded item (both from the items' mean), its nearest items, and whether each is also the nearest by raw
    cosine (the same event, not a neighbour that differs from the others in the same direction)."""

    cause: str
    lead: float
    no_cos: float
    yes_item: str
    yes_sentence: Sentence
    no_item: str
    no_sentence: Sentence
    yes_same: bool = True
    no_same: bool = True


def _covered(judged: _Judged) -> CauseVerdict:
    return CauseVerdict(f"能赔：{judged.yes_item}属于承保范围{{}}", (judged.yes_sentence,))


def _depends(yes: _Judged, no: _Judged) -> CauseVerdict:
    """"要看原因：" with the covered item of ``yes`` and the excluded item of ``no``."""
    if yes.yes_sentence == no.no_sentence:  # one sentence says both: cited once
        return CauseVerdict(f"要看原因：{yes.yes_item}属于承保范围，{no.no_item}属于除外责任{{}}", (yes.yes_sentence,))
    return CauseVerdict(f"要看原因：{yes.yes_item}属于承保范围{{}}，{no.no_item}属于除外责任{{}}",
                        (yes.yes_sentence, no.no_sentence))

@dataclass(frozen=True)
class _Items:
    """The items' embeddings (covered first), their mean, and each item's unit direction from the mean."""

    raw: np.ndarray
    centre: np.ndarray
    unit: np.ndarray


def asks_payout(query: str) -> bool:
    """True when the question asks whether a loss is paid ("能赔吗", "保不保", "is that covered"), not whether
    something counts as something else ("算不算控制风险") or whether the insurer can afford to pay ("赔不赔得起")."""
    ask = coverage_ask(query)
    if ask is not None and _PAYS.search(query[ask.start(): ask.end() + _ASKED_AFTER]):
        return True  # "算不算保险的理赔范围": the asking word, and what it asks about after it
    words = asked_kinds().get("cover", [])
    chinese = [w for w in words if _HAN.search(w)]
    if any(w in query for w in chinese if _PAYS.search(w) or _INSURER.search(query)):  # "给不给赔", "保险认不认"
        return True
    english = [w for w in words if not _HAN.search(w)]
    return any(re.search(rf"\b{re.escape(w)}\b", query, re.IGNORECASE) for w in english)


def asks_about_cover(query: str) -> bool:
    """True when a question names what the policy pays for ("保障范围", "保什么", "哪些情况不管", "cover"), as a list
    question about risks does without asking whether ("承保前" is before the policy, not about its cover)."""
    return bool(_ABOUT_COVER.search(query))


def asks_excluded(query: str) -> bool:
    """True when a cover question asks about what is not paid ("哪些情况不管", "what is not covered")."""
    return bool(_NOT_PAID.search(without_a_not_a(query)))


def told_cause(query: str) -> str:
    """The event the question tells, its asking words and filler left out
    ("客户说货不对，扣着钱不给，保险能赔吗" -> "客户说货不对，扣着钱不给"), or "" when it tells none."""
    markers = [w.lower() for w in asked_kinds().get("cover", [])]
    kept: list[str] = []
    for n, clause in enumerate(_CLAUSES.split(query)):
        if not clause:
            continue
        lowered = clause.lower()
        ask = coverage_ask(clause)
        starts = [lowered.find(w) for w in markers if w in lowered] + ([ask.start()] if ask else [])
        part = clause[: min(starts)] if starts else clause
        after_verb = (bool(starts) and not kept and not _HAN.search(clause)
                      and not _ENGLISH_SUBJECT.sub("", part).strip())
        if after_verb:  # "does the policy cover war in …": the event is after the asking word
            end = max((lowered.find(w) + len(w) for w in markers if lowered.find(w) == min(starts)), default=min(starts))
            part = _ENGLISH_OBJECT.sub("", clause[end:])
            after_verb = bool(_ENGLISH_SUBJECT.sub("", part).strip())
        part = _FILLER_END.sub("", part.strip())
        english_ask = ask is None and starts and not after_verb and len(part.split()) < 3 and not _HAN.search(part)
        if content_terms(part) and not english_ask and not _SET_ASIDE.match(part):  # ("Is that covered", "Will they pay out": an English ask)
            kept.append(part)
        if starts and (n > 0 or kept):
            break  # the cause comes before its asking clause; what follows was added for the search ("拖欠")
    return "，".join(kept)


def _cause_in_article_names(query: str) -> str:
    """The cause a payout question tells, an event it names by another name in the articles' name for it
    ("被宣布清算了" is "被宣布破产了"), or "" when it tells none."""
    cause = told_cause(query) if asks_payout(query) else ""
    for name, article in sorted(event_names().items(), key=lambda kv: -len(kv[0])):
        # a denied event stays as told ("没倒闭" is no 破产 to judge)
        cause = re.sub(rf"(?<!没)(?<!未)(?<!不是){re.escape(name)}", article, cause, flags=re.IGNORECASE)
    return cause


def _heads_list(item: str, text: str) -> bool:
    """True for a list's head ("除外责任通常包括：…" -> "责任通常包括"), which is no item of it."""
    return f"{item}：" in text or f"{item}:" in text


def _risk_list(items: list[str], text: str) -> list[str]:
    """The items of a list of risks ("承保的应收账款" and a list of services name none), heads left out."""
    if not any(_RISK_ITEM.search(i) for i in items):
        return []
    return [i for i in items if not _heads_list(i, text) and not i.startswith("的")]


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-9)
