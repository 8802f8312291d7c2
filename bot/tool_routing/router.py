"""The tool router: reads the turn (its script and language), then hands a calculator request to
:class:`~bot.tool_routing.calculations.Calculations` and a buyer request to :class:`~bot.tool_routing.buyers.Buyers`."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.messages import Caller, Reply, Session
from bot.tool_routing.buyers import Buyers
from bot.tool_routing.calculations import Calculations
from bot.tool_routing.context import BUYER_TOOLS, ENGLISH, PENDING, grants_of, last_result
from knowledge.normalize import Script, detect_script, to_simplified, to_user_script
from tools.client import CreditServiceClient
from tools.directory import BuyerDirectory
from tools.intents import ToolRequest, detect, spaced_scripts
from tools.numbers import find_amounts
from tools.registry import ToolRegistry

if TYPE_CHECKING:
    from langchain_core.tools import StructuredTool


def build_tool_router(settings: Settings) -> ToolRouter:
    """The router for this process, talking to ``settings.service_url``."""
    token = settings.service_token.get_secret_value() if settings.service_token else None
    return ToolRouter(ToolRegistry(CreditServiceClient(settings.service_url, token=token)))


class ToolRouter:
    """Decides whether a message is for the tools and answers it if so."""

    def __init__(
        self, registry: ToolRegistry, *, today: Callable[[], date] = date.today, directory: BuyerDirectory | None = None
    ) -> None:
        self.registry = registry
        self.calculations = Calculations(registry)
        self.buyers = Buyers(registry, directory or BuyerDirectory(registry.client), today)

    def tools_for(self, caller: Caller) -> list[StructuredTool]:
        """The langchain tools ``caller`` may use: the others are not offered at all (and refused if called)."""
        grants = grants_of(caller)
        return [t for t in self.registry.structured_tools(grants) if self.registry.allowed(t.name, grants)]

    def last_result(self, session: Session) -> dict[str, Any] | None:
        """The calculation answered in the turn just before this one ({"tool", "args", "result", "earlier"})."""
        return last_result(session)

    def handle(self, message: str, session: Session, script: Script | None = None) -> Reply | None:
        """A Reply for a tool request or a completed clarification; ``None`` when the knowledge core should answer.

        A Traditional-script message is read in Simplified (as the ledger's names are) and answered in Traditional;
        an English one is answered in English. ``script``: the message's, when the caller has detected it.
        """
        message = spaced_scripts(unicodedata.normalize("NFKC", message))
        script = script or detect_script(message)
        if script == "en":
            session.state[ENGLISH] = True
        else:
            session.state.pop(ENGLISH, None)
        if script == "hant":
            message = to_simplified(message)
        reply = self._handle(message, session)
        if reply is not None and script == "hant":
            reply.answer = to_user_script(reply.answer, script)
        return reply

    def _handle(self, message: str, session: Session) -> Reply | None:
        request = detect(message, self.buyers.today()) or self._leaning(message, session)
        named = None if _own_figures(request, message) else self.buyers.named(message, session, request)
        if named is not None:
            return self.buyers.about(named, session)
        pending = session.state.get(PENDING)
        if request is None and pending:
            reply = self._complete(message, session, pending)
            if reply is not None:
                return reply
        session.state.pop(PENDING, None)  # a new question: any half-finished request is dropped
        if request is None:
            return self.calculations.what_if(message, session)
        self.calculations.inherit(request, session)
        if request.tool == "formula":
            return self.calculations.formula(request.args["kind"], session)
        if request.tool in BUYER_TOOLS:
            return self.buyers.run(request, session)
        return self.calculations.calc(request.tool, request.args, request.missing, session, request.earlier)

    def _leaning(self, message: str, session: Session) -> ToolRequest | None:
        """A calculation whose figures this message gives and whose metric the previous question named
        ("逾期率怎么算" then "那我们1000万应收里超30天的有120万呢"); None otherwise.

        Only when the message gives two amounts or more and the previous question gave none: its figures
        are then all the calculation's own, none of them remembered from the turn before.
        """
        if not session.turns or session.turns[-1].status != "answered" or len(find_amounts(message)) < 2:
            return None
        previous = session.turns[-1].question
        if find_amounts(previous):
            return None
        request = detect(f"{previous} {message}", self.buyers.today())
        if request is None or request.tool in BUYER_TOOLS or request.tool == "formula" or request.missing:
            return None
        return request

    def _complete(self, message: str, session: Session, pending: dict[str, Any]) -> Reply | None:
        """The pending request completed by this message; ``None`` when the message is not its missing value."""
        tool = pending.get("tool")
        if tool in ("buyer_lookup", "buyer_receivables"):
            return self.buyers.complete(message, session, pending)
        if tool in self.registry.specs:
            return self.calculations.complete(message, session, pending)
        return None


def _own_figures(request: ToolRequest | None, message: str) -> bool:
    """A calculation on figures the user typed ("华信 应收300万 赊销900万"): theirs, not the ledger's."""
    return request is not None and request.tool not in BUYER_TOOLS and bool(find_amounts(message))
