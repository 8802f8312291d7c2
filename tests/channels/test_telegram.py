"""The Telegram bot: the real python-telegram-bot application polling a local stand-in for the Bot API."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from bot.channels.telegram import GREETING, session_id_for
from bot.store import ConversationStore
from tests.channels.conftest import ScriptedAssistant, make_chat
from tests.channels.telegram_harness import IGNORE_PTB_DEPRECATION, running_bot, standin  # noqa: F401 - fixture
from tests.channels.telegram_standin import (
    BOT,
    BotAPIStandIn,
    callback_update,
    command_update,
    text_update,
    user,
)

pytestmark = IGNORE_PTB_DEPRECATION


def _final_messages(api: BotAPIStandIn) -> list[dict[str, Any]]:
    return api.sent("sendMessage")


def test_private_question_gets_answer_with_citations_buttons_and_draft(
    standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path
) -> None:
    api = standin
    assistant = ScriptedAssistant()
    with running_bot(api, make_chat(assistant, store), tmp_path):
        api.push(text_update("买方破产了，我们怎么理赔？"))
        api.wait_for(lambda a: len(a.sent("sendMessage")) >= 1)
    sent = _final_messages(api)
    assert len(sent) == 1
    message = sent[0]
    assert message["parse_mode"] == "HTML"
    assert message["text"].startswith("买方破产属于保单承保的商业风险。")
    assert "<b>来源</b>\n[1] 买方破产的理赔流程" in message["text"]
    buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["text"] for b in buttons] == ["👍", "👎"]
    reply_id = store.recent_log()[0]["reply_id"]
    assert buttons[0]["callback_data"] == f"fb:1:{reply_id}"
    assert api.sent("sendChatAction")[0]["action"] == "typing"
    drafts = api.sent("sendMessageDraft")
    assert drafts and drafts[0]["text"].startswith("买方破产属于保单承保的商业风险。")
    assert assistant.messages == ["买方破产了，我们怎么理赔？"]
    assert store.recent_log()[0]["session_id"] == session_id_for(5550001)
    assert "5550001" not in store.recent_log()[0]["user_hash"]


def test_group_message_needs_a_mention_or_a_reply(
    standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path
) -> None:
    api = standin
    assistant = ScriptedAssistant("信用限额由保险公司根据买方资信核定。")
    group = -100123456
    bot_message = {"message_id": 3, "date": 1, "from": BOT, "chat": {"id": group, "type": "supergroup"}, "text": "…"}
    with running_bot(api, make_chat(assistant, store), tmp_path):
        api.push(text_update("大家看看这个客户的额度", chat_id=group, chat_type="supergroup", message_id=20))
        api.push(text_update(f"@{BOT['username']} 信用限额怎么定？", chat_id=group, chat_type="supergroup",
                             message_id=21, entities=[{"type": "mention", "offset": 0, "length": 18}]))
        api.wait_for(lambda a: len(a.sent("sendMessage")) >= 1)
        api.push(text_update("那多久复核一次？", chat_id=group, chat_type="supergroup", message_id=22,
                             reply_to=bot_message, from_user=user(5550002, "王会计")))
        api.wait_for(lambda a: len(a.sent("sendMessage")) >= 2)
    assert assistant.messages == ["信用限额怎么定？", "那多久复核一次？"]
    sent = api.sent("sendMessage")
    assert [m["reply_parameters"]["message_id"] for m in sent] == [21, 22]
    assert not api.sent("sendMessageDraft")  # drafts are for private chats only


def test_thumbs_up_is_recorded_in_the_feedback_log(
    standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path
) -> None:
    api = standin
    with running_bot(api, make_chat(ScriptedAssistant(), store), tmp_path):
        api.push(text_update("买方破产怎么办？"))
        api.wait_for(lambda a: len(a.sent("sendMessage")) >= 1)
        sent = api.sent("sendMessage")[0]
        thumbs_up = sent["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        bot_message = {"message_id": 2, "date": 1, "from": BOT, "chat": {"id": 5550001, "type": "private"},
                       "text": sent["text"], "reply_markup": sent["reply_markup"]}
        api.push(callback_update(thumbs_up, bot_message))
        api.wait_for(lambda a: a.sent("answerCallbackQuery") and a.sent("editMessageReplyMarkup"))
    feedback = store.all_feedback()
    assert [(f["reply_id"], f["rating"]) for f in feedback] == [(store.recent_log()[0]["reply_id"], 1)]
    assert api.sent("answerCallbackQuery")[0]["callback_query_id"] == "cbq-4242"
    assert "谢谢" in api.sent("answerCallbackQuery")[0]["text"]


def test_flood_control_retry_after_is_honoured_then_message_delivered(
    standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path
) -> None:
    api = standin
    api.flood_next_sends, api.retry_after = 1, 1
    with running_bot(api, make_chat(ScriptedAssistant(), store), tmp_path):
        api.push(text_update("买方破产怎么理赔？"))
        api.wait_for(lambda a: len(a.sent("sendMessage")) >= 2)
    attempts = [t for name, _, t in api.calls if name == "sendMessage"]
    assert len(attempts) == 2  # refused once, then delivered: not dropped, not duplicated
    assert attempts[1] - attempts[0] >= 0.95


def test_long_reply_is_split_at_sentence_ends_under_4096(
    standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path
) -> None:
    api = standin
    sentence = "买方频繁要求延长账期往往是资金链紧张的早期信号，企业应当及时复核该买方的信用额度并关注逾期账款。"
    assistant = ScriptedAssistant(sentence * 120)
    with running_bot(api, make_chat(assistant, store), tmp_path):
        api.push(text_update("账期被一再延长说明什么？"))
        api.wait_for(lambda a: any("reply_markup" in m for m in a.sent("sendMessage")))
    sent = api.sent("sendMessage")
    assert len(sent) >= 2
    assert all(len(m["text"]) <= 4096 for m in sent)
    assert all(m["text"].endswith("。") for m in sent[:-1])  # cut at sentence ends
    joined = "".join(m["text"] for m in sent)
    assert joined.count(sentence) == 120
    assert "reply_markup" in sent[-1] and all("reply_markup" not in m for m in sent[:-1])


def test_html_special_characters_are_escaped(
    standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path
) -> None:
    api = standin
    assistant = ScriptedAssistant("逾期率 <15% & DSO < 60 天属于正常范围，<b>不是</b>风险信号。")
    with running_bot(api, make_chat(assistant, store), tmp_path):
        api.push(text_update("逾期率多少算正常？"))
        api.wait_for(lambda a: len(a.sent("sendMessage")) >= 1)
    text = api.sent("sendMessage")[0]["text"]
    assert text.startswith("逾期率 &lt;15% &amp; DSO &lt; 60 天属于正常范围，&lt;b&gt;不是&lt;/b&gt;风险信号。")


def test_no_answer_offers_a_human_contact_button(
    standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path
) -> None:
    api = standin
    assistant = ScriptedAssistant("抱歉，资料里没有这方面的内容。", sources=[], status="no_answer")
    with running_bot(api, make_chat(assistant, store), tmp_path):
        api.push(text_update("你们食堂几点开饭？"))
        api.wait_for(lambda a: len(a.sent("sendMessage")) >= 1)
        sent = api.sent("sendMessage")[0]
        rows = sent["reply_markup"]["inline_keyboard"]
        assert rows[-1][0]["text"] == "联系人工"
        bot_message = {"message_id": 2, "date": 1, "from": BOT, "chat": {"id": 5550001, "type": "private"},
                       "text": sent["text"]}
        api.push(callback_update(rows[-1][0]["callback_data"], bot_message))
        api.wait_for(lambda a: len(a.sent("sendMessage")) >= 2)
    assert assistant.messages == ["你们食堂几点开饭？", "联系人工"]  # the button asks for a person on the user's behalf
    assert "来源" not in sent["text"]


def test_commands_start_score_dso_and_reset(
    standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path
) -> None:
    api = standin
    assistant = ScriptedAssistant("未找到该买方，请确认全称。", sources=[])
    with running_bot(api, make_chat(assistant, store), tmp_path):
        api.push(command_update("start"))
        api.wait_for(lambda a: len(a.sent("sendMessage")) >= 1)
        api.push(command_update("score", "宁波海曙纺织品进出口有限公司"))
        api.wait_for(lambda a: len(a.sent("sendMessage")) >= 2)
        api.push(command_update("dso"))
        api.wait_for(lambda a: len(a.sent("sendMessage")) >= 3)
        api.push(command_update("reset"))
        api.wait_for(lambda a: len(a.sent("sendMessage")) >= 4)
    texts = [m["text"] for m in api.sent("sendMessage")]
    assert texts[0] == GREETING
    assert assistant.messages == ["查询买方“宁波海曙纺织品进出口有限公司”的信用评分"]
    assert "DSO" in texts[2] and "/dso" in texts[2]
    assert "清空" in texts[3]
    assert not store.session_is_live(session_id_for(5550001))


def test_bad_gateway_is_retried_and_the_bot_keeps_running(
    standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path
) -> None:
    api = standin
    api.bad_gateway_next_sends = 1
    with running_bot(api, make_chat(ScriptedAssistant(), store), tmp_path):
        api.push(text_update("买方破产怎么理赔？"))
        api.wait_for(lambda a: len(a.sent("sendMessage")) >= 2)
        api.push(text_update("需要什么材料？", message_id=11))
        api.wait_for(lambda a: len(a.sent("sendMessage")) >= 3)
    texts = [m["text"] for m in api.sent("sendMessage")]
    assert texts[0] == texts[1]  # the refused attempt, then the same message delivered
    assert len(texts) == 3


def test_typing_action_is_repeated_while_a_slow_answer_is_computed(
    standin: BotAPIStandIn, store: ConversationStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.channels.telegram as telegram_channel

    monkeypatch.setattr(telegram_channel, "TYPING_EVERY_S", 0.2)
    api = standin
    # 2 s of answering at 0.2 s a beat: about ten typing actions, four even on a loaded machine
    with running_bot(api, make_chat(ScriptedAssistant(delay_s=2.0), store), tmp_path):
        api.push(text_update("买方破产怎么理赔？"))
        api.wait_for(lambda a: len(a.sent("sendMessage")) >= 1)
        typing_when_sent = len(api.sent("sendChatAction"))
        time.sleep(0.5)
    assert typing_when_sent >= 4
    assert len(api.sent("sendChatAction")) == typing_when_sent  # stopped once the answer went out
