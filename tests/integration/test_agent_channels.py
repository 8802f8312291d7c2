"""The agent mode end to end: the real chat server (web API and WeChat callback) and the real Telegram
application, configured with ``CREDITBOT_LLM_MODE=agent``, against the scripted OpenAI-protocol stand-in."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.channels.wechat import parse_xml
from bot.chat import ChatService
from bot.web.server import create_app
from knowledge.retriever import KnowledgeRetriever
from tests.channels.telegram_standin import BotAPIStandIn, text_update
from tests.channels.telegram_harness import running_bot
from tests.channels.wechat_helpers import OPENID, TOKEN as WECHAT_TOKEN, plain_params, text_xml
from tests.llm_standin import Step, call, running_model, say
from tests.support import free_port, serve_in_thread
from tests.web.conftest import serve_in_thread as serve_ready
from tools.replies import NO_PERMISSION

pytestmark = [
    pytest.mark.integration,
    pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"),
]
QUESTION = "纸质单据和电子单据回收时间差几天"
WECHAT_BUDGET_S = 2.0


class CreditServiceRecorder:
    """A credit service that only records requests: the agent must never reach it for a forbidden tool."""

    def __init__(self) -> None:
        self.requests: list[str] = []

        async def anything(request: Request) -> JSONResponse:
            self.requests.append(request.url.path)
            return JSONResponse({"detail": "not here"}, status_code=404)

        self.app = Starlette(routes=[Route("/{path:path}", anything, methods=["GET", "POST"])])


@pytest.fixture(scope="module")
def stack(kb_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Model stand-in, recording credit service and the chat server in agent mode (WeChat plain mode on)."""
    from bot.config import Settings

    tmp = tmp_path_factory.mktemp("agent-channels")
    service = CreditServiceRecorder()
    with running_model() as (script, model_url), serve_in_thread(service.app) as service_url:
        port = free_port()
        settings = Settings(
            _env_file=None, data_dir=kb_data_dir, port=port, store_url=f"sqlite:///{tmp / 'conv.sqlite3'}",
            service_url=service_url, llm_base_url=model_url, llm_model="stand-in", llm_mode="agent",
            llm_budgets={"wechat": WECHAT_BUDGET_S}, wechat_token=WECHAT_TOKEN, log_level="WARNING",
        )
        app = create_app(settings)
        with serve_ready(app, port) as base:
            yield {"script": script, "base": base, "service": service, "chat": app.state.web.chat, "tmp": tmp}


def figure_passage(chat: ChatService, query: str) -> tuple[int, str]:
    """(passage number, a figure in it) of the first retrieved passage that states a figure."""
    retriever = KnowledgeRetriever(knowledge=chat.assistant.library.knowledge, k=4)
    for number, document in enumerate(retriever.invoke(query), start=1):
        figure = re.search(r"\d+(?:\.\d+)?%?", document.page_content)
        if figure:
            return number, figure.group()
    raise AssertionError(f"no passage with a figure for {query}")


def cited_script(stack: dict[str, Any]) -> str:
    """Play: search, then an answer citing a real figure; returns that answer as the reply should show it."""
    number, figure = figure_passage(stack["chat"], "电子发票 回收时间")
    stack["script"].play(call("search_articles", query="电子发票 回收时间"), say(f"电子单据回收更快[{number}]。约快{figure}天[{number}]。"))
    return f"电子单据回收更快[1]。约快{figure}天[1]。"


def sse_events(response: httpx.Response) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in response.text.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if "event" in lines:
            events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_web_api_answers_with_the_agent_as_json(stack: dict[str, Any]) -> None:
    expected = cited_script(stack)
    reply = httpx.post(f"{stack['base']}/api/chat", json={"message": QUESTION}, timeout=30).json()
    assert reply["answer"] == expected and reply["status"] == "answered"
    assert len(reply["sources"]) == 1 and reply["sources"][0]["doc_id"] and reply["sources"][0]["snippet"]
    assert len(stack["script"].requests) == 2
    stack["script"].play(say("不知道。"))
    follow = {"message": "那纸质的呢", "session_id": reply["session_id"]}
    assert httpx.post(f"{stack['base']}/api/chat", json=follow, timeout=30).status_code == 200
    history = [(m["role"], m["content"]) for m in stack["script"].requests[0]["messages"][1:]]
    assert history == [("user", QUESTION), ("assistant", expected.replace("[1]", "")), ("user", "那纸质的呢")]


