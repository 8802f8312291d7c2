"""What the composer worked out for an English reply (:class:`Parts`), and the small English helpers the
reply's builders share (:mod:`knowledge.english`, :mod:`knowledge.english_lines`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from knowledge.conflicts import Conflict
from knowledge.english_terms import nouns
from knowledge.facts import Fact
from knowledge.numerals import arabic_figures
from knowledge.questions import Question
from knowledge.reasoning import Finding
from knowledge.sentences import Sentence
from knowledge.types import Chunk


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def joined(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass
class Parts:
    """What the composer worked out for a question, for the English reply.

    Attributes:
        question: the understood question (``english`` set).
        chosen: the answer's sentences, lead first.
        chunks: chunk id -> chunk (for section headings and list items).
        facts: the facts of the articles.
        finding: a worked-out lead (reasoning), or None.
        verdict: the Chinese cover verdict's prefix or sentence ("一般不赔：", "能赔：X属于承保范围"), or "".
        disagreement: (term, excluding sentence, covering sentence) when articles disagree on a risk.
        conflicts: articles giving different figures for the asked thing.
        units: the unit classes of figure asked for (``days``, ``percent``).
        asks_figure: the question asks for a number.
        asks_list: the question asks for several things.
        pool_text: the article sentence a fact was read from.
    """

    question: Question
    chosen: list[Sentence]
    chunks: dict[str, Chunk]
    facts: Sequence[Fact]
    finding: Finding | None = None
    verdict: str = ""
    disagreement: tuple[str, Sentence, Sentence] | None = None
    conflicts: list[Conflict] = field(default_factory=list)
    units: set[str] = field(default_factory=set)
    asks_figure: bool = False
    asks_list: bool = False
    pool_text: Callable[[Fact], str] = lambda fact: fact.sentence

    def facts_of(self, sentence: Sentence) -> list[Fact]:
        """The facts read from an article sentence."""
        return [f for f in self.facts if f.chunk_id == sentence.chunk_id and self.pool_text(f) == sentence.text]


def done_nouns(text: str, figure: str) -> list[str]:
    """The known nouns of what a figure is about: those after it (before it stands the event it counts
    from), else all of the text's; two at most."""
    after = nouns(arabic_figures(text).split(figure, 1)[-1]) if figure else []
    return (after or nouns(text))[:2]


def short(text: str) -> str:
    """A long Chinese item cut at its first comma, its explanation in brackets left out."""
    return re.sub(r"[(（][^()（）]*[)）]?", "", re.split(r"[，,；;]", text)[0])
