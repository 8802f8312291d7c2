"""Telegram, item by item from the users' review (issue 13): the real application against the Bot API stand-in."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.channels.telegram import (
    ASK_FOR_QUESTION,
    COMMANDS,
    CONFIDENTIAL_REFUSED,
    CONFIDENTIAL_SENT,
    SHORT_GREETING,
    TEXT_ONLY,
    THANKS_REPLY,
)
from bot.channels.telegram_buttons import ASK_COMMENT, COMMENT_THANKS
from bot.channels.telegram_handoff import session_id_for
from bot.handoff.desk import HandoffDesk
from bot.messages import Reply, Session, Source, ToolCall, Turn
from bot.pipeline.handoff import ACK
from bot.store import ConversationStore
from tests.channels.conftest import ScriptedAssistant, make_chat
from tests.handoff_support import HandingOffAssistant
from tests.channels.telegram_harness import IGNORE_PTB_DEPRECATION, running_bot, standin  # noqa: F401 - fixture
from tests.channels.telegram_standin import BOT, BotAPIStandIn, callback_update, command_update, message_update, text_update, user

pytestmark = IGNORE_PTB_DEPRECATION

GROUP = -100777001
CARD = "宁波鑫达纺织品有限公司：信用评级 3（低风险），信用限额 200万元，状态 正常。"


def _texts(api: BotAPIStandIn, chat_id: int | None = None) -> list[str]:
    return [m["text"] for m in api.delivered if chat_id is None or m["chat"]["id"] == chat_id]


def _bot_message(sent: dict[str, Any]) -> dict[str, Any]:
    """The bot's message as a callback query carries it."""
    return {"message_id": 2, "date": 1, "from": BOT, "chat": sent["chat"], "text": sent["text"],
            "reply_markup": sent.get("reply_markup")}


class EchoAssistant(ScriptedAssistant):
    """Answers each message with an answer naming it, so every delivered message says which question it answers."""

    def answer(self, message: str, session: Session) -> Reply:
        self.messages.append(message)
        reply = Reply(f"关于“{message}”：请参考保单条款。", sources=[])
        session.turns.append(Turn(message, reply.answer, reply.status))
        return reply


class BuyerCardAssistant(ScriptedAssistant):
    """Answers every message with a buyer card, as the buyer_lookup tool does."""

    def answer(self, message: str, session: Session) -> Reply:
        self.messages.append(message)
        reply = Reply(CARD, tool_calls=[ToolCall("buyer_lookup", {"query": "鑫达"}, {"grade": 3, "status": "active"})])
        session.turns.append(Turn(message, reply.answer, reply.status))
        return reply


class UncitedLLMAssistant(ScriptedAssistant):
    """Streams model tokens that fail the citation check, then falls back to the offline answer."""

    UNCITED = "没问题！所有损失都会在三天内全部赔给您，"

    def stream(self, message: str, session: Session) -> Iterator[str | Reply]:
        reply = self.answer(message, session)
        yield from (self.UNCITED[:8], self.UNCITED[8:], "无需任何材料。", "\n\n")
        yield from (reply.answer[:10], reply.answer[10:])
        yield reply


def test_slow_send_message_is_not_sent_twice(standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path) -> None:
    api = standin
    api.slow_next_sends = 1  # Telegram takes 6 s to confirm: past PTB's default 5 s timeout
    with running_bot(api, make_chat(EchoAssistant(), store), tmp_path):
        api.push(text_update("买方破产怎么理赔？"))
        api.wait_for(lambda a: len(a.delivered) >= 1, timeout=30)
        api.push(text_update("需要什么材料？", message_id=11))  # answered after any re-send of the first would be
        api.wait_for(lambda a: any("需要什么材料" in t for t in _texts(a)), timeout=30)
    assert [t.split("：")[0] for t in _texts(api)] == ["关于“买方破产怎么理赔？”", "关于“需要什么材料？”"]
    assert len(api.sent("sendMessage")) == 2


