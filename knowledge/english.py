"""English answers to English questions: the first sentence in English, then one or two cited Chinese quotes.

The first sentence restates what the composer already worked out for a Chinese answer, in English: the
cover verdict, a disagreement between articles, a finding on the user's figure, the asked figure with its
unit and the event it counts from, the articles' warning lines, a list, the steps in order, a definition.
Nothing new is said: every figure in it comes from the sentence it cites
(:func:`knowledge.grounding.ungrounded`), or the plain opening "What the articles say …, quoted in
Chinese:" is used. Chinese domain nouns are put in English through ``english_terms`` of
``knowledge/lexicon.yaml``; a noun without an entry stays in Chinese, inside quotes.

Helpers live beside it: :mod:`knowledge.english_parts` (what the composer hands over),
:mod:`knowledge.english_lines` (warning lines, lists and steps), :mod:`knowledge.english_asked` (what the English question words ask),
:mod:`knowledge.english_figures` (a figure in English words), :mod:`knowledge.english_terms` (the nouns).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from knowledge.conflicts import Conflict, Figure, excluded_items, figures
from knowledge.cover import covered_items
from knowledge.english_asked import (
    ASKS_ALL,
    ASKS_BEFORE,
    ASKS_COVER,
    ASKS_EXCLUDED,
    ASKS_MEANING,
    ASKS_YES_NO,
    asked_units,
    chinese_terms,
    clauses,
    defined_in,
    item_of,
    named_count,
    names,
)
from knowledge.english_figures import figure_phrase
from knowledge.english_lines import LIST_START as _LIST_START
from knowledge.english_lines import listed as _listed
from knowledge.english_lines import named_lines as _named_lines
from knowledge.english_lines import step as _step
from knowledge.english_lines import steps as _steps
from knowledge.english_lines import thresholds as _thresholds
from knowledge.english_parts import Parts
from knowledge.english_parts import capital as _capital
from knowledge.english_parts import done_nouns as _done
from knowledge.english_parts import joined as _and
from knowledge.english_parts import short as _short
from knowledge.english_terms import asked_in_english, in_english, nouns, render
from knowledge.formatting import MAX_BODY_CHARS, Citations, figure_clause, framed, full_width, strip_end
from knowledge.grounding import ungrounded
from knowledge.numerals import arabic_figures
from knowledge.sentences import Sentence, terms

__all__ = ["Parts", "asked_in_english", "conflict_sentence", "english_answer", "english_gist", "figure_phrase",
           "in_english", "nouns", "render"]

DISAGREE = "The articles disagree: "
POLICY_DECIDES = "; the policy wording decides."
MAX_QUOTES_CHARS = MAX_BODY_CHARS  # the Chinese quotes stop here, as a Chinese answer does
_BRACKETED = re.compile(r"\(([^()]*[\u4e00-\u9fff][^()]*)\)")
_COVERED_ITEM = re.compile(r"能赔：(?P<item>.+)属于承保范围")
_EXCLUDED_ITEM = re.compile(r"一般不赔：(?P<item>.+)属于除外责任")
_DEPENDS = re.compile(r"要看原因：(?P<covered>.+)属于承保范围\{\}，(?P<excluded>.+)属于除外责任")


def english_answer(parts: Parts, citations: Citations) -> str:
    """The reply to an English question: one English sentence, then at most two short cited Chinese quotes."""
    if parts.disagreement is not None:
        term, excluded, covered = parts.disagreement
        lead = (f"{DISAGREE}one lists {render(term)} as excluded {citations.mark(excluded.doc_id, excluded.text)}, "
                f"another says it is covered {citations.mark(covered.doc_id, covered.text)}{POLICY_DECIDES}")
        return _with_quotes(lead, [excluded, covered], parts, citations)
    if parts.conflicts and (line := _asked_line(parts, citations)):
        return line
    if parts.conflicts:
        conflict = parts.conflicts[0]
        lead = conflict_sentence(conflict, citations)
        return _with_quotes(lead, [], parts, citations)  # the lead sentences; the disagreement is cited above
    if parts.finding is not None and (lead := _finding(parts, citations)):
        stated = [Sentence(parts.pool_text(f), f.doc_id, f.chunk_id, 0) for f in parts.finding.facts]
        return _with_quotes(lead, stated[:1], parts, citations)  # the line it was judged against, first
    for build in (_exclusions, _verdict, _definition, _insured, _named_lines, _thresholds, _named_gist, english_gist,
                  _steps, _listed, _quoted_gist):
        for tried in _leading(parts, build):
            lead = build(tried, Citations(citations.titles))  # a trial: a sentence not taken numbers no source
            if lead and not ungrounded(lead, [s.text for s in tried.chosen[:2]], [parts.question.text]):
                return _with_quotes(build(tried, citations), tried.chosen, tried, citations)
    return _with_quotes(_opening(parts), parts.chosen, parts, citations)


def _asked_line(parts: Parts, citations: Citations) -> str:
    """For a question asking a warning line ("at what share should we worry"): the line a chosen sentence
    outside the articles' disagreement states, leading ("" when none does). The disagreement is over another
    figure (a share of cover is no warning line on the overdue share) and would answer something not asked."""
    if "threshold" not in parts.question.kinds:
        return ""
    disputed = {s.text for c in parts.conflicts for s in c.sentences}
    for lead in (s for s in parts.chosen if s.text not in disputed):
        tried = replace(parts, chosen=[lead, *(c for c in parts.chosen if c is not lead)])
        said = _thresholds(tried, Citations(citations.titles))  # a trial: a sentence not taken numbers no source
        if said and not ungrounded(said, [lead.text], [parts.question.text]):
            return _with_quotes(_thresholds(tried, citations), tried.chosen, tried, citations)
    return ""


def _leading(parts: Parts, build: Callable[[Parts, Citations], str]) -> list[Parts]:
    """The parts as given; for a builder of a kind the question asks outright (exclusions, insured risks,
    a named term or metric, a figure counted back from an event), also each other chosen sentence leading:
    the asked fact is often in the answer's second sentence."""
    outright = build in (_exclusions, _insured, _definition, _named_lines, _named_gist, _quoted_gist) or (
        build is english_gist and ASKS_BEFORE.search(parts.question.text))
    others = parts.chosen[1:] if outright else []
    if build is _quoted_gist:  # the sentence whose clause names most of what was asked first
        asked = parts.question.text
        best = {s: max((named_count(c, asked) for c in clauses(s.text)), default=0) for s in parts.chosen}
        ranked = sorted(parts.chosen, key=lambda s: -best[s])
        return [replace(parts, chosen=[s, *(c for c in parts.chosen if c is not s)]) for s in ranked]
    if build is _steps:  # another sentence when the articles' facts read it as steps (not any list cut by "；")
        others = [s for s in parts.chosen[1:] if sum(f.kind == "step" for f in parts.facts_of(s)) >= 2]
    if build is english_gist and not outright:  # a sentence whose figure's clause names more of what was asked first
        named = {s: named_count(f.clause, parts.question.text)
                 for s in parts.chosen if (f := _asked_figure(s.text, parts))}
        first = max(named, key=lambda s: named[s], default=parts.chosen[0] if parts.chosen else None)
        if first is not None and first is not parts.chosen[0] and named[first] > named.get(parts.chosen[0], 0):
            return [replace(parts, chosen=[first, *(c for c in parts.chosen if c is not first)]), parts]
    return [parts, *(replace(parts, chosen=[s, *(c for c in parts.chosen if c is not s)]) for s in others)]


