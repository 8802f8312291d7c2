"""What the hand-off tests share: an assistant running the real ``handoff`` step, and a webhook stand-in."""

from __future__ import annotations

import json
import threading
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.handoff.desk import HandoffDesk
from bot.handoff.notify import Notify
from bot.messages import Reply, Session, Turn
from bot.pipeline.handoff import HandoffStep
from bot.pipeline.turn import TurnContext
from tests import support

ADMIN_TOKEN = "advisor-token-7c1e"
BOT_ANSWER = "买方破产属于保单承保的商业风险，请先申报债权。"


class HandingOffAssistant(support.SentenceStreaming):
    """The real hand-off step first, then a fixed answer (or ``no_answer`` for questions out of scope)."""

    def __init__(self, desk: HandoffDesk, notify: Notify | None = None) -> None:
        self.step = HandoffStep(desk, None, notify)
        self.answered: list[str] = []

    def answer(self, message: str, session: Session) -> Reply:
        """The hand-off step's reply, else the bot's own."""
        reply = self.step.handle(TurnContext(message, session))
        if reply is None:
            self.answered.append(message)
            out_of_scope = "天气" in message
            reply = Reply("抱歉，知识库里没有这方面的资料。" if out_of_scope else BOT_ANSWER,
                          status="no_answer" if out_of_scope else "answered")
        session.turns.append(Turn(message, reply.answer, reply.status))
        return reply


class WebhookStandIn:
    """A WeCom group robot: answers 500 to the first ``failures`` posts, then ``{"errcode": 0}``."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.posts: list[dict[str, Any]] = []
        self.accepted = threading.Event()
        self.app = Starlette(routes=[Route("/cgi-bin/webhook/send", self.send, methods=["POST"])])

    async def send(self, request: Request) -> JSONResponse:
        """Record the post; fail while failures are left."""
        self.posts.append(json.loads(await request.body()))
        if len(self.posts) <= self.failures:
            return JSONResponse({"errcode": -1, "errmsg": "system busy"}, status_code=500)
        self.accepted.set()
        return JSONResponse({"errcode": 0, "errmsg": "ok"})
