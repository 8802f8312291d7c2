"""The WeChat Official Account callback, served by uvicorn on loopback, driven with signed requests."""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from bot.channels.wechat import build_router, parse_xml
from bot.channels.wechat_reply import MORE_HINT, TEXT_ONLY, WELCOME
from bot.config import Settings
from bot.store import ConversationStore
from tests.channels.conftest import ScriptedAssistant, make_chat, serve
from tests.channels.wechat_helpers import (
    AES_KEY,
    APP_ID,
    OPENID,
    TOKEN,
    WeChatAPIStandIn,
    decrypted_reply,
    encrypted_request,
    plain_params,
    text_xml,
)


@contextmanager
def wechat_server(tmp_path: Path, assistant: ScriptedAssistant, **overrides: Any) -> Iterator[tuple[str, Any]]:
    """A FastAPI app with the WeChat router on a loopback port; yields (base URL, responder)."""
    settings = Settings(
        data_dir=tmp_path,
        wechat_token=TOKEN,
        wechat_aes_key=AES_KEY,
        wechat_app_id=APP_ID,
        **overrides,
    )
    chat = make_chat(assistant, ConversationStore(f"sqlite:///{tmp_path / 'conv.sqlite3'}"))
    router = build_router(settings, chat)
    app = FastAPI()
    app.include_router(router)
    with serve(app) as base:
        yield base, router.wechat_responder


def reply_content(response: httpx.Response) -> str:
    """The ``Content`` of a plain passive reply."""
    assert response.status_code == 200, response.text
    fields = parse_xml(response.content)
    assert fields["MsgType"] == "text" and fields["ToUserName"] == OPENID
    return fields["Content"]


def test_url_verification_echoes_echostr_only_with_a_valid_signature(tmp_path: Path) -> None:
    with wechat_server(tmp_path, ScriptedAssistant()) as (base, _):
        good = httpx.get(f"{base}/wechat", params={**plain_params(), "echostr": "8734512907"})
        forged = httpx.get(f"{base}/wechat", params={**plain_params(token="guess"), "echostr": "8734512907"})
    assert good.status_code == 200 and good.text == "8734512907"
    assert forged.status_code == 403 and "8734512907" not in forged.text


def test_plain_text_message_gets_passive_reply_with_citation(tmp_path: Path) -> None:
    assistant = ScriptedAssistant("买方破产后应**尽快**申报债权。")
    with wechat_server(tmp_path, assistant) as (base, _):
        response = httpx.post(f"{base}/wechat", params=plain_params(), content=text_xml("买方破产了怎么理赔？", "6230001"))
    content = reply_content(response)
    assert content.startswith("买方破产后应尽快申报债权。")  # Markdown stripped: WeChat shows plain text
    assert "参考：《买方破产的理赔流程》" in content
    assert assistant.messages == ["买方破产了怎么理赔？"]


def test_safe_mode_message_is_decrypted_and_reply_encrypted_and_signed(tmp_path: Path) -> None:
    assistant = ScriptedAssistant("信用限额是保险人对单一买方承担赔偿责任的最高额度。")
    params, body = encrypted_request(text_xml("信用限额是什么意思？", "6230002"))
    with wechat_server(tmp_path, assistant) as (base, _):
        response = httpx.post(f"{base}/wechat", params=params, content=body)
    assert response.status_code == 200
    inner = decrypted_reply(response.content)
    assert inner["ToUserName"] == OPENID
    assert inner["Content"].startswith("信用限额是保险人对单一买方承担赔偿责任的最高额度。")
    assert "信用限额" not in response.text  # nothing in clear text
    assert assistant.messages == ["信用限额是什么意思？"]


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    "<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><MsgType>text</MsgType>"
    "<Content>&lol3;</Content><MsgId>1</MsgId></xml>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><MsgType>text</MsgType>"
    "<Content>&xxe;</Content><MsgId>2</MsgId></xml>"
)