def conflict_sentence(conflict: Conflict, citations: Citations) -> str:
    """"The articles disagree: one says over 90 days (overdue) [1], another over 180 days (…) [2]; the policy wording decides."."""
    said = []
    one_each: dict[str, Sentence] = {}
    for sentence in conflict.sentences:
        one_each.setdefault(sentence.doc_id, sentence)
    for n, sentence in enumerate(list(one_each.values())[:3]):
        clause = figure_clause(sentence, conflict.unit)
        found = next((f for f in figures(clause) if f.unit == conflict.unit and f.text), None)
        what = figure_phrase(clause, found.text) if found else f"“{clause}”"
        about = _done(clause, found.text if found else "")
        what += f" ({', '.join(about)})" if about else ""
        who = "one says" if n == 0 else "another" if n == 1 else "a third"
        said.append(f"{who} {what} {citations.mark(sentence.doc_id, sentence.text)}")
    return DISAGREE + ", ".join(said) + POLICY_DECIDES


def english_gist(parts: Parts, citations: Citations) -> str:
    """The asked figure with its unit and the event it counts from: "Claim documents: within 30 days, counted
    from bankruptcy[1]." ("" when the question asks no figure or the lead sentence states none of the asked kind)."""
    units = parts.units | asked_units(parts.question.text)
    if not units or not parts.chosen:
        return ""
    lead = parts.chosen[0]
    found = _asked_figure(lead.text, parts)
    if found is None:
        return ""
    phrase = figure_phrase(lead.text, found.text)
    if ASKS_BEFORE.search(parts.question.text) and not phrase.endswith("before"):
        return ""  # "how many days before the due date": a figure counted from the due date does not answer
    value = found.value.split("-")[0]
    fact = next((f for f in parts.facts_of(lead) if f.kind == "duration" and f.value is not None
                 and f"{f.value:g}" == value), None)
    what = nouns(fact.detail if fact else found.clause)
    counted = ""
    event, side = (fact.subject, fact.comparator) if fact is not None and fact.subject else _condition(lead.text, found.text)
    if event:
        said = nouns(event)
        counted = f", {'before' if side == '-' else 'counted from'} {_and(said) if said else f'“{event}”'}"
    if counted.startswith(", before") and phrase.endswith(" before"):  # "7 days before due date", said once
        phrase, counted = phrase[: -len(" before")], counted[1:]
    said = f"{_capital(_and(what))}: {phrase}" if what else _capital(phrase)
    return f"{said}{counted}{citations.mark(lead.doc_id, lead.text)}."


