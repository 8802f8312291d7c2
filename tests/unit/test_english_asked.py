"""The English first sentence taken from whichever chosen sentence states the asked kind, and an English
question close in meaning counted as supported. Articles and questions of our own wording."""

from __future__ import annotations

from knowledge.answering import Composer
from knowledge.constants import ENGLISH_MEANING, MIN_COVERAGE
from knowledge.english import Parts, english_answer
from knowledge.english_asked import asked_units, names
from knowledge.facts import extract_facts
from knowledge.formatting import Citations
from knowledge.questions import understand
from knowledge.scoring import Candidate
from knowledge.sentences import Sentence
from knowledge.types import Chunk

SIGNS = Chunk("021_s#1", "021_s", "信号", "section", "预警信号",
              "可以关注三个信号：逾期账款占比、应收账款周转天数、买方要求延长账期。若速动比率低于0.8，应暂停赊销。", 0, 0)
DUNNING = Chunk("022_d#1", "022_d", "提醒", "section", "提醒节奏",
                "逾期5日内寄出书面提醒函。在账期到期前10天发送友好提醒。", 0, 0)


def _sentences(chunk: Chunk) -> list[Sentence]:
    return [Sentence(t + "。", chunk.doc_id, chunk.chunk_id, n) for n, t in enumerate(chunk.text.rstrip("。").split("。"))]


def _first_line(question: str, chunk: Chunk) -> str:
    parts = Parts(understand(question), _sentences(chunk), {chunk.chunk_id: chunk}, extract_facts(chunk),
                  asks_figure=True, asks_list=True)
    return english_answer(parts, Citations({})).splitlines()[0]


def test_a_named_metrics_line_leads_even_from_the_second_sentence() -> None:
    line = _first_line("Under which quick ratio should we stop selling on credit? 速动比率", SIGNS)
    assert line == "The articles' warning line: quick ratio below 0.8[1]."


def test_a_figure_counted_back_from_the_due_date_answers_a_before_question() -> None:
    line = _first_line("How many days ahead of the due date does the courtesy reminder go out? 提醒 提醒函", DUNNING)
    assert "10 days before" in line
    assert "5 days" not in line


def test_english_question_words_ask_for_a_time() -> None:
    assert asked_units("What is the time limit for reporting a loss?") == {"days"}
    assert asked_units("By when do we have to file?") == {"days"}
    assert asked_units("Which documents are needed?") == set()


def test_a_term_is_named_in_its_chinese_or_english_words_only() -> None:
    assert names("What is the current ratio? 流动比率", "流动比率", [])
    assert names("Is our quick ratio too low?", "速动比率", ["quick ratio"])
    assert not names("Is our quick ratio too low?", "流动比率", ["current ratio"])


def test_an_english_question_close_in_meaning_is_supported_despite_few_shared_words() -> None:
    composer = Composer([SIGNS])
    weak = [Candidate(_sentences(SIGNS)[0], 0.3, 0.05, 0.3)]
    assert composer._confidence("q", weak, False, ENGLISH_MEANING, english=True) >= MIN_COVERAGE
    assert composer._confidence("q", weak, False, ENGLISH_MEANING - 0.01, english=True) < MIN_COVERAGE
    assert composer._confidence("q", weak, False, ENGLISH_MEANING, english=False) < MIN_COVERAGE
    nothing = [Candidate(_sentences(SIGNS)[0], 0.3, 0.0, 0.3)]  # (no glossary term found: not supported)
    assert composer._confidence("q", nothing, False, ENGLISH_MEANING, english=True) == 0.0