def test_web_api_streams_the_agent_answer(stack: dict[str, Any]) -> None:
    expected = cited_script(stack)
    response = httpx.post(f"{stack['base']}/api/chat", json={"message": QUESTION},
                          headers={"Accept": "text/event-stream"}, timeout=30)
    events = sse_events(response)
    deltas = [data["text"] for event, data in events if event == "delta"]
    done = [data for event, data in events if event == "done"]
    assert len(done) == 1 and done[0]["answer"] == expected == "".join(deltas)
    assert len(deltas) >= 2 and all(body["stream"] for body in stack["script"].requests)


def test_web_api_falls_back_to_the_offline_answer_on_an_invented_figure(stack: dict[str, Any]) -> None:
    number, _ = figure_passage(stack["chat"], "电子发票 回收时间")
    stack["script"].play(Step(status=503))
    offline = httpx.post(f"{stack['base']}/api/chat", json={"message": QUESTION}, timeout=30).json()
    stack["script"].play(call("search_articles", query="电子发票 回收时间"), say(f"电子单据能快47天[{number}]。"))
    reply = httpx.post(f"{stack['base']}/api/chat", json={"message": QUESTION}, timeout=30).json()
    assert len(stack["script"].requests) == 2  # the agent did answer, and was overruled
    assert reply["answer"] == offline["answer"] and "47" not in reply["answer"]
    assert reply["sources"] == offline["sources"]


def test_web_caller_without_permission_never_reaches_the_buyer_tools(stack: dict[str, Any]) -> None:
    script = stack["script"]
    script.play(call("buyer_lookup", query="恒丰化工"), say("恒丰化工评级5级。"))
    reply = httpx.post(f"{stack['base']}/api/chat", json={"message": "帮我查一下买家恒丰化工的信用评级"}, timeout=30).json()
    assert not ({"buyer_lookup", "buyer_receivables"} & script.tool_names(0))
    assert json.loads(script.tool_results(1)[0])["error"] == "forbidden"
    assert stack["service"].requests == []
    assert reply["answer"] == NO_PERMISSION and reply["tool_calls"] == []


def test_wechat_passive_reply_carries_the_agent_answer(stack: dict[str, Any]) -> None:
    expected = cited_script(stack)
    response = httpx.post(f"{stack['base']}/wechat", params=plain_params(), content=text_xml(QUESTION, "9900101"), timeout=10)
    fields = parse_xml(response.content)
    assert fields["ToUserName"] == OPENID
    assert fields["Content"].startswith(expected) and "参考：《" in fields["Content"]


def test_wechat_answers_offline_within_its_budget_when_the_model_is_slow(stack: dict[str, Any]) -> None:
    stack["script"].play(Step(content="太慢了[1]。", hold=threading.Event()))
    started = time.monotonic()
    response = httpx.post(f"{stack['base']}/wechat", params=plain_params(), content=text_xml(QUESTION, "9900102"), timeout=10)
    took = time.monotonic() - started
    content = parse_xml(response.content)["Content"]
    assert took < WECHAT_BUDGET_S + 1.5 < 5.0  # inside WeChat's 5-second window, as a passive reply
    assert "太慢了" not in content and "参考：《" in content
    assert len(stack["script"].requests) == 1


def test_telegram_answers_with_the_agent(stack: dict[str, Any]) -> None:
    expected = cited_script(stack)
    api = BotAPIStandIn()
    with serve_in_thread(api.app) as api_url:
        api.base_url = api_url
        with running_bot(api, stack["chat"], stack["tmp"]):
            api.push(text_update(QUESTION))
            api.wait_for(lambda a: any("来源" in m["text"] for m in a.sent("sendMessage")), timeout=60)
    text = api.sent("sendMessage")[-1]["text"]
    assert expected.replace("[1]", "") in re.sub(r"<[^>]+>|\[1\]|\s", "", text)
