"""The terminal channel: ``creditbot ask`` rendering and the ``creditbot chat`` loop for sales reps.

``creditbot chat`` edits lines and keeps a history with prompt_toolkit (arrow keys, Backspace,
Ctrl-R; history in ``<data dir>/chat_history``), colours answers with rich when the output is a
terminal (not with ``NO_COLOR``), prints "正在加载…" at once and loads the knowledge base and the
embedding model in the background, and sends every log line and library progress bar to
``<data dir>/logs/chat.log`` instead of the conversation. The local user may use the buyer tools
by default (``cli:*`` in ``CREDITBOT_BUYER_TOOL_CALLERS``).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO

from rich.console import Console
from rich.text import Text

from bot.config import Settings
from bot.messages import Caller, Incoming, Reply, Session
from knowledge.errors import CreditbotError, InvalidMessage

if TYPE_CHECKING:
    from bot.chat import ChatService

logger = logging.getLogger(__name__)

PROMPT = "您> "
BANNER = (
    "creditbot 贸易信用保险助手。直接输入问题；/reset 开始新对话，/quit 或 Ctrl-D 退出。\n"
    "例如：贸易信用保险主要保障哪些风险？  /  应收120万、60天赊销300万，DSO是多少？"
)
LOADING = "正在加载知识库和模型…（首次启动可能要半分钟，可以先输入问题）"
STILL_LOADING = "仍在加载，马上就好…"
STATUS_LABEL = {"clarify": "（需要补充信息）", "no_answer": "（知识库未覆盖）"}
WARMUP_QUESTION = "信用保险是什么？"
# Library switches read at import time: no progress bars, no advisory chatter on the terminal.
QUIET_ENV = {
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TQDM_DISABLE": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    "TOKENIZERS_PARALLELISM": "false",
}
_QUIT = ("/quit", "/exit", "/q")


class Backend(Protocol):
    """What the chat loop needs of :class:`bot.chat.ChatService`."""

    def handle(self, incoming: Incoming) -> Reply:
        """Answer one message."""
        ...

    def reset(self, session_id: str) -> None:
        """Forget a session."""
        ...


def to_incoming(text: str, session_id: str, caller: Caller) -> Incoming | None:
    """A terminal line as an :class:`Incoming`; None for a blank line."""
    text = text.strip()
    return Incoming(text, session_id, caller) if text else None


def render(reply: Reply) -> str:
    """Plain text for a terminal: the answer, then the numbered sources with their titles."""
    return render_text(reply).plain


def render_text(reply: Reply) -> Text:
    """The reply as rich text: citation numbers and the status label highlighted, sources dimmed."""
    text = Text()
    text.append(reply.answer.strip())
    text.highlight_regex(r"\[\d+\]", "bold cyan")
    if reply.status in STATUS_LABEL:
        text.append("\n" + STATUS_LABEL[reply.status], style="yellow")
    if reply.sources:
        text.append("\n\n来源：", style="bold")
        for n, source in enumerate(reply.sources, start=1):
            text.append(f"\n  [{n}] {source.title}（{source.doc_id}）", style="dim")
    if reply.tool_calls:
        text.append("\n\n工具：" + "、".join(call.name for call in reply.tool_calls), style="dim")
    return text


class BackgroundLoader:
    """Builds the chat service (and warms it up) in a thread, so the prompt is usable at once."""

    def __init__(self, build: Callable[[], Backend]) -> None:
        self._build = build
        self._ready = threading.Event()
        self._backend: Backend | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="creditbot-loader", daemon=True)

    def start(self) -> BackgroundLoader:
        """Start loading; returns self."""
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self._backend = self._build()
        except BaseException as e:  # reported to the user on their first question, logged in full here
            logger.exception("loading the knowledge base failed")
            self._error = e
        finally:
            self._ready.set()

    @property
    def ready(self) -> bool:
        """True once loading has finished (or failed)."""
        return self._ready.is_set()

    def get(self) -> Backend:
        """The loaded backend, waiting for it; raises what loading raised."""
        self._ready.wait()
        if self._error is not None:
            raise self._error
        assert self._backend is not None
        return self._backend


def _backend_now(loader: BackgroundLoader, console: Console) -> Backend:
    if loader.ready:
        return loader.get()
    with console.status(STILL_LOADING):
        return loader.get()


def _command(text: str, state: dict[str, str], loader: BackgroundLoader, console: Console) -> bool | None:
    """Run a ``/command``: True to quit, False when handled, None when ``text`` is not a command."""
    if text in _QUIT:
        return True
    if text == "/reset":
        _backend_now(loader, console).reset(state["session"])
        state["session"] = uuid.uuid4().hex
        console.print("已开始新的对话。", style="green")
        return False
    if text.startswith("/"):
        console.print("未知命令。可用命令：/reset（新对话）、/quit（退出）。", style="yellow")
        return False
    return None


def chat_loop(loader: BackgroundLoader, caller: Caller, *, read_line: Callable[[], str], console: Console) -> int:
    """Read questions until ``/quit`` or end of input; one session, ``/reset`` starts a new one.

    ``read_line`` returns one line and raises ``EOFError`` at the end of input (Ctrl-D).
    """
    state = {"session": uuid.uuid4().hex}
    while True:
        try:
            line = read_line()
        except EOFError:
            console.print()
            return 0
        except KeyboardInterrupt:  # Ctrl-C clears the line, as in a shell
            continue
        except UnicodeDecodeError:
            console.print("无法读取这行输入（编码不是 UTF-8），请重新输入。", style="yellow")
            continue
        text = line.strip()
        done = _command(text, state, loader, console)
        if done is not None:
            if done:
                return 0
            continue
        incoming = to_incoming(text, state["session"], caller)
        if incoming is None:
            continue
        try:
            backend = _backend_now(loader, console)
            with console.status("思考中…"):
                reply = backend.handle(incoming)
        except InvalidMessage as e:
            console.print(f"输入有误：{e}", style="yellow")
            continue
        except CreditbotError as e:
            logger.error("chat turn failed: %s", e)
            console.print(f"出错了：{e}", style="red")
            continue
        console.print(render_text(reply))
        console.print()


def plain_reader(stdin: TextIO) -> Callable[[], str]:
    """``read_line`` for piped input (no prompt, no editing)."""

    def read_line() -> str:
        line = stdin.readline()
        if not line:
            raise EOFError
        return line

    return read_line


def prompt_reader(history_file: Path, *, colour: bool, **session_options: object) -> Callable[[], str]:
    """``read_line`` with line editing and history (prompt_toolkit); ``session_options`` go to ``PromptSession``."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.formatted_text import FormattedText
    from prompt_toolkit.history import FileHistory

    history_file.parent.mkdir(parents=True, exist_ok=True)
    session: PromptSession[str] = PromptSession(history=FileHistory(str(history_file)), **session_options)
    message = FormattedText([("ansigreen bold" if colour else "", PROMPT)])
    return lambda: session.prompt(message)