def test_group_buyer_request_goes_privately_never_to_the_group(
    standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    api = standin
    api.blocked_chats.add(5550002)  # this user never opened a private chat with the bot
    group = dict(chat_id=GROUP, chat_type="supergroup")
    with running_bot(api, make_chat(BuyerCardAssistant(), store), tmp_path,
                     buyer_tool_callers="telegram:5550001,telegram:5550002"):
        api.push(command_update(f"score@{BOT['username']}", "鑫达", message_id=30, **group))
        api.wait_for(lambda a: len(_texts(a, GROUP)) >= 1)
        api.push(command_update(f"score@{BOT['username']}", "鑫达", message_id=31, from_user=user(5550002, "王会计"),
                                **group))
        api.wait_for(lambda a: len(_texts(a, GROUP)) >= 2)
    in_group = _texts(api, GROUP)
    assert in_group == [CONFIDENTIAL_SENT, CONFIDENTIAL_REFUSED]
    assert not any("鑫达" in t or "评级" in t for t in in_group)
    assert _texts(api, 5550001)[0].startswith(CARD)  # the asking user got the card privately
    assert [m["reply_parameters"]["message_id"] for m in api.sent("sendMessage") if int(m["chat_id"]) == GROUP] == [30, 31]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # a user without a private chat is no fault


def test_llm_drafts_never_show_uncited_model_text(standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path) -> None:
    api = standin
    assistant = UncitedLLMAssistant("买方破产后，被保险人应在规定期限内提交索赔申请[1]。")
    with running_bot(api, make_chat(assistant, store), tmp_path, llm_base_url="http://127.0.0.1:9/v1", llm_model="m"):
        api.push(text_update("买方破产了怎么办？"))
        api.wait_for(lambda a: len(a.delivered) >= 1)
    shown = [d["text"] for d in api.sent("sendMessageDraft")] + _texts(api)
    assert not any("三天" in t or "没问题" in t or "无需" in t for t in shown)
    assert _texts(api)[0].startswith("买方破产后，被保险人应在规定期限内提交索赔申请[1]。")


def test_edited_message_gets_no_second_answer(standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path) -> None:
    api = standin
    assistant = ScriptedAssistant()
    with running_bot(api, make_chat(assistant, store), tmp_path):
        api.push(text_update("买方破产怎么理赔", message_id=40))
        api.wait_for(lambda a: len(a.delivered) >= 1)
        api.push(message_update({"text": "买方破产怎么理赔？"}, message_id=40, kind="edited_message"))
        api.push(text_update("要多久？", message_id=41))
        api.wait_for(lambda a: len(a.delivered) >= 2)
    assert assistant.messages == ["买方破产怎么理赔", "要多久？"]


def test_captions_are_answered_and_other_media_asked_for_text(
    standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path
) -> None:
    api = standin
    assistant = ScriptedAssistant()
    photo = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]
    with running_bot(api, make_chat(assistant, store), tmp_path):
        api.push(message_update({"photo": photo, "caption": "这张发票逾期两个月了，能报损吗？"}, message_id=50))
        api.wait_for(lambda a: len(a.delivered) >= 1)
        api.push(message_update({"sticker": {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1,
                                             "is_animated": False, "is_video": False, "type": "regular"}}, message_id=51))
        api.wait_for(lambda a: len(a.delivered) >= 2)
        api.push(message_update({"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}}, message_id=52))
        api.wait_for(lambda a: len(a.delivered) >= 3)
    assert assistant.messages == ["这张发票逾期两个月了，能报损吗？"]
    assert _texts(api)[1:] == [TEXT_ONLY, TEXT_ONLY]


def test_command_menu_is_set_at_start(standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path) -> None:
    api = standin
    with running_bot(api, make_chat(ScriptedAssistant(), store), tmp_path):
        api.wait_for(lambda a: bool(a.sent("setMyCommands")))
    commands = api.sent("setMyCommands")[0]["commands"]
    assert [c["command"] for c in commands] == [name for name, _ in COMMANDS]
    assert all(c["description"] for c in commands)


def test_thanks_and_repeated_greetings_get_short_replies(
    standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path
) -> None:
    api = standin
    assistant = ScriptedAssistant("您好！我是贸易信用保险知识助手，请告诉我您的具体问题。")
    with running_bot(api, make_chat(assistant, store), tmp_path):
        for n, text in enumerate(("你好", "谢谢！", "你好")):
            api.push(text_update(text, message_id=60 + n))
            api.wait_for(lambda a, n=n: len(a.delivered) >= n + 1)
    assert assistant.messages == ["你好"]  # the full introduction once
    assert _texts(api)[1:] == [THANKS_REPLY, SHORT_GREETING]


def test_bare_mention_asks_for_the_question(standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path) -> None:
    api = standin
    assistant = ScriptedAssistant()
    with running_bot(api, make_chat(assistant, store), tmp_path):
        api.push(text_update(f"@{BOT['username']}", chat_id=GROUP, chat_type="supergroup", message_id=70,
                             entities=[{"type": "mention", "offset": 0, "length": len(BOT["username"]) + 1}]))
        api.wait_for(lambda a: len(a.delivered) >= 1)
    assert assistant.messages == []
    assert _texts(api) == [ASK_FOR_QUESTION]


def test_double_tap_records_one_vote_and_shows_rated(
    standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path
) -> None:
    api = standin
    with running_bot(api, make_chat(ScriptedAssistant(), store), tmp_path):
        api.push(text_update("买方破产怎么办？"))
        api.wait_for(lambda a: len(a.delivered) >= 1)
        sent = api.delivered[0]
        up, down = (b["callback_data"] for b in sent["reply_markup"]["inline_keyboard"][0])
        api.push(callback_update(up, _bot_message(sent)))
        api.push(callback_update(up, _bot_message(sent)))
        api.wait_for(lambda a: len(a.sent("answerCallbackQuery")) >= 2 and a.sent("editMessageReplyMarkup"))
        api.push(callback_update(down, _bot_message(sent)))  # a late tap on the other button
        api.wait_for(lambda a: len(a.sent("answerCallbackQuery")) >= 3)
    assert [f["rating"] for f in store.all_feedback()] == [1]
    buttons = [b["text"] for row in api.sent("editMessageReplyMarkup")[0]["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["已评价 👍"]
    assert len(api.sent("editMessageReplyMarkup")) == 1


def test_thumbs_down_asks_for_a_comment_and_records_the_next_message(
    standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path
) -> None:
    api = standin
    assistant = ScriptedAssistant()
    with running_bot(api, make_chat(assistant, store), tmp_path):
        api.push(text_update("买方破产怎么办？"))
        api.wait_for(lambda a: len(a.delivered) >= 1)
        sent = api.delivered[0]
        down = sent["reply_markup"]["inline_keyboard"][0][1]["callback_data"]
        api.push(callback_update(down, _bot_message(sent)))
        api.wait_for(lambda a: len(a.delivered) >= 2)
        api.push(text_update("没说清楚要交哪些证明文件", message_id=12))
        api.wait_for(lambda a: len(a.delivered) >= 3)
    assert _texts(api)[1:] == [ASK_COMMENT, COMMENT_THANKS]
    assert api.delivered[1]["reply_markup"]["force_reply"] is True
    assert [(f["rating"], f["comment"]) for f in store.all_feedback()] == [(-1, "没说清楚要交哪些证明文件")]
    assert assistant.messages == ["买方破产怎么办？"]  # the comment was not answered as a question


def test_human_contact_button_starts_a_handoff_once(
    standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path
) -> None:
    api = standin
    desk = HandoffDesk(store.engine)
    with running_bot(api, make_chat(HandingOffAssistant(desk), store), tmp_path):
        api.push(text_update("今天天气怎么样？"))
        api.wait_for(lambda a: len(a.delivered) >= 1)
        sent = api.delivered[0]
        human = sent["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
        api.push(callback_update(human, _bot_message(sent)))
        api.wait_for(lambda a: len(a.delivered) >= 2)
        api.push(callback_update(human, _bot_message(sent)))
        api.wait_for(lambda a: len(a.sent("answerCallbackQuery")) >= 2)
    assert _texts(api)[1:] == [ACK]
    rows = api.sent("editMessageReplyMarkup")[0]["reply_markup"]["inline_keyboard"]
    assert [b["text"] for b in rows[-1]] == ["已转人工"] and [b["text"] for b in rows[0]] == ["👍", "👎"]
    handoff = desk.get(session_id_for(5550001))
    assert handoff is not None and (handoff.channel, handoff.address) == ("telegram", "5550001")


def test_llm_markdown_and_traditional_answers_render_as_telegram_html(
    standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path
) -> None:
    api = standin
    answer = "### 理賠材料\n- **索賠申請書**[1]\n- `債權證明`\n> 以保單條款為準[1]。"
    with running_bot(api, make_chat(ScriptedAssistant(answer), store), tmp_path):
        api.push(text_update("理賠要準備什麼？"))
        api.wait_for(lambda a: len(a.delivered) >= 1)  # the stand-in refuses HTML Telegram would not parse
    text = _texts(api)[0]
    assert text.startswith("<b>理賠材料</b>\n• <b>索賠申請書</b>[1]\n• <code>債權證明</code>\n<blockquote>以保單條款為準[1]。</blockquote>")
    assert "###" not in text and "**" not in text and "`" not in text
    assert "<b>來源</b>\n[1] 買方破產的理賠流程" in text


def test_untitled_and_same_title_sources_keep_readable_labels_and_numbers(
    standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path
) -> None:
    api = standin
    sources = [Source("021_a", "信用限额的设定", "限额按买方资信核定。", 0.8),
               Source("022_b", "信用限额的设定", "限额应每年复核一次。", 0.7),
               Source("023_5e6f7a8b9c0d1e2f", "023_5e6f7a8b9c0d1e2f", "出口前核实买方资信，确认限额足以覆盖订单。", 0.6)]
    answer = "限额按资信核定[1]，每年复核[2]，出口前要核实[3]。"
    with running_bot(api, make_chat(ScriptedAssistant(answer, sources=sources), store), tmp_path):
        api.push(text_update("信用限额怎么定？"))
        api.wait_for(lambda a: len(a.delivered) >= 1)
    block = _texts(api)[0].split("<b>来源</b>\n", 1)[1].splitlines()
    assert block == ["[1] 信用限额的设定", "[2] 信用限额的设定", "[3] “出口前核实买方资信，确认限额足以覆盖订单。”"]


def test_four_flood_refusals_in_a_row_still_deliver_once(
    standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    api = standin
    api.flood_next_sends, api.retry_after = 4, 1
    with running_bot(api, make_chat(ScriptedAssistant(), store), tmp_path):
        api.push(text_update("买方破产怎么理赔？"))
        api.wait_for(lambda a: len(a.delivered) >= 1, timeout=30)
    attempts = [t for name, _, t in api.calls if name == "sendMessage"]
    assert len(attempts) == 5 and len(api.delivered) == 1
    assert all(later - earlier >= 0.95 for earlier, later in zip(attempts, attempts[1:]))  # retry_after honoured
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_final_send_failure_is_logged_once_and_the_user_told(
    standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import bot.channels.telegram_send as telegram_send

    monkeypatch.setattr(telegram_send, "ATTEMPTS", 2)
    api = standin
    api.flood_next_sends, api.retry_after = 2, 1  # both attempts refused; the short notice then goes through
    with running_bot(api, make_chat(ScriptedAssistant(), store), tmp_path):
        api.push(text_update("买方破产怎么理赔？"))
        api.wait_for(lambda a: len(a.delivered) >= 1, timeout=30)
    assert _texts(api) == ["抱歉，回答没能发送出去，请稍后再问一次。"]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "not delivered" in errors[0].getMessage() and errors[0].exc_info is None


def test_get_updates_hiccups_log_one_line_each_not_a_traceback(
    standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    api = standin
    api.bad_gateway_next_updates = 2
    with running_bot(api, make_chat(ScriptedAssistant(), store), tmp_path):
        api.push(text_update("买方破产怎么理赔？"))
        api.wait_for(lambda a: len(a.delivered) >= 1, timeout=30)
    polling = [r for r in caplog.records if "polling failed" in r.getMessage()]
    assert len(polling) == 2 and all(r.levelno == logging.WARNING for r in polling)
    assert not [r for r in caplog.records if r.exc_info]
