"""The terminal channel: ``creditbot ask`` rendering and the ``creditbot chat`` loop for sales reps."""

from __future__ import annotations

import logging
import os
import sys
import uuid
from collections.abc import Callable
from typing import TextIO

from bot.config import Settings
from bot.messages import Caller, Incoming, Reply
from knowledge.errors import CreditbotError, InvalidMessage

logger = logging.getLogger(__name__)

PROMPT = "您> "
BANNER = (
    "creditbot 贸易信用保险助手。直接输入问题；/reset 开始新对话，/quit 或 Ctrl-D 退出。\n"
    "例如：贸易信用保险主要保障哪些风险？  /  应收120万、60天赊销300万，DSO是多少？"
)
STATUS_LABEL = {"clarify": "（需要补充信息）", "no_answer": "（知识库未覆盖）"}


def to_incoming(text: str, session_id: str, caller: Caller) -> Incoming | None:
    """A terminal line as an :class:`Incoming`; None for a blank line."""
    text = text.strip()
    return Incoming(text, session_id, caller) if text else None


def render(reply: Reply) -> str:
    """Plain text for a terminal: the answer, then the numbered sources with their titles."""
    lines = [reply.answer.strip()]
    if reply.status in STATUS_LABEL:
        lines[0] = f"{lines[0]}\n{STATUS_LABEL[reply.status]}"
    if reply.sources:
        lines.append("")
        lines.append("来源：")
        for n, source in enumerate(reply.sources, start=1):
            lines.append(f"  [{n}] {source.title}（{source.doc_id}）")
    if reply.tool_calls:
        lines.append("")
        lines.append("工具：" + "、".join(call.name for call in reply.tool_calls))
    return "\n".join(lines)


def chat_loop(
    handle: Callable[[Incoming], Reply],
    reset: Callable[[str], None],
    caller: Caller,
    *,
    stdin: TextIO,
    stdout: TextIO,
    interactive: bool = True,
) -> int:
    """Read questions until ``/quit`` or end of input; one session, ``/reset`` starts a new one."""
    session_id = uuid.uuid4().hex
    print(BANNER, file=stdout)
    while True:
        if interactive:
            print(PROMPT, end="", file=stdout, flush=True)
        try:
            line = stdin.readline()
        except KeyboardInterrupt:
            print(file=stdout)
            return 0
        except UnicodeDecodeError:
            print("无法读取这行输入（编码不是 UTF-8），请重新输入。", file=stdout)
            continue
        if not line:  # Ctrl-D / end of input
            print(file=stdout)
            return 0
        text = line.strip()
        if text in ("/quit", "/exit", "/q"):
            return 0
        if text == "/reset":
            reset(session_id)
            session_id = uuid.uuid4().hex
            print("已开始新的对话。", file=stdout)
            continue
        if text.startswith("/"):
            print("未知命令。可用命令：/reset（新对话）、/quit（退出）。", file=stdout)
            continue
        incoming = to_incoming(text, session_id, caller)
        if incoming is None:
            continue
        try:
            reply = handle(incoming)
        except InvalidMessage as e:
            print(f"输入有误：{e}", file=stdout)
            continue
        except CreditbotError as e:
            logger.error("chat turn failed: %s", e)
            print(f"出错了：{e}", file=stdout)
            continue
        print(render(reply), file=stdout)
        print(file=stdout)


def run_chat(settings: Settings) -> int:
    """``creditbot chat``: the interactive terminal chat."""
    from bot.chat import build_chat_service
    from bot.policy import caller_for

    service = build_chat_service(settings)
    caller = caller_for(settings, "cli", os.getenv("USER", "cli"))
    return chat_loop(service.handle, service.reset, caller, stdin=sys.stdin, stdout=sys.stdout,
                     interactive=sys.stdin.isatty())
