"""Whether it is covered: a plain "no" first when the articles say so, and articles that disagree on a risk.

Both work on the scored candidates of :mod:`knowledge.scoring`: a cover question ("能赔吗") naming a
risk that a close sentence lists as excluded is answered "一般不赔：" with that sentence; a question
whether everything is paid is answered "不是什么都赔：" with an exclusion and what is covered. When
one article excludes a risk another covers, the answer says so instead of a plain "no".
"""

from __future__ import annotations

import re

import numpy as np

from knowledge.conflicts import (
    COVER_WORD,
    CoverageDisagreement,
    coverage_disagreements,
    covered_items,
    excluded_items,
    figures,
)
from knowledge.normalize import in_article_words
from knowledge.questions import understand
from knowledge.scoring import GENERIC, Candidate, SentenceScorer, asks_coverage
from knowledge.sentences import TermWeights, terms
from knowledge.terms import segment

# "所有损失都赔吗": whether all losses are paid (any exclusion answers it: no).
_ASKS_ALL = re.compile(r"(什么|啥|所有|任何|不管|无论).{0,10}都(能|会|可以)?(赔|保|管|覆盖)|一律赔")
_COVERS = re.compile(r"主要承保|承保[^，,。；;]{0,8}(风险|损失)|保障范围涵盖")
_EXCLUDES = re.compile(r"除外|不包括|不覆盖|不承保|不保障|不赔")
_NAMED_DF = 8  # a term this rare in the articles names a particular risk (拒付, 破产), not the field
_NEAR = 6  # the close candidates whose exclusions may answer the question
_NEAR_COVER = 10  # a covering sentence this high among the candidates speaks to the question
_NEAR_MEANING = 15  # ...or this high among all sentences by meaning alone (dev conflict questions)
_EXCLUDED_MARGIN = 0.025  # excluded items this close (cosine) to the closest one may be what is asked (dev)
# A term in this share of the article sentences or fewer names a particular event (破产, 拖欠), not the
# field's general words (损失, 账款, 风险). Set on dev's cover questions.
_EVENT_SHARE = 0.08
_UNIT_CLASS = {"天": "days", "工作日": "days", "个月": "months", "%": "percent"}  # the user's figures' units
_DENIED = re.compile(r"(?:没有|没|未|不是|并未|还没)([\u4e00-\u9fff]{2,4})")


def cover_verdict(query: str, candidates: list[Candidate], weights: TermWeights) -> tuple[str, list[Candidate]] | None:
    """For "能赔吗": "no" in a word and the sentences that say so, or None when unclear.

    A close sentence that excludes something the question names ("质量纠纷引发的拒付") says it is
    excluded; asking if all losses are paid is answered by any exclusion. What is covered is left to
    the articles' own words (a named event is no proof of cover).
    """
    everything = bool(_ASKS_ALL.search(query))
    if not (everything or "cover" in understand(query).kinds or asks_coverage(query)):
        return None
    if everything:
        excluding = next((c for c in candidates if excluded_items(c.sentence.text)), None)
        covering = next((c for c in candidates
                         if _COVERS.search(c.sentence.text) and not _EXCLUDES.search(c.sentence.text)), None)
        return ("不是什么都赔：", [c for c in (excluding, covering) if c]) if excluding else None
    named = {t for t in terms(query) if 0 < weights.df.get(t, 0) <= _NAMED_DF and t not in GENERIC}
    for cand in candidates[:_NEAR]:
        if any(named & set(terms(item)) for item in excluded_items(cand.sentence.text)):
            return "一般不赔：", [cand]
    return None


def yes_verdict(query: str, candidates: list[Candidate], scorer: SentenceScorer) -> tuple[str, Candidate] | None:
    """For "能赔吗": "能赔：X属于承保范围" and the close sentence that names the asked event X as covered.

    The event is a rare term of the question (:data:`_EVENT_SHARE`) that a close sentence names after its
    cover word, in an item the question does not deny ("没破产"); no sentence of the articles may list a
    named term as excluded, and a cover conditioned on days is not judged against the user's days. None
    when unsure.
    """
    question = understand(query)
    if not ("cover" in question.kinds or asks_coverage(query)) or _ASKS_ALL.search(query):
        return None
    limit = max(_EVENT_SHARE * len(scorer.pool), _NAMED_DF)  # (a small corpus: as rare as a named risk)
    named = [t for t in dict.fromkeys(terms(query)) if 0 < scorer.weights.df.get(t, 0) <= limit and t not in GENERIC]
    excluded = {t for item, _ in scorer.excluded for t in terms(item)}
    if not named or excluded & set(named):
        return None  # a named thing the articles exclude anywhere: no plain "yes"
    mine = {_UNIT_CLASS.get(f.unit, "") for f in question.figures}
    # "没清盘": not the asked event, nor the article word the search added for it ("没倒闭" denies 破产)
    denied = {t for m in _DENIED.finditer(query) for t in terms(f"{m.group(1)} {in_article_words(m.group(1))}")}
    for cand in candidates[:_NEAR]:
        cover = COVER_WORD.search(cand.sentence.text)
        if cover is None or _EXCLUDES.search(cand.sentence.text[: cover.start()]):
            continue  # "…不赔，但承保…": a sentence opening with an exclusion is no plain "yes"
        if mine & {f.unit for f in figures(cand.sentence.text, levels_only=False)}:
            continue  # a cover with a condition in figures ("逾期180天以上") is not judged on the user's own days
        item = next((i for i in covered_items(cand.sentence.text)
                     if any(t in i for t in named) and not denied & set(terms(i))), None)
        if item is not None:
            return f"能赔：{item}属于承保范围", cand
    return None


def coverage_disagreement(
    scorer: SentenceScorer,
    query: str,
    candidates: list[Candidate],
    similar: tuple[np.ndarray, np.ndarray] | None,
    query_vector: np.ndarray | None,
) -> CoverageDisagreement | None:
    """A risk the articles both exclude and cover: one the question names, else the excluded risk
    closest to the question in meaning ("打仗" is 战争) when another article covers it in a sentence
    close to the question too (by words or by meaning)."""
    named = coverage_disagreements(terms(query), scorer.pool, scorer.weights)
    if named or similar is None:
        return named[0] if named else None
    near = {c.sentence for c in candidates[:_NEAR_COVER]}
    near |= {scorer.pool[int(i)] for i in np.argsort(-similar[0])[:_NEAR_MEANING]}
    for item in scorer.closest_excluded(query_vector, _EXCLUDED_MARGIN):
        words = [w for w in segment(item) if len(w) >= 2]  # whole words: "等不" of "等不可抗力" names nothing
        found = [d for d in coverage_disagreements(words, scorer.pool, scorer.weights) if d.covered in near]
        if found:
            return found[0]
    return None
