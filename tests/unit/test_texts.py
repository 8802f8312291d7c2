"""The pipeline's fixed replies: a no_answer reply offers the human contact in the user's language."""

from __future__ import annotations

from pathlib import Path

from bot.assistant import build_assistant
from bot.config import Settings
from bot.messages import Caller, Session
from bot.pipeline.texts import HumanContact, no_answer
from bot.pipeline.turn import TurnContext
from tests.unit.test_pipeline import NoKnowledge

CONTACT = HumanContact("信用顾问热线 400-123-4567（工作日）", "our advisors on +86 400-123-4567 (working days)")


def _turn(text: str) -> TurnContext:
    return TurnContext(text, Session("cli:t", Caller("cli", "u1")))


def test_an_english_no_answer_offers_the_english_contact() -> None:
    reply = no_answer(_turn("Which football team won the league last season?"), CONTACT)
    assert reply.status == "no_answer"
    assert reply.answer.endswith("For help, contact: our advisors on +86 400-123-4567 (working days)")
    assert "热线" not in reply.answer


def test_a_chinese_no_answer_offers_the_chinese_contact() -> None:
    reply = no_answer(_turn("去年哪支球队拿了联赛冠军？"), CONTACT)
    assert reply.answer.endswith("如需帮助，请联系信用顾问热线 400-123-4567（工作日）")
    assert "advisors on" not in reply.answer


def test_a_contact_without_an_english_version_is_shown_as_it_is() -> None:
    assert HumanContact("热线 400-123-4567").english == "热线 400-123-4567"
    reply = no_answer(_turn("Which football team won the league last season?"), "热线 400-123-4567")
    assert reply.answer.endswith("For help, contact: 热线 400-123-4567")


def test_the_assistant_from_settings_answers_english_with_the_english_contact(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, answer_steps=[], human_contact="热线 400-123-4567",
                        human_contact_en="our hotline 400-123-4567")
    assistant = build_assistant(settings, knowledge=NoKnowledge())  # type: ignore[arg-type]
    english = assistant.answer("Which football team won the league last season?", Session("cli:e", Caller("cli", "u1")))
    chinese = assistant.answer("去年哪支球队拿了联赛冠军？", Session("cli:z", Caller("cli", "u1")))
    assert english.answer.endswith("For help, contact: our hotline 400-123-4567")
    assert chinese.answer.endswith("如需帮助，请联系热线 400-123-4567")
