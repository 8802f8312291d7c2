"""Step: a tool request (a calculation, a buyer) or the completion of one asked for earlier.

A result the articles have something to say about ("逾期率 17.3%") is followed by what they say, cited
("17.3%高于资料中的“逾期账款占比超过15%”[1]…"), or by a plain statement that they give no benchmark.
A follow-up that asks for a judgement of the calculation just answered ("这个算高吗") gets the same verdict.
"""

from __future__ import annotations

import re
from typing import Any

from bot.messages import Reply, Source, ToolCall
from bot.pipeline.buyer_advice import advise
from bot.pipeline.knowledge import Library, to_user_script
from bot.pipeline.turn import TurnContext
from bot.tool_routing import LAST_RESULT, ToolRouter
from knowledge.grounding import ungrounded
from tools import replies
from tools.numbers import find_earlier

NO_BENCHMARK = "资料没有给出{metric}的判断标准，请结合行业和自身历史水平判断。"
# A follow-up asking what to make of the figure just computed, or what to do about it.
ASKS_VERDICT = re.compile(
    r"高吗|低吗|高不高|低不低|算高|算低|偏高|偏低|危险|正常|健康|要紧|严重|有问题|没问题|担心|怎么样|好不好|行不行|合理|"
    r"怎么办|咋办|该怎么|要怎么|is (?:that|it|this) (?:high|low|ok|bad|normal)|should i worry|what should",
    re.IGNORECASE,
)
# What else a follow-up about "this figure" may say; anything more is a question of its own ("那理赔怎么办").
_BACK_REFERENCE = re.compile(
    r"这个|那个|这样|那样|这|那|它|数字?|水平|结果|指标|算|是|不是|吗|呢|啊|吧|的|要|我们|我|会|有点|有|了|还|还是|"
    r"\b(?:is|it|this|that|so|then)\b|[\s？?，,。！!]",
    re.IGNORECASE,
)


_EARLIER_WORDS = re.compile(r"去年|同期|上年|上季度|上个?月|跟|和|比|相比|比较|对比|the same|last|year|quarter|month|compared?")


class ToolStep:
    """Answers what the tool router recognises; passes everything else on."""

    def __init__(self, router: ToolRouter, library: Library | None = None) -> None:
        self.router = router
        self.library = library

    def handle(self, turn: TurnContext) -> Reply | None:
        """The tool's reply, judged against the articles, remembering the message itself as the topic."""
        reply = self.router.handle(turn.message, turn.session)
        if reply is None:
            reply = self._verdict_follow_up(turn)
        elif self.library is not None and reply.status == "answered":
            last = turn.session.state.get(LAST_RESULT)
            fresh = last is not None and last.get("turn") == len(turn.session.turns)  # computed in this turn
            earlier = last.get("earlier") if fresh and last else None
            self._judge(reply, reply.tool_calls, tuple(earlier) if earlier else None)
        if reply is not None:
            turn.topic = " ".join([turn.message, *_found_in_words(reply)])
            if self.library is not None and reply.status == "answered":
                advise(self.library, turn.message, reply)
            if turn.query.script == "hant":  # the verdicts were written in Simplified
                reply.answer = to_user_script(reply.answer, turn.query.script)
        return reply

    def _verdict_follow_up(self, turn: TurnContext) -> Reply | None:
        """"这个算高吗" right after a calculation: the articles' verdict on its figure."""
        last = self.router.last_result(turn.session)
        text = turn.query.text.strip()  # Simplified, full-width folded
        given = find_earlier(text)  # "上年同期只有41天": the figure to compare the result with
        if self.library is None or last is None or not (given or ASKS_VERDICT.search(text)):
            return None
        rest = _BACK_REFERENCE.sub("", ASKS_VERDICT.sub("", text[: given.start] + text[given.end :] if given else text))
        if len(_EARLIER_WORDS.sub("", rest)) > 2 or re.search(r"\d", rest):
            return None  # it names something else to ask about
        if given:
            last["earlier"] = [given.value, given.unit]
        reply = Reply("")
        earlier = tuple(last["earlier"]) if last.get("earlier") else None
        self._judge(reply, [ToolCall(last["tool"], last["args"], last["result"])], earlier)
        if not reply.answer.strip():
            return None
        reply.answer = reply.answer.strip()
        last["turn"] = len(turn.session.turns)  # the next follow-up may still refer to the same figure
        return reply

    def _judge(self, reply: Reply, calls: list[ToolCall], earlier: tuple[float, str] | None) -> None:
        """Append what the articles make of each figure the tools computed (each at most once)."""
        assert self.library is not None
        verdicts: list[str] = []
        for call in calls:
            for metric, value, unit in self._readings(call):
                finding = self.library.judge_metric(metric, value, unit, earlier=earlier)
                earlier = None  # the earlier value belongs to the calculation's main figure
                plain = finding.lead.format(*[""] * len(finding.facts)) if finding else ""
                computed = [str(call.args), str(call.result), f"{value:g}", *(finding.derived if finding else ())]
                if finding is None or ungrounded(plain, [f.sentence for f in finding.facts], computed):
                    verdicts.append(NO_BENCHMARK.format(metric=metric))  # never a figure from nowhere
                    continue
                marks = []
                for fact in finding.facts:
                    reply.sources.append(Source(fact.doc_id, self.library.title_of(fact.doc_id), fact.sentence, 1.0))
                    marks.append(f"[{len(reply.sources)}]")
                verdicts.append(finding.lead.format(*marks))
        if verdicts:
            reply.answer = reply.answer.rstrip() + "\n" + "\n".join(dict.fromkeys(verdicts))

    def _readings(self, call: ToolCall) -> list[tuple[str, float, str]]:
        spec = self.router.registry.specs.get(call.name)
        result: Any = call.result
        if spec is None or spec.readings is None or not isinstance(result, dict) or "error" in result:
            return []
        return spec.readings(call.args, result)


def _found_in_words(reply: Reply) -> list[str]:
    """What a buyer lookup found, in the articles' words ("很高风险客户"), for a follow-up to search with."""
    for call in reply.tool_calls:
        matches = call.result.get("matches") if call.name == "buyer_lookup" and isinstance(call.result, dict) else None
        if matches and reply.status == "answered":
            return [f"{replies.GRADE_MEANING.get(matches[0].get('grade'), '')}客户"]
    return []
