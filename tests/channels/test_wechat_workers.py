"""Two chat-server "workers" (two apps, two engines, two loopback servers) sharing one conversation store.

WeChat's retry of a ``MsgId`` may reach another worker than the first attempt; held answers and "更多"
pages are asked for from whichever worker the next message reaches. Run against a SQLite file and,
when reachable, PostgreSQL at 127.0.0.1:5432 (database ``test``) in a throw-away schema.
"""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, text

from bot.channels.wechat import build_router, parse_xml
from bot.channels.wechat_reply import MORE_HINT
from bot.channels.wechat_state import WeChatState
from bot.config import Settings
from bot.store import ConversationStore
from tests.channels.conftest import ScriptedAssistant, make_chat, serve
from tests.support import postgres_schema
from tests.channels.wechat_helpers import AES_KEY, APP_ID, OPENID, TOKEN, WeChatAPIStandIn, plain_params, text_xml

@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """One conversation store URL both workers use."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    else:
        with postgres_schema("wechat_workers") as url:
            yield url


@contextmanager
def worker(tmp_path: Path, store_url: str, assistant: ScriptedAssistant, **overrides: Any) -> Iterator[tuple[str, Any]]:
    """One worker: its own store engine, ChatService, router and uvicorn server; yields (URL, responder)."""
    settings = Settings(data_dir=tmp_path, wechat_token=TOKEN, wechat_aes_key=AES_KEY, wechat_app_id=APP_ID, **overrides)
    store = ConversationStore(store_url)
    router = build_router(settings, make_chat(assistant, store))
    app = FastAPI()
    app.include_router(router)
    try:
        with serve(app) as base:
            yield base, router.wechat_responder
    finally:
        store.engine.dispose()


@contextmanager
def two_workers(
    tmp_path: Path, store_url: str, a: ScriptedAssistant, b: ScriptedAssistant, **overrides: Any
) -> Iterator[tuple[str, str]]:
    """Workers A and B on the same store; yields their base URLs."""
    with ExitStack() as stack:
        base_a, _ = stack.enter_context(worker(tmp_path, store_url, a, **overrides))
        base_b, _ = stack.enter_context(worker(tmp_path, store_url, b, **overrides))
        yield base_a, base_b


def post(base: str, content: str, msg_id: str) -> httpx.Response:
    """A signed plain-mode message from the test user."""
    return httpx.post(f"{base}/wechat", params=plain_params(), content=text_xml(content, msg_id), timeout=30)


def content_of(response: httpx.Response) -> str:
    """The ``Content`` of a passive reply."""
    assert response.status_code == 200, response.text
    fields = parse_xml(response.content)
    assert fields["ToUserName"] == OPENID
    return fields["Content"]


def logged_questions(store_url: str) -> list[str]:
    """Questions in the shared conversation log (one row per computed answer)."""
    store = ConversationStore(store_url)
    try:
        return [row["question"] for row in store.recent_log()]
    finally:
        store.engine.dispose()


def test_retry_on_other_worker_waits_for_the_first_workers_answer(tmp_path: Path, store_url: str) -> None:
    a = ScriptedAssistant("保险人通常在收到完整索赔材料后的约定期限内完成定损和赔付。", delay_s=1.5)
    b = ScriptedAssistant("（不该由B计算）")
    with two_workers(tmp_path, store_url, a, b, wechat_reply_budget_s=4.0) as (base_a, base_b):
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            first = pool.submit(post, base_a, "理赔一般多久能赔下来？", "6240001")
            assert a.asked.wait(30)  # A has claimed it before WeChat retries on B
            retry = pool.submit(post, base_b, "理赔一般多久能赔下来？", "6240001")  # WeChat's retry, other worker
            contents = [content_of(first.result()), content_of(retry.result())]
        late_retry = content_of(post(base_b, "理赔一般多久能赔下来？", "6240001"))
    assert contents[0] == contents[1] == late_retry
    assert contents[0].startswith("保险人通常在收到完整索赔材料后的约定期限内完成定损和赔付。")
    assert a.messages == ["理赔一般多久能赔下来？"] and b.messages == []  # exactly one answer computed
    assert logged_questions(store_url) == ["理赔一般多久能赔下来？"]


def test_slow_answer_is_sent_once_although_the_retry_reached_the_other_worker(tmp_path: Path, store_url: str) -> None:
    a = ScriptedAssistant("出口信用保险可以覆盖买方所在国的政治风险。", delay_s=2.0)
    b = ScriptedAssistant("（不该由B计算）")
    api = WeChatAPIStandIn()
    with serve(api.app) as api_url, two_workers(
        tmp_path, store_url, a, b, wechat_reply_budget_s=0.8, wechat_api_url=api_url, wechat_app_secret="app-secret-1"
    ) as (base_a, base_b):
        first = post(base_a, "政治风险也能保吗？", "6240002")
        retry = post(base_b, "政治风险也能保吗？", "6240002")
        assert api.sent_event.wait(10)
        time.sleep(0.5)  # room for a (wrong) second delivery to show up
    assert first.text == "success" and retry.text == "success"
    assert a.messages == ["政治风险也能保吗？"] and b.messages == []
    assert len(api.sent) == 1
    assert api.sent[0]["text"]["content"].startswith("出口信用保险可以覆盖买方所在国的政治风险。")


def test_retry_that_outlives_its_budget_moves_delivery_to_the_next_message(tmp_path: Path, store_url: str) -> None:
    a = ScriptedAssistant("信用限额可以申请临时调高。", delay_s=1.5)
    b = ScriptedAssistant("（不该由B计算）")
    with worker(tmp_path, store_url, a, wechat_reply_budget_s=3.0) as (base_a, _), worker(
        tmp_path, store_url, b, wechat_reply_budget_s=0.5
    ) as (base_b, _):
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            first = pool.submit(post, base_a, "额度能临时调高吗？", "6240003")
            assert a.asked.wait(30)  # A is computing it: the retry must find it claimed
            retry = post(base_b, "额度能临时调高吗？", "6240003")  # gives up at ~0.7 s: WeChat got ``success``
            first_response = first.result()
        nxt = content_of(post(base_b, "继续", "6240004"))
    assert retry.text == "success"
    assert first_response.text == "success"  # A must not also answer passively once the retry deferred it
    assert nxt.startswith("您上一个问题的回答：\n信用限额可以申请临时调高。")
    assert a.messages == ["额度能临时调高吗？"] and b.messages == []


def test_held_answer_and_more_pages_are_served_by_any_worker(tmp_path: Path, store_url: str) -> None:
    sentence = "买方信用评级下调时，应及时复核信用限额并关注逾期账款的变化，必要时要求提供担保。"
    a = ScriptedAssistant(sentence * 30, delay_s=1.0)
    b = ScriptedAssistant("（不该由B计算）")
    api = WeChatAPIStandIn(send_errcode=48001)  # no customer-service permission: held for the next message
    with serve(api.app) as api_url, two_workers(
        tmp_path, store_url, a, b, wechat_reply_budget_s=0.3, wechat_api_url=api_url, wechat_app_secret="app-secret-1"
    ) as (base_a, base_b):
        assert post(base_a, "买方评级下调怎么办？", "6240010").text == "success"
        assert api.sent_event.wait(10)
        time.sleep(0.3)
        pages = [content_of(post(base_b, "继续", "6240011"))]
        same_retry = content_of(post(base_a, "继续", "6240011"))  # a retry of that message on worker A
        bases = [base_a, base_b]
        for i in range(10):
            if not pages[-1].endswith(MORE_HINT.strip()):
                break
            pages.append(content_of(post(bases[i % 2], "更多", f"62401{i + 20}")))
    assert same_retry == pages[0]
    assert pages[0].startswith("您上一个问题的回答：\n" + sentence)
    assert len(pages) >= 2 and all(len(p.encode()) < 2048 for p in pages)
    joined = "".join(p.replace(MORE_HINT.strip(), "").removeprefix("您上一个问题的回答：\n").strip() for p in pages)
    assert joined.count(sentence) == 30  # every page exactly once, across both workers
    assert a.messages == ["买方评级下调怎么办？"] and b.messages == []


def test_old_rows_are_purged(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 's.sqlite3'}")
    state = WeChatState(engine)
    assert state.claim("wechat", "1", "u1") and not state.claim("wechat", "1", "u1")
    state.put_pages("wechat", "u1", "more", ["第二页", "第三页"])
    assert state.purge() == 0
    with engine.begin() as conn:
        conn.execute(text("UPDATE wechat_messages SET created_at = '2020-01-01 00:00:00'"))
        conn.execute(text("UPDATE wechat_user_pages SET updated_at = '2020-01-01 00:00:00'"))
    assert state.purge() == 2
    assert state.claim("wechat", "1", "u1")  # the MsgId is free again after a day
    assert state.take_pages("wechat", "u1", "more") == ([], 0)