def _asked_figure(text: str, parts: Parts) -> Figure | None:
    """The figure of an asked unit in ``text``: the one whose clause names what the question names ("legal
    action": the 15 days of 启动法律程序, not the 7 days of the reminder before it), else the first."""
    units = parts.units | asked_units(parts.question.text)
    found = [f for f in figures(text, levels_only=False) if f.unit in units and f.text]
    return max(found, key=lambda f: named_count(f.clause, parts.question.text), default=None)  # (the first of equals)


def _named_gist(parts: Parts, citations: Citations) -> str:
    """The asked figure of a sentence whose time limit counts from, or is for, what the question names ("once
    a buyer is declared insolvent": the limit counted from 知悉破产事件, not another figure of the answer)."""
    if not parts.chosen or "days" not in parts.units | asked_units(parts.question.text):
        return ""  # (a time limit's event: a share in the same sentence counts something else)
    asked = chinese_terms(parts.question.text)
    events = [f"{f.subject} {f.detail}" for f in parts.facts_of(parts.chosen[0]) if f.kind == "duration"]
    return english_gist(parts, citations) if any(t in e for e in events for t in asked) else ""


def _condition(text: str, figure: str) -> tuple[str, str]:
    """The event a figure counts from when the clause before it states it ("收到文件后，…20天内…" -> 收到文件, "+")."""
    text = arabic_figures(text)
    clauses = re.split(r"[，,；;]", text[: text.find(figure)]) if figure in text else []
    if len(clauses) < 2 or not clauses[-2].endswith(("后", "前", "起")):
        return "", ""
    return re.sub(r"^.*?(在|自|从|于)", "", clauses[-2][:-1]), "-" if clauses[-2].endswith("前") else "+"