@pytest.mark.parametrize(
    ("case", "expected_status"),
    [("forged", 403), ("replayed", 403), ("malformed", 400), ("oversized", 413), ("billion_laughs", 400),
     ("xxe", 400), ("bad_msg_signature", 403)],
)
def test_bad_callbacks_are_rejected_without_computing_an_answer(tmp_path: Path, case: str, expected_status: int) -> None:
    assistant = ScriptedAssistant()
    params, body = plain_params(), text_xml("信用保险保什么？", "6230003")
    if case == "forged":
        params = plain_params(token="not-the-token")
    elif case == "replayed":
        params = plain_params(timestamp=int(time.time()) - 3600)
    elif case == "malformed":
        body = "<xml><Content>信用保险</Content"
    elif case == "oversized":
        body = text_xml("信用保险" * 40000, "6230004")
    elif case == "billion_laughs":
        body = BILLION_LAUGHS
    elif case == "xxe":
        body = XXE
    elif case == "bad_msg_signature":
        params, body = encrypted_request(text_xml("信用保险保什么？", "6230005"))
        params["msg_signature"] = "0" * 40
    with wechat_server(tmp_path, assistant, wechat_replay_window_s=300) as (base, _):
        response = httpx.post(f"{base}/wechat", params=params, content=body.encode())
    assert response.status_code == expected_status
    assert "root:" not in response.text
    assert assistant.messages == []


def test_slow_answer_returns_success_then_arrives_as_customer_service_message(tmp_path: Path) -> None:
    assistant = ScriptedAssistant("逾期账款占比超过15%是现金流预警信号。", delay_s=2.0)
    api = WeChatAPIStandIn()
    with serve(api.app) as api_url, wechat_server(
        tmp_path, assistant, wechat_reply_budget_s=0.8, wechat_api_url=api_url, wechat_app_secret="app-secret-1"
    ) as (base, responder):
        xml = text_xml("逾期账款占比多少算危险？", "6230006")
        started = time.monotonic()
        first = httpx.post(f"{base}/wechat", params=plain_params(), content=xml)
        first_took = time.monotonic() - started
        retry = httpx.post(f"{base}/wechat", params=plain_params(), content=xml)  # WeChat's retry of the MsgId
        assert api.sent_event.wait(10)
        delivered_after = time.monotonic() - started
    assert first.text == "success" and retry.text == "success"
    assert 0.7 < first_took < 1.8  # within the budget, far inside WeChat's 5 seconds
    assert delivered_after >= 2.0
    assert assistant.messages == ["逾期账款占比多少算危险？"]  # the retry did not compute a second answer
    assert len(api.sent) == 1
    assert api.sent[0]["touser"] == OPENID and api.sent[0]["msgtype"] == "text"
    assert api.sent[0]["text"]["content"].startswith("逾期账款占比超过15%是现金流预警信号。")
    assert api.token_requests == [
        {"grant_type": "client_credential", "appid": APP_ID, "secret": "app-secret-1", "force_refresh": False}
    ]  # stable_token in normal mode: never invalidates the token another worker holds


def test_access_token_is_cached_between_customer_service_messages(tmp_path: Path) -> None:
    assistant = ScriptedAssistant("赊销是先交货后收款。", delay_s=1.0)
    api = WeChatAPIStandIn()
    with serve(api.app) as api_url, wechat_server(
        tmp_path, assistant, wechat_reply_budget_s=0.3, wechat_api_url=api_url, wechat_app_secret="app-secret-1"
    ) as (base, _):
        for msg_id in ("6230007", "6230008"):
            api.sent_event.clear()
            response = httpx.post(f"{base}/wechat", params=plain_params(), content=text_xml("什么是赊销？", msg_id))
            assert response.text == "success"
            assert api.sent_event.wait(10)
    assert len(api.sent) == 2
    assert len(api.token_requests) == 1


def test_retry_while_in_flight_waits_for_the_same_answer(tmp_path: Path) -> None:
    assistant = ScriptedAssistant("坏账是无法收回的应收账款。", delay_s=0.8)
    with wechat_server(tmp_path, assistant, wechat_reply_budget_s=3.0) as (base, _):
        xml = text_xml("坏账是什么？", "6230009")
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            first = pool.submit(httpx.post, f"{base}/wechat", params=plain_params(), content=xml)
            time.sleep(0.3)
            second = pool.submit(httpx.post, f"{base}/wechat", params=plain_params(), content=xml)
            contents = [reply_content(first.result()), reply_content(second.result())]
        after_completion = reply_content(httpx.post(f"{base}/wechat", params=plain_params(), content=xml))
    assert contents[0] == contents[1] == after_completion
    assert contents[0].startswith("坏账是无法收回的应收账款。")
    assert assistant.messages == ["坏账是什么？"]


