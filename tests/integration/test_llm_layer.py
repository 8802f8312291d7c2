"""The optional LLM layer against a local stand-in that speaks the OpenAI chat-completions protocol."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.config import Settings
from bot.llm import build_llm, grounded
from bot.messages import Reply, Source, ToolCall
from tests.llm_standin import Script, Step, running_model, say


@pytest.fixture
def stand_in() -> Iterator[tuple[Script, str]]:
    with running_model() as running:
        yield running


def _offline() -> Reply:
    return Reply(
        answer="理赔通常在收到完整文件后30-60个工作日内完成[1]。",
        sources=[Source("000_49362f44c7737228", "了解贸易信用保险", "通常在30-60个工作日内完成审核赔付", 0.8)],
    )


def _settings(url: str) -> Settings:
    return Settings(llm_base_url=url, llm_model="stand-in-model", llm_api_key="sk-local", llm_timeout_s=3)


def test_llm_is_off_without_settings() -> None:
    assert build_llm(Settings()) is None


def test_rewrite_uses_grounded_model_answer(stand_in: tuple[Script, str]) -> None:
    state, url = stand_in
    answer = "收到完整理赔文件后，一般30-60个工作日完成赔付[1]。"
    state.play(say(answer))
    text = build_llm(_settings(url)).rewrite("理赔要多久", _offline())
    assert text == answer
    assert state.headers[0]["authorization"] == "Bearer sk-local"  # the stand-in answers only /v1/chat/completions
    assert "通常在30-60个工作日内完成审核赔付" in json.dumps(state.requests[0], ensure_ascii=False)


def test_rewrite_falls_back_on_server_error(stand_in: tuple[Script, str]) -> None:
    state, url = stand_in
    state.play(Step(status=500))
    assert build_llm(_settings(url)).rewrite("理赔要多久", _offline()) is None


def test_rewrite_falls_back_when_endpoint_is_down() -> None:
    assert build_llm(_settings("http://127.0.0.1:9/v1")).rewrite("理赔要多久", _offline()) is None


def test_rewrite_refuses_answer_citing_unknown_passage(stand_in: tuple[Script, str]) -> None:
    state, url = stand_in
    state.play(say("保险什么都赔[3]。"))
    assert build_llm(_settings(url)).rewrite("理赔要多久", _offline()) is None


def test_rewrite_skips_tool_and_no_answer_replies(stand_in: tuple[Script, str]) -> None:
    state, url = stand_in
    llm = build_llm(_settings(url))
    tool_reply = _offline()
    tool_reply.tool_calls = [ToolCall("calc_dso", {}, {"dso_days": 24.0})]
    assert llm.rewrite("DSO", tool_reply) is None
    assert llm.rewrite("天气", Reply(answer="不知道", status="no_answer")) is None
    assert state.requests == []


def test_stream_yields_tokens(stand_in: tuple[Script, str]) -> None:
    state, url = stand_in
    answer = "一般30-60个工作日[1]。"
    state.play(say(answer))
    pieces = list(build_llm(_settings(url)).stream("理赔要多久", _offline()))
    assert len(pieces) >= 2
    assert "".join(pieces) == answer


@pytest.mark.parametrize(
    ("text", "count", "expected"),
    [("a[1]", 1, True), ("a[1][2]", 2, True), ("a", 2, False), ("a[0]", 1, False), ("a[2]", 1, False)],
)
def test_grounded(text: str, count: int, expected: bool) -> None:
    assert grounded(text, count) is expected


# --- through the real assistant and knowledge base ------------------------------------------------


def _ask(settings: Settings, question: str, *, stream: bool = False) -> Reply:
    from bot.chat import build_chat_service
    from bot.messages import Incoming

    service = build_chat_service(settings)
    if stream:
        *_, reply = service.stream(Incoming(question, "s-llm"))
        return reply
    return service.handle(Incoming(question, "s-llm"))


@pytest.mark.integration
@pytest.mark.parametrize("stream", [False, True])
def test_assistant_uses_grounded_llm_answer(stand_in: tuple[Script, str], make_settings, stream: bool) -> None:
    state, url = stand_in
    answer = "收到完整文件后，理赔一般需要30-60个工作日[1]。"
    state.play(say(answer))
    reply = _ask(make_settings(llm_base_url=url, llm_model="stand-in-model"), "理赔要多久", stream=stream)
    assert reply.answer == answer
    assert reply.sources and reply.status == "answered"
    prompt = json.dumps(state.requests[0], ensure_ascii=False)
    assert reply.sources[0].snippet[:20] in prompt


@pytest.mark.integration
@pytest.mark.parametrize("stream", [False, True])
def test_assistant_falls_back_to_offline_answer_when_llm_fails(
    stand_in: tuple[Script, str], make_settings, stream: bool
) -> None:
    state, url = stand_in
    state.play(Step(status=503))
    offline = _ask(make_settings(), "理赔要多久")
    reply = _ask(make_settings(llm_base_url=url, llm_model="stand-in-model"), "理赔要多久", stream=stream)
    assert state.requests, "the LLM was not asked"
    assert reply.answer == offline.answer and "[1]" in reply.answer


# --- the mode setting -----------------------------------------------------------------------------


def test_llm_mode_and_budgets_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDITBOT_LLM_MODE", "agent")
    monkeypatch.setenv("CREDITBOT_LLM_BUDGETS", '{"wechat": 3.5, "telegram": 8}')
    settings = Settings(_env_file=None)
    assert settings.llm_mode == "agent" and settings.llm_budgets == {"wechat": 3.5, "telegram": 8.0}
    monkeypatch.setenv("CREDITBOT_LLM_MODE", "improvise")
    with pytest.raises(ValueError, match="llm_mode"):
        Settings(_env_file=None)


def test_rewrite_is_the_default_mode_and_agent_mode_replaces_it(kb_data_dir) -> None:
    from bot.agent import Agent, build_agent
    from knowledge.index import KnowledgeBase

    rewrite = Settings(_env_file=None, llm_base_url="http://127.0.0.1:9/v1", llm_model="m")
    agent = rewrite.model_copy(update={"llm_mode": "agent"})
    knowledge = KnowledgeBase(kb_data_dir)
    assert build_llm(rewrite) is not None and build_agent(rewrite, knowledge, []) is None
    assert build_llm(agent) is None and isinstance(build_agent(agent, knowledge, []), Agent)
    assert build_agent(Settings(_env_file=None, llm_mode="agent"), knowledge, []) is None  # no model configured


def test_wechat_budgets_end_before_the_passive_reply_is_due() -> None:
    from bot.agent import channel_budgets

    settings = Settings(_env_file=None, llm_budgets={"wechat": 4.5, "web": 9}, wechat_reply_budget_s=3.0)
    assert channel_budgets(settings) == {"wechat": 3.0, "wecom": 3.0, "web": 9.0}
    assert channel_budgets(Settings(_env_file=None))["wechat"] == 3.5