@contextmanager
def quiet_terminal(log_file: Path) -> Iterator[None]:
    """Send every log record, warning and library progress bar to ``log_file`` while the chat runs.

    Progress bars are switched off through their libraries' environment variables; anything still
    written to the process's stderr (Python or native code) lands in the log file too.
    """
    for name, value in QUIET_ENV.items():
        os.environ.setdefault(name, value)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    saved_handlers = root.handlers[:]
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.handlers = [handler]
    logging.captureWarnings(True)
    sys.stderr.flush()
    saved_fd = os.dup(2)
    with open(log_file, "ab") as sink:
        os.dup2(sink.fileno(), 2)
    try:
        with open(log_file, "a", encoding="utf-8", buffering=1) as text_sink, redirect_stderr(text_sink):
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved_fd, 2)
        os.close(saved_fd)
        logging.captureWarnings(False)
        root.handlers = saved_handlers
        handler.close()


def _build_backend(settings: Settings) -> ChatService:
    """The chat service, warmed up: index, embedding model and composer loaded before the first question."""
    from bot.chat import build_chat_service

    service = build_chat_service(settings)
    service.assistant.answer(WARMUP_QUESTION, Session(id="cli-warmup"))
    logger.info("knowledge base loaded")
    return service


def run_chat(settings: Settings) -> int:
    """``creditbot chat``: the interactive terminal chat (plain line reading when input is piped)."""
    from bot.policy import caller_for

    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    console = Console(highlight=False, soft_wrap=True)  # rich drops colour when not a terminal or when NO_COLOR is set
    caller = caller_for(settings, "cli", os.getenv("USER", "cli"))
    log_file = settings.data_dir / "logs" / "chat.log"
    with quiet_terminal(log_file):
        console.print(BANNER, style="bold" if interactive else None)
        console.print(LOADING, style="dim")
        loader = BackgroundLoader(lambda: _build_backend(settings)).start()
        if not interactive:
            return chat_loop(loader, caller, read_line=plain_reader(sys.stdin), console=console)
        from prompt_toolkit.patch_stdout import patch_stdout

        colour = console.is_terminal and not console.no_color
        read_line = prompt_reader(settings.data_dir / "chat_history", colour=colour)
        with patch_stdout(raw=True):  # output from other threads appears above the prompt, not inside it
            proxied = Console(highlight=False, soft_wrap=True, force_terminal=True, no_color=not colour)
            return chat_loop(loader, caller, read_line=read_line, console=proxied)
