"""The terminal channel: rendering, colour, the chat loop, line editing and history, quiet loading."""

from __future__ import annotations

import io
import logging
import os
import sys
import threading
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

import bot.channels.cli as cli
from bot.channels.cli import BackgroundLoader, chat_loop, plain_reader, prompt_reader, quiet_terminal, render, to_incoming
from bot.config import Settings
from bot.messages import Caller, Incoming, Reply, Source, ToolCall
from bot.policy import caller_for
from knowledge.errors import InvalidMessage

LEFT, UP, BACKSPACE, ENTER = "\x1b[D", "\x1b[A", "\x7f", "\r"


class FakeBackend:
    """Answers by echoing; records questions and resets."""

    def __init__(self) -> None:
        self.seen: list[Incoming] = []
        self.resets: list[str] = []

    def handle(self, incoming: Incoming) -> Reply:
        self.seen.append(incoming)
        if len(incoming.text) > 50:
            raise InvalidMessage("message is too long")
        return Reply(f"答：{incoming.text}")

    def reset(self, session_id: str) -> None:
        self.resets.append(session_id)


def _plain_console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, highlight=False, width=120), out


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


def test_colour_on_a_terminal_and_none_when_piped_or_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    reply = Reply("赔付比例一般为80%至90%[1]。", sources=[Source("000_a", "了解贸易信用保险", "…", 0.8)])
    tty = io.StringIO()
    Console(file=tty, force_terminal=True, highlight=False).print(cli.render_text(reply))
    assert "\x1b[" in tty.getvalue() and "了解贸易信用保险" in tty.getvalue()
    console, piped = _plain_console()
    console.print(cli.render_text(reply))
    assert "\x1b[" not in piped.getvalue() and "[1]" in piped.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    no_color = io.StringIO()
    Console(file=no_color, force_terminal=True, highlight=False).print(cli.render_text(reply))
    assert "\x1b[3" not in no_color.getvalue()  # no colour codes (bold/dim attributes may remain)


def test_blank_line_is_no_message() -> None:
    assert to_incoming("   ", "s", Caller()) is None


def test_chat_loop_keeps_one_session_until_reset() -> None:
    backend = FakeBackend()
    console, out = _plain_console()
    stdin = io.StringIO("理赔要多久？\n那需要什么材料？\n/reset\n" + "长" * 60 + "\n/oops\n\n新问题\n")
    loader = BackgroundLoader(lambda: backend).start()
    assert chat_loop(loader, Caller(channel="cli"), read_line=plain_reader(stdin), console=console) == 0
    seen, text = backend.seen, out.getvalue()
    assert seen[0].session_id == seen[1].session_id
    assert backend.resets == [seen[0].session_id]
    assert seen[2].session_id != seen[0].session_id
    assert "已开始新的对话" in text and "输入有误：message is too long" in text and "未知命令" in text
    assert "答：新问题" in text and len(seen) == 4


def test_chat_loop_quits_on_command() -> None:
    backend = FakeBackend()
    console, _ = _plain_console()
    loader = BackgroundLoader(lambda: backend).start()
    assert chat_loop(loader, Caller(), read_line=plain_reader(io.StringIO("/quit\n理赔？\n")), console=console) == 0
    assert backend.seen == []


def test_first_question_waits_for_background_loading_and_load_errors_are_reported() -> None:
    release = threading.Event()
    backend = FakeBackend()

    def slow_build() -> FakeBackend:
        release.wait(10)
        return backend

    loader = BackgroundLoader(slow_build).start()
    asked = threading.Event()

    def read_line_factory() -> object:
        lines = iter(["坏账怎么处理？\n"])

        def read_line() -> str:
            try:
                line = next(lines)
            except StopIteration:
                raise EOFError from None
            asked.set()
            return line

        return read_line

    console, out = _plain_console()
    thread = threading.Thread(target=chat_loop, args=(loader, Caller()),
                              kwargs={"read_line": read_line_factory(), "console": console})
    thread.start()
    assert asked.wait(5) and not loader.ready  # the question was typed while the index was still loading
    release.set()
    thread.join(10)
    assert "答：坏账怎么处理？" in out.getvalue()

    def broken() -> FakeBackend:
        raise InvalidMessage("index missing: run `creditbot ingest`")

    console, out = _plain_console()
    chat_loop(BackgroundLoader(broken).start(), Caller(), read_line=plain_reader(io.StringIO("理赔？\n")), console=console)
    assert "index missing" in out.getvalue()