def _finding(parts: Parts, citations: Citations) -> str:
    """The reasoning's lead (English already for an English question) when its figures are grounded."""
    finding = parts.finding
    assert finding is not None
    sources = [f.sentence for f in finding.facts]
    if ungrounded(finding.lead.format(*[""] * len(finding.facts)), sources, [parts.question.text, *finding.derived]):
        return ""
    lead = finding.lead.format(*[citations.mark(f.doc_id, parts.pool_text(f)) for f in finding.facts])
    # the articles' own words in brackets ("(流动比率低于)") in English where the glossary knows them
    return _BRACKETED.sub(lambda m: f"({render(m.group(1))})", lead)


def _verdict(parts: Parts, citations: Citations) -> str:
    """The composer's cover verdict in English: "Usually not covered: …", "Not everything is covered: …", "Covered: …"."""
    if not parts.verdict or not parts.chosen:
        return ""
    lead = parts.chosen[0]
    mark = citations.mark(lead.doc_id, lead.text)
    if parts.verdict.startswith("不是"):
        items = [render(i) for i in excluded_items(lead.text)][:4]
        return f"Not everything is covered: the articles exclude {_and(items)}{mark}." if items else ""
    if (covered := _COVERED_ITEM.match(parts.verdict)) is not None:  # "买方破产导致的账款损失": by its first known noun
        return f"Covered: the articles name {_named(covered.group('item'))} among the insured risks{mark}."
    if (excluded := _EXCLUDED_ITEM.match(parts.verdict)) is not None:
        return f"Usually not covered: the articles list {_named(excluded.group('item'))} among the exclusions{mark}."
    if (depends := _DEPENDS.match(parts.verdict)) is not None and len(parts.chosen) > 1:
        other = citations.mark(parts.chosen[1].doc_id, parts.chosen[1].text)
        return (f"It depends on the cause: the articles cover {_named(depends.group('covered'))}{mark} "
                f"but exclude {_named(depends.group('excluded'))}{other}.")
    asked = set(terms(parts.question.text))
    item = max(excluded_items(lead.text), key=lambda i: len(asked & set(terms(i))), default="")  # the one most asked about
    item = item if asked & set(terms(item)) else ""
    return f"Usually not covered: the articles list {render(item)} among the exclusions{mark}." if item else ""


def _named(item: str) -> str:
    """An article's item in English: its first known noun, else the item rendered."""
    return nouns(item)[0] if nouns(item) else render(item)


def _exclusions(parts: Parts, citations: Citations) -> str:
    """What the lead sentence lists as excluded, for a question about exclusions or whether everything is
    covered ("does it pay for any loss?": not everything)."""
    asks_all = bool(ASKS_ALL.search(parts.question.text) and ASKS_YES_NO.search(parts.question.text))
    if not parts.chosen or not (asks_all or ASKS_EXCLUDED.search(parts.question.text)):
        return ""
    lead = parts.chosen[0]
    items = excluded_items(lead.text)
    if items and (start := _LIST_START.search(items[0])):  # "除外责任通常包括：A、B": the items after the colon
        items = [items[0][start.end() :], *items[1:]]
    items = [render(_short(i)) for i in items if len(i.strip()) >= 2][:5]
    if len(items) < 2:
        return ""
    said = "Not everything is covered: the articles exclude" if asks_all else "The articles list these exclusions:"
    return f"{said} {_and(items)}{citations.mark(lead.doc_id, lead.text)}."


def _insured(parts: Parts, citations: Citations) -> str:
    """What the lead sentence names as insured, for a question about cover: each item by its known nouns
    (and its figure: "protracted default (over 180 days)"); items the glossary knows nothing of are left out."""
    if not parts.chosen or not ("cover" in parts.question.kinds or ASKS_COVER.search(parts.question.text)):
        return ""
    if asked_units(parts.question.text):  # "what share does the cover pay": a figure, not the insured risks
        return ""
    lead = parts.chosen[0]
    named = [nouns(t)[0] for t in chinese_terms(parts.question.text) if nouns(t)]
    asked = next((n for i in covered_items(lead.text) if nouns(i) and (n := nouns(i)[0]) in named), "")
    if asked and ASKS_YES_NO.search(parts.question.text):  # "is a customer's insolvency paid for?"
        return f"Covered: the articles name {asked} among the insured risks{citations.mark(lead.doc_id, lead.text)}."
    items = [_step(i) if figures(i, levels_only=False) else nouns(i)[0] for i in covered_items(lead.text) if nouns(i)]
    items = list(dict.fromkeys(items))[:4]
    return f"The articles name these insured risks: {_and(items)}{citations.mark(lead.doc_id, lead.text)}." if items else ""