def test_account_without_customer_service_api_gets_answer_on_next_message(tmp_path: Path) -> None:
    assistant = ScriptedAssistant("账龄是应收账款自发票日起经过的天数。", delay_s=1.2)
    api = WeChatAPIStandIn(send_errcode=48001)  # unverified subscription account
    with serve(api.app) as api_url, wechat_server(
        tmp_path, assistant, wechat_reply_budget_s=0.3, wechat_api_url=api_url, wechat_app_secret="app-secret-1"
    ) as (base, responder):
        first = httpx.post(f"{base}/wechat", params=plain_params(), content=text_xml("账龄怎么算？", "6230010"))
        assert api.sent_event.wait(10)
        time.sleep(0.2)
        nxt = httpx.post(f"{base}/wechat", params=plain_params(), content=text_xml("继续", "6230011"))
    assert first.text == "success"
    content = reply_content(nxt)
    assert content.startswith("您上一个问题的回答：\n账龄是应收账款自发票日起经过的天数。")
    assert assistant.messages == ["账龄怎么算？"]


def test_long_answer_is_split_under_the_byte_limit_with_more_on_request(tmp_path: Path) -> None:
    sentence = "应收账款周转天数持续延长说明回款变慢，企业需要关注买方的付款能力并及时调整信用额度。"
    assistant = ScriptedAssistant(sentence * 40)
    with wechat_server(tmp_path, assistant) as (base, _):
        first = reply_content(httpx.post(f"{base}/wechat", params=plain_params(), content=text_xml("DSO变长怎么办？", "6230012")))
        pages = [first]
        for i in range(10):
            if not pages[-1].endswith(MORE_HINT.strip()):
                break
            response = httpx.post(f"{base}/wechat", params=plain_params(), content=text_xml("更多", f"62301{i:02d}"))
            pages.append(reply_content(response))
    assert len(pages) >= 2
    assert all(len(p.encode()) < 2048 for p in pages)
    text = "".join(p.replace(MORE_HINT.strip(), "").strip() for p in pages)
    assert text.count(sentence) == 40
    assert assistant.messages == ["DSO变长怎么办？"]  # "更多" pages come from the stored answer


def test_subscribe_image_and_voice_get_sensible_replies(tmp_path: Path) -> None:
    assistant = ScriptedAssistant("信用保险承保买方破产和拖欠风险。")
    subscribe = (
        f"<xml><ToUserName>gh_7f083739789a</ToUserName><FromUserName>{OPENID}</FromUserName>"
        "<CreateTime>1</CreateTime><MsgType>event</MsgType><Event>subscribe</Event></xml>"
    )
    image = text_xml("", "6230020", msg_type="image", extra="<PicUrl>http://x/1.jpg</PicUrl><MediaId>m1</MediaId>")
    voice = text_xml("", "6230021", msg_type="voice", extra="<Format>amr</Format><Recognition>信用保险保什么？</Recognition>")
    with wechat_server(tmp_path, assistant) as (base, _):
        replies = [reply_content(httpx.post(f"{base}/wechat", params=plain_params(), content=b.encode()))
                   for b in (subscribe, image, voice)]
    assert replies[0] == WELCOME and "例如" in replies[0]
    assert replies[1] == TEXT_ONLY
    assert replies[2].startswith("信用保险承保买方破产和拖欠风险。")
    assert assistant.messages == ["信用保险保什么？"]


def test_too_long_question_gets_a_chinese_explanation_not_an_answer(tmp_path: Path) -> None:
    assistant = ScriptedAssistant()
    with wechat_server(tmp_path, assistant) as (base, _):
        response = httpx.post(f"{base}/wechat", params=plain_params(), content=text_xml("应收账款" * 600, "6230030"))
    assert "不超过 2000 个字" in reply_content(response)
    assert assistant.messages == []
