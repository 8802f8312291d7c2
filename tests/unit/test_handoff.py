"""The hand-off step, its desk, office hours and the advisors' webhook notifier."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from bot.config import Settings
from bot.handoff.desk import HandoffDesk
from bot.handoff.hours import OfficeHours
from bot.handoff.notify import WebhookNotifier
from bot.messages import Caller, Session
from bot.pipeline.catalogue import DEFAULT_STEPS
from bot.pipeline.handoff import ACK, EN_ACK, HELD, HandoffStep, asks_for_person
from bot.pipeline.turn import TurnContext
from bot.store import ConversationStore


@pytest.fixture
def desk(tmp_path: Path) -> HandoffDesk:
    return HandoffDesk(ConversationStore(f"sqlite:///{tmp_path / 'c.sqlite3'}").engine)


@pytest.mark.parametrize("text", ["转人工", "请帮我转接人工", "有没有人工客服", "我要找真人聊", "联系人工",
                                  "Can I talk to a human?", "I want a live agent"])
def test_requests_for_a_person_are_recognised(text: str) -> None:
    assert asks_for_person(text)


@pytest.mark.parametrize("text", ["Could you put me through to an actual advisor?", "Connect me with one of your people",
                                  "transfer me to customer service please", "Can I speak with someone, please?",
                                  "I'd rather chat with a real human", "Pass me on to a rep", "I need a real person now"])
def test_english_requests_for_a_person_are_recognised(text: str) -> None:
    assert asks_for_person(text)


@pytest.mark.parametrize("text", ["人工智能会影响信用保险吗", "人工成本算不算损失", "human resources department",
                                  "Do I need an agent to take out cover?", "Should I speak to my accountant's advisor?",
                                  "Do we speak with our customer ahead of claiming?", "I want to know how long cover lasts",
                                  "Is human error in an invoice covered?"])
def test_other_mentions_of_people_are_not_requests(text: str) -> None:
    assert not asks_for_person(text)


def test_handoff_runs_first_by_default() -> None:
    assert DEFAULT_STEPS[0] == "handoff" and Settings(_env_file=None).answer_steps[0] == "handoff"


def _turn(text: str, session: Session) -> TurnContext:
    return TurnContext(text, session)


def test_asking_opens_once_notifies_once_and_keeps_the_bot_quiet_until_closed(desk: HandoffDesk) -> None:
    notified = []
    step = HandoffStep(desk, None, notified.append)
    session = Session("web:abc", Caller("web", "u1"))
    assert step.handle(_turn("信用证和信用保险有什么区别", session)) is None
    first = step.handle(_turn("转人工", session))
    assert first is not None and first.status == "handoff" and first.answer == ACK
    quiet = step.handle(_turn("我的买家拖欠了三个月", session))
    assert quiet is not None and quiet.status == "handoff" and quiet.answer == HELD
    again = step.handle(_turn("人工客服在吗", session))
    assert again is not None and again.status == "handoff"
    assert [(h.session_id, h.channel) for h in notified] == [("web:abc", "web")]
    assert desk.get("web:abc").last_message == "人工客服在吗"
    assert desk.close("web:abc") and not desk.close("web:abc")
    assert step.handle(_turn("信用证和信用保险有什么区别", session)) is None


def test_an_english_request_opens_a_handoff_answered_in_english(desk: HandoffDesk) -> None:
    step = HandoffStep(desk)
    reply = step.handle(_turn("Could you put me through to an actual advisor?", Session("web:en", Caller("web", "u"))))
    assert reply is not None and reply.status == "handoff" and reply.answer == EN_ACK
    assert desk.is_open("web:en")


def test_a_failing_notifier_never_costs_the_reply(desk: HandoffDesk) -> None:
    def broken(_: object) -> None:
        raise RuntimeError("thread limit")

    reply = HandoffStep(desk, None, broken).handle(_turn("转人工", Session("s1", Caller("web", "u"))))
    assert reply is not None and reply.status == "handoff"


def test_outside_office_hours_the_reply_says_a_person_answers_later(desk: HandoffDesk) -> None:
    never = OfficeHours.parse("09:00-09:00", "1-7", "Asia/Shanghai")
    reply = HandoffStep(desk, never).handle(_turn("转人工", Session("s2", Caller("web", "u"))))
    assert reply is not None and reply.status == "handoff" and "非工作时间（09:00-09:00）" in reply.answer
    english = HandoffStep(desk, never).handle(_turn("talk to a human please", Session("s3", Caller("web", "u"))))
    assert english is not None and "later" in english.answer


def test_office_hours_follow_weekdays_and_the_time_zone() -> None:
    hours = OfficeHours.parse("09:00-18:00", "1-5", "Asia/Shanghai")
    assert hours.is_open(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))  # Tuesday 10:00 in Shanghai
    assert not hours.is_open(datetime(2026, 12, 1, 11, 0, tzinfo=UTC))  # Tuesday 19:00
    assert not hours.is_open(datetime(2026, 12, 5, 2, 0, tzinfo=UTC))  # Saturday
    with pytest.raises(ValueError, match="09:00-18:00"):
        OfficeHours.parse("9 to 6", "1-5", "Asia/Shanghai")
    with pytest.raises(ValueError, match="Monday"):
        OfficeHours.parse("09:00-18:00", "1-9", "Asia/Shanghai")


def test_the_notifier_retries_until_the_webhook_accepts() -> None:
    answers = iter([httpx.Response(502), httpx.Response(200, json={"errcode": 45009}), httpx.Response(200, json={"errcode": 0})])
    seen: list[bytes] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        return next(answers)

    notifier = WebhookNotifier("http://robot.invalid/send", first_pause_s=0.001, transport=httpx.MockTransport(handle))
    handoff = type("H", (), {"channel": "wechat", "last_message": "我要找真人"})()
    assert notifier.send(handoff)  # type: ignore[arg-type]
    assert len(seen) == 3 and "我要找真人".encode() in seen[-1]


def test_the_notifier_gives_up_after_its_attempts() -> None:
    calls = []
    notifier = WebhookNotifier("http://robot.invalid/send", attempts=2, first_pause_s=0.001,
                               transport=httpx.MockTransport(lambda r: calls.append(r) or httpx.Response(503)))
    handoff = type("H", (), {"channel": "web", "last_message": "转人工"})()
    assert not notifier.send(handoff)  # type: ignore[arg-type]
    assert len(calls) == 2


def test_production_refuses_the_placeholder_contact() -> None:
    with pytest.raises(ValueError, match="HUMAN_CONTACT"):
        Settings(_env_file=None, environment="production")
    assert Settings(_env_file=None, environment="production", human_contact="请致电 400-820-0000").human_contact
