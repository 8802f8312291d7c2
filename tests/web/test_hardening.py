"""Bad input never gets a 5xx; sessions stay with their caller; limits hold across workers and forged headers.

Regression tests of the security audit (issue 10), each against a real uvicorn server on loopback.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.messages import Incoming
from bot.policy import caller_for
from bot.store import ConversationStore, ForeignSession
from bot.web.server import create_app, proxy_options
from tests import support
from tests.web.conftest import fake_chat, web_settings

QUESTION = "买方破产了能赔吗？"


def post_raw(base: str, body: bytes | str, path: str = "/api/chat", **headers: str) -> httpx.Response:
    return httpx.post(f"{base}{path}", content=body, headers={"Content-Type": "application/json", **headers})


# --- item 3: nested or huge JSON, huge integers, lone surrogates, infinities -------------------------

@pytest.mark.parametrize("path", ["/api/chat", "/api/feedback"])
@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('{"message": ' + "[" * 5000 + "]" * 5000 + "}", "nested"),
        ('{"message": "理赔要多久", "x": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested"),
        ('{"message": "理赔要多久", "n": ' + "9" * 15_000 + "}", "number"),
        ('{"reply_id": "r", "rating": ' + "1" * 5000 + "}", "number"),
        ('{"message": "理赔要多久", "n": 1e999}', "infinite"),
        ('{"message": "理赔要多久", "n": Infinity}', "not a number"),
        ('{"message": "理赔要多久", "n": NaN}', "not a number"),
        ('{"message": "\\ud800理赔", "reply_id": "\\ud800", "rating": "up"}', "surrogate"),
    ],
)
def test_hostile_json_gets_4xx_with_a_reason_never_5xx(start_server: Callable[..., Any], path: str, body: str,
                                                       reason: str) -> None:
    base, _, chat = start_server(max_body_bytes=1_000_000)
    warm_up = chat.assistant.calls
    response = post_raw(base, body, path)
    assert 400 <= response.status_code < 500, response.text
    assert reason in response.json()["error"]
    assert chat.assistant.calls == warm_up


def test_lone_surrogate_is_refused_before_streaming(start_server: Callable[..., Any]) -> None:
    base, _, chat = start_server()
    warm_up = chat.assistant.calls
    response = post_raw(base, '{"message": "\\ud800理赔"}', Accept="text/event-stream")
    assert response.status_code == 422 and "surrogate" in response.json()["error"]
    assert chat.assistant.calls == warm_up


def test_store_replaces_surrogates_that_reach_it_from_other_channels(tmp_path: Path) -> None:
    settings = web_settings(tmp_path, 0)
    chat = fake_chat(settings)
    caller = caller_for(settings, "telegram", "42")
    reply = chat.handle(Incoming("\ud800理赔要多久", "tg:s1", caller))
    assert reply.answer and chat.store.recent_log(1)[0]["question"].endswith("理赔要多久")


# --- item 8: the byte cap admits every message the character cap admits ------------------------------

def test_2000_emoji_json_escaped_are_accepted_and_2001_get_a_length_message(start_server: Callable[..., Any]) -> None:
    base, settings, _ = start_server()
    assert settings.max_message_chars == 2000
    body = json.dumps({"message": "😀" * 2000, "session_id": "emoji-1"})  # ensure_ascii: 12 bytes per emoji
    assert len(body.encode()) > 24_000
    assert post_raw(base, body).status_code == 200
    too_long = post_raw(base, json.dumps({"message": "😀" * 2001}))
    assert too_long.status_code == 422 and "too long" in too_long.json()["error"]


# --- item 1: sessions belong to their caller ----------------------------------------------------------

def test_web_api_refuses_other_channels_session_ids(start_server: Callable[..., Any]) -> None:
    base, settings, chat = start_server(buyer_tool_callers="wecom:zhangsan")
    zhangsan = caller_for(settings, "wecom", "zhangsan")
    wecom_session = f"wecom:{zhangsan.user_hash}"
    chat.handle(Incoming(QUESTION, wecom_session, zhangsan))
    answered = chat.assistant.calls
    for session_id in (wecom_session, "wecom:0123456789abcdef", "tg:abc", "wechat:abc"):
        response = httpx.post(f"{base}/api/chat", json={"message": "宁波恒丰", "session_id": session_id})
        assert response.status_code == 403, session_id
        assert "another channel" in response.json()["error"]
    assert chat.assistant.calls == answered


def test_web_session_ids_are_namespaced_and_carry_turns(start_server: Callable[..., Any]) -> None:
    base, _, _ = start_server()
    first = httpx.post(f"{base}/api/chat", json={"message": QUESTION}).json()
    assert first["session_id"].startswith("web:")
    mine = httpx.post(f"{base}/api/chat", json={"message": QUESTION, "session_id": "abc"}).json()
    again = httpx.post(f"{base}/api/chat", json={"message": "那需要准备什么材料?", "session_id": "web:abc"}).json()
    assert mine["session_id"] == again["session_id"] == "web:abc" and again["answer"].startswith("第2轮")


def test_store_refuses_a_session_to_another_channel(tmp_path: Path) -> None:
    settings = web_settings(tmp_path, 0)
    store = ConversationStore(settings.conversation_store_url)
    chat = fake_chat(settings)
    owner, member = caller_for(settings, "wecom", "zhangsan"), caller_for(settings, "wecom", "lisi")
    chat.handle(Incoming(QUESTION, "wecom:shared", owner))
    assert store.load_session("wecom:shared", owner).turns
    assert store.load_session("wecom:shared", member).turns  # ids are derived per user (or group) by the channel
    with pytest.raises(ForeignSession):
        store.load_session("wecom:shared", caller_for(settings, "web", "wecom:shared"))


# --- item 4: PostgreSQL creates a session once, however many first messages race ----------------------

@pytest.mark.postgres
def test_concurrent_first_messages_on_one_new_session_all_succeed_on_postgres(
    start_server: Callable[..., Any], tmp_path: Path
) -> None:
    with support.postgres_schema("creditbot_race") as url:
        base, _, _ = start_server(store_url=url, rate_limit_per_minute=1000)
        with ThreadPoolExecutor(8) as pool:
            for round_no in range(10):
                body = {"message": QUESTION, "session_id": f"race-{round_no}"}
                statuses = list(pool.map(lambda _: httpx.post(f"{base}/api/chat", json=body, timeout=30).status_code,
                                         range(8)))
                assert statuses == [200] * 8, statuses


# --- item 2: no identifiers in the access log ----------------------------------------------------------

def test_access_log_redacts_query_strings(tmp_path: Path) -> None:
    settings = web_settings(tmp_path, 0, wechat_token="wechat-token-1")
    app = create_app(settings, fake_chat(settings))
    records: list[logging.LogRecord] = []
    collect = logging.Handler()
    collect.emit = records.append  # type: ignore[method-assign]
    with support.running_server(app, log_level="info", access_log=True) as (base, _):
        access = logging.getLogger("uvicorn.access")  # uvicorn configured it at start: add ours after
        access.addHandler(collect)
        try:
            httpx.get(f"{base}/wechat", params={"signature": "x", "timestamp": "1", "nonce": "n",
                                                 "openid": "oUSER-OPENID-1234", "echostr": "e"})
        finally:
            access.removeHandler(collect)
    lines = [r.getMessage() for r in records]
    assert any("/wechat?[redacted]" in line for line in lines), lines
    assert not any("oUSER-OPENID-1234" in line or "signature" in line for line in lines)


# --- item 11: forwarded headers only from trusted proxies; limits shared through Redis ----------------

def _chat_statuses(base: str, count: int, **headers: str) -> list[int]:
    return [httpx.post(f"{base}/api/chat", json={"message": QUESTION}, headers=headers).status_code
            for _ in range(count)]


@pytest.mark.parametrize("trusted", ["", "127.0.0.1"])
def test_forwarded_for_is_believed_only_from_trusted_proxies(tmp_path: Path, trusted: str) -> None:
    settings = web_settings(tmp_path, 0, rate_limit_per_minute=2, trusted_proxies=trusted)
    app = create_app(settings, fake_chat(settings))
    with support.running_server(app, **proxy_options(settings)) as (base, _):
        statuses = [
            *_chat_statuses(base, 2, **{"X-Forwarded-For": "203.0.113.1"}),
            *_chat_statuses(base, 1, **{"X-Forwarded-For": "203.0.113.2"}),
        ]
    assert statuses == ([200, 200, 200] if trusted else [200, 200, 429])


def _two_workers(tmp_path: Path, **overrides: Any) -> list[Any]:
    """Two apps like two uvicorn workers of one deployment: same data dir and settings, separate memory."""
    settings = web_settings(tmp_path, 0, rate_limit_per_minute=3, **overrides)
    return [support.running_server(create_app(settings, fake_chat(settings))) for _ in range(2)]


@pytest.mark.integration
def test_rate_limit_is_shared_by_workers_through_redis(tmp_path: Path) -> None:
    url = support.redis_url()
    first, second = _two_workers(tmp_path / "shared", redis_url=url)
    with first as (base_a, _), second as (base_b, _):
        statuses = _chat_statuses(base_a, 2) + _chat_statuses(base_b, 2)
        response = httpx.post(f"{base_a}/api/chat", json={"message": QUESTION})
    assert statuses == [200, 200, 200, 429]
    assert response.status_code == 429 and 1 <= int(response.headers["Retry-After"]) <= 60


def test_without_redis_each_worker_counts_alone(tmp_path: Path) -> None:
    first, second = _two_workers(tmp_path / "alone")
    with first as (base_a, _), second as (base_b, _):
        assert _chat_statuses(base_a, 3) + _chat_statuses(base_b, 3) == [200] * 6


def test_redis_down_lets_requests_through(tmp_path: Path) -> None:
    settings = web_settings(tmp_path, 0, rate_limit_per_minute=1, redis_url=f"redis://127.0.0.1:{support.free_port()}/0")
    with support.running_server(create_app(settings, fake_chat(settings))) as (base, _):
        assert _chat_statuses(base, 2) == [200, 200]


# --- item 11: the chat server publishes its OpenAPI ----------------------------------------------------

def test_openapi_describes_the_public_routes_with_request_and_reply_models(start_server: Callable[..., Any]) -> None:
    base, _, _ = start_server()
    spec = httpx.get(f"{base}/openapi.json").json()
    chat = spec["paths"]["/api/chat"]["post"]
    body = chat["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["message"] and "session_id" in body["properties"]
    assert chat["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/ChatReply")
    assert chat["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorReply")
    feedback = spec["paths"]["/api/feedback"]["post"]
    assert "rating" in feedback["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert "/healthz" in spec["paths"] and "/wechat" not in spec["paths"]
