"""Step: a tool request (a calculation, a buyer) or the completion of one asked for earlier.

A result the articles have something to say about ("逾期率 17.3%") is followed by what they say, cited
("17.3%高于资料中的“逾期账款占比超过15%”[1]…"), or by a plain statement that they give no benchmark.
"""

from __future__ import annotations

from bot.messages import Reply, Source
from bot.pipeline.buyer_advice import advise
from bot.pipeline.knowledge import Library
from bot.pipeline.turn import TurnContext
from bot.tool_routing import ToolRouter

NO_BENCHMARK = "资料没有给出{metric}的判断标准，请结合行业和自身历史水平判断。"


class ToolStep:
    """Answers what the tool router recognises; passes everything else on."""

    def __init__(self, router: ToolRouter, library: Library | None = None) -> None:
        self.router = router
        self.library = library

    def handle(self, turn: TurnContext) -> Reply | None:
        """The tool's reply, judged against the articles, remembering the message itself as the topic."""
        reply = self.router.handle(turn.message, turn.session)
        if reply is not None:
            turn.topic = turn.message
            if self.library is not None and reply.status == "answered":
                self._judge(reply)
                advise(self.library, turn.message, reply)
        return reply

    def _judge(self, reply: Reply) -> None:
        """Append what the articles make of each figure the tool computed (each at most once)."""
        verdicts: list[str] = []
        for call in reply.tool_calls:
            spec = self.router.registry.specs.get(call.name)
            if spec is None or spec.readings is None or not isinstance(call.result, dict) or "error" in call.result:
                continue
            for metric, value, unit in spec.readings(call.args, call.result):
                finding = self.library.judge_metric(metric, value, unit)
                if finding is None:
                    verdicts.append(NO_BENCHMARK.format(metric=metric))
                    continue
                marks = []
                for fact in finding.facts:
                    reply.sources.append(Source(fact.doc_id, self.library.title_of(fact.doc_id), fact.sentence, 1.0))
                    marks.append(f"[{len(reply.sources)}]")
                verdicts.append(finding.lead.format(*marks))
        if verdicts:
            reply.answer = reply.answer.rstrip() + "\n" + "\n".join(dict.fromkeys(verdicts))
