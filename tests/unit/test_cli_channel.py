"""The terminal channel: rendering and the chat loop's commands."""

from __future__ import annotations

import io

from bot.channels.cli import chat_loop, render, to_incoming
from bot.messages import Caller, Incoming, Reply, Source, ToolCall
from knowledge.errors import InvalidMessage


def test_render_lists_numbered_sources_with_titles() -> None:
    reply = Reply("通常在30-60个工作日内完成审核赔付[1]。逾期90天以上[2]。", sources=[
        Source("000_a", "了解贸易信用保险", "…", 0.8), Source("003_b", "先买后付", "…", 0.6)])
    text = render(reply)
    assert text.startswith("通常在30-60个工作日内")
    assert "[1] 了解贸易信用保险（000_a）" in text and "[2] 先买后付（003_b）" in text


def test_render_marks_no_answer_and_tools() -> None:
    text = render(Reply("抱歉，知识库里没有相关资料。", status="no_answer"))
    assert "知识库未覆盖" in text and "来源" not in text
    assert "calc_dso" in render(Reply("DSO 约 40 天", tool_calls=[ToolCall("calc_dso", {}, {"dso_days": 40})]))


def test_blank_line_is_no_message() -> None:
    assert to_incoming("   ", "s", Caller()) is None


def test_chat_loop_keeps_one_session_until_reset() -> None:
    seen: list[Incoming] = []
    resets: list[str] = []

    def handle(incoming: Incoming) -> Reply:
        seen.append(incoming)
        if len(incoming.text) > 50:
            raise InvalidMessage("message is too long")
        return Reply(f"答：{incoming.text}")

    stdin = io.StringIO("理赔要多久？\n那需要什么材料？\n/reset\n" + "长" * 60 + "\n/oops\n\n新问题\n")
    stdout = io.StringIO()
    assert chat_loop(handle, resets.append, Caller(channel="cli"), stdin=stdin, stdout=stdout, interactive=False) == 0
    out = stdout.getvalue()
    assert seen[0].session_id == seen[1].session_id
    assert resets == [seen[0].session_id]
    assert seen[2].session_id != seen[0].session_id == resets[0]
    assert "已开始新的对话" in out and "输入有误：message is too long" in out and "未知命令" in out
    assert "答：新问题" in out and len(seen) == 4


def test_chat_loop_quits_on_command() -> None:
    stdout = io.StringIO()
    calls: list[Incoming] = []
    code = chat_loop(lambda i: calls.append(i) or Reply("x"), lambda s: None, Caller(),
                     stdin=io.StringIO("/quit\n理赔？\n"), stdout=stdout, interactive=False)
    assert code == 0 and calls == []