def test_prompt_edits_with_arrow_keys_and_backspace_and_recalls_history(tmp_path: Path) -> None:
    history = tmp_path / "chat_history"
    with create_pipe_input() as pipe:
        read_line = prompt_reader(history, colour=False, input=pipe, output=DummyOutput())
        pipe.send_text("账期怎么定X" + BACKSPACE + LEFT + LEFT + LEFT + "一般" + ENTER)
        assert read_line() == "账期一般怎么定"
        pipe.send_text("坏账" + ENTER)
        assert read_line() == "坏账"
        pipe.send_text(UP + UP + ENTER)  # two steps back in history
        assert read_line() == "账期一般怎么定"
    with create_pipe_input() as pipe:  # the history survives a restart of the chat
        read_line = prompt_reader(history, colour=False, input=pipe, output=DummyOutput())
        pipe.send_text(UP + ENTER)
        assert read_line() == "账期一般怎么定"


def test_quiet_terminal_sends_logs_warnings_and_stderr_to_the_log_file(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    log_file = tmp_path / "logs" / "chat.log"
    logging.getLogger().setLevel(logging.INFO)
    handlers_before = logging.getLogger().handlers[:]
    with quiet_terminal(log_file):
        logging.getLogger("knowledge.index").info("loading the embedding model")
        print("Loading weights: 100%|##########| 199/199", file=sys.stderr)
        os.write(2, b"native library chatter\n")
        print("answer text")
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == "answer text\n"
    logged = log_file.read_text(encoding="utf-8")
    assert "loading the embedding model" in logged and "Loading weights" in logged and "native library chatter" in logged
    assert os.environ["TQDM_DISABLE"] == "1" and os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] == "1"
    assert logging.getLogger().handlers == handlers_before  # the terminal is given back afterwards
    os.write(2, b"after the chat\n")
    assert capfd.readouterr().err == "after the chat\n"


def test_local_terminal_user_gets_buyer_tools_by_default_and_a_setting_turns_it_off(tmp_path: Path) -> None:
    assert caller_for(Settings(_env_file=None, data_dir=tmp_path), "cli", "rep").may_lookup_buyers
    assert not caller_for(Settings(_env_file=None, data_dir=tmp_path), "telegram", "42").may_lookup_buyers
    off = Settings(_env_file=None, data_dir=tmp_path, buyer_tool_callers="telegram:42")
    assert not caller_for(off, "cli", "rep").may_lookup_buyers


def test_run_chat_shows_loading_before_the_model_loads_and_no_colour_when_piped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = FakeBackend()
    stdout = io.StringIO()
    shown_before_loading: list[str] = []

    def build(settings: Settings) -> FakeBackend:
        shown_before_loading.append(stdout.getvalue())
        return backend

    monkeypatch.setattr(cli, "_build_backend", build)
    monkeypatch.setattr(sys, "stdin", io.StringIO("坏账怎么处理？\n"))
    monkeypatch.setattr(sys, "stdout", stdout)
    assert cli.run_chat(Settings(_env_file=None, data_dir=tmp_path)) == 0
    assert cli.LOADING in shown_before_loading[0]
    assert "答：坏账怎么处理？" in stdout.getvalue() and "\x1b[" not in stdout.getvalue()
    assert backend.seen[0].caller.channel == "cli" and backend.seen[0].caller.may_lookup_buyers
    assert (tmp_path / "logs" / "chat.log").exists()