def _definition(parts: Parts, citations: Citations) -> str:
    """For "what is X": the term in English and the article's own definition, quoted."""
    if not parts.chosen or not ("definition" in parts.question.kinds or ASKS_MEANING.search(parts.question.text)):
        return ""
    lead = parts.chosen[0]
    fact = next((f for f in parts.facts_of(lead) if f.kind == "definition"
                 and names(parts.question.text, f.subject, [render(f.subject).strip("“”"), *nouns(f.subject)])), None)
    term, body = (fact.subject, fact.detail) if fact is not None else defined_in(lead.text, parts.question.text) or ("", "")
    if not term:  # (a definition of another term than the one asked says nothing on it)
        return ""
    return f"{_capital(render(term))} means, in the article's words: “{strip_end(body)}”{citations.mark(lead.doc_id, lead.text)}."


def _quoted_gist(parts: Parts, citations: Citations) -> str:
    """The lead sentence's clause on what the question names, quoted short, led by what English can say of
    it: its figure ("E-invoice: 11 days (“…快11天”)"), or the domain nouns it names ("Prepayment and letter of
    credit (“高风险客户必须采用预付款或信用证交易模式”)"); "" when no clause names anything asked."""
    if not parts.chosen or (ASKS_YES_NO.search(parts.question.text) and not asked_units(parts.question.text)):
        return ""  # (a yes-or-no question no verdict answers: a figure or a noun would claim an answer)
    lead = parts.chosen[0]
    named = [c for c in clauses(lead.text) if named_count(c, parts.question.text)]
    if not named:
        return ""
    clause = max(named, key=lambda c: (named_count(c, parts.question.text), bool(figures(c, levels_only=False))))
    if re.match(r"\s*[：:]", lead.text[lead.text.find(clause) + len(clause) :]):  # it heads a list: the list answers
        return _listed(replace(parts, asks_list=True), citations)
    quote, mark = f"“{_cut(clause)}”", citations.mark(lead.doc_id, lead.text)
    about = [f for f in [_asked_figure(clause, parts), *figures(clause, levels_only=False)] if f is not None and f.text]
    found = next((f for f in about if named_count(item_of(arabic_figures(clause), f.text), parts.question.text)), None)
    known = _done(clause, found.text) if found else nouns(clause)[:3]
    if found is not None:
        said = figure_phrase(clause, found.text)
        return f"{_capital(_and(known))}: {said} ({quote}){mark}." if known else f"{_capital(said)} ({quote}){mark}."
    return f"{_capital(_and(known))} ({quote}){mark}." if known else ""


def _cut(text: str, limit: int = 40) -> str:
    """A quote kept short: cut at ``limit`` characters with an ellipsis."""
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "…"


def _opening(parts: Parts) -> str:
    about = nouns(parts.question.text)[:3]
    return f"What the articles say on {_and(about)}, quoted in Chinese:" if about else "What the articles say, quoted in Chinese:"


def _with_quotes(lead: str, quoted: Sequence[Sentence], parts: Parts, citations: Citations) -> str:
    """The English sentence, then the cited Chinese sentences while they stay short (at least one)."""
    quotes: list[str] = []
    for sentence in dict.fromkeys([*quoted, *(c for c in parts.chosen if c.text not in {q.text for q in quoted})]):
        if quotes and (len(quotes) == 2 or len("".join(quotes)) + len(sentence.text) > MAX_QUOTES_CHARS):
            break  # (checked before citing: a sentence left out gets no number)
        chunk = parts.chunks.get(sentence.chunk_id)
        quotes.append((framed(sentence, chunk, citations) if chunk is not None else citations.cite(sentence)) + "。")
    return lead + ("\n" + full_width("".join(quotes)) if quotes else "")
