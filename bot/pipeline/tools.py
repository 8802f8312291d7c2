"""Step: a tool request (a calculation, a buyer) or the completion of one asked for earlier.

Every figure the reply states is followed by what the articles say about its metric, cited: their verdict
("17.3%高于资料中的“逾期账款占比超过15%”[1]…"), or short of one a line on the figure's change or a
sentence naming it; when they say nothing of it, a plain "no benchmark". A follow-up that asks that of the
calculation just answered ("这个算高吗") gets the same, and one asking how much it moved ("比上季度高了多少")
its change from the previous calculation of that metric (:mod:`bot.pipeline.comparison`). An English
question gets its verdicts in English. "X怎么算" for a metric the articles define opens with their
definition, cited, before the calculator's generic formula.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from bot.messages import Reply, Source, ToolCall
from bot.pipeline.buyer_advice import advise
from bot.pipeline.comparison import ASKS_CHANGE, ask_for_earlier, asks_change, previous_figure
from bot.pipeline.knowledge import Library, to_user_script
from bot.pipeline.turn import TurnContext
from bot.tool_routing import LAST_RESULT, ToolRouter
from knowledge.grounding import ungrounded
from tools import replies
from tools.intents import LEDGER_ASKS, detect
from tools.numbers import find_earlier

NO_BENCHMARK = "资料没有给出{metric}的判断标准，请结合行业和自身历史水平判断。"
NO_BENCHMARK_EN = "The articles give no benchmark for {metric}; judge it against your industry and your own history."
# A metric the articles define: their definition is the one used; the calculator's generic formula follows.
DEFINED = "按资料的定义，{term}指{meaning}{mark}，本回答以此为准；下面的通用公式仅供参考，口径不同时以资料为准。"
DEFINED_EN = ("The articles define {term} as {meaning}{mark}, and that is the definition used here; the general formula "
              "below is for reference only.")
# A ledger's overdue share counts anything past due; the articles' 逾期率 counts only what is more than 30 days
# past the contract term, so the ledger is judged on that share of its ageing, saying so.
PAST_30_LABEL = ("按逾期超过30天计，", "Counting only amounts over 30 days past due, ")
# Asking what to make of a figure (in the question or in a follow-up right after it), or what to do about it.
ASKS_VERDICT = re.compile(
    r"高吗|低吗|高不高|低不低|算高|算低|偏高|偏低|长吗|短吗|长不长|算长|算短|偏长|偏短|危险|安全|稳妥|正常|健康|要紧|严重|有问题|没问题|担心|怎么样|好不好|行不行|合理|"
    r"怎么办|咋办|该怎么|要怎么|靠谱|划算|值不值|值得|风险|要不要|需不需要|警惕|"
    r"is (?:that|it|this) (?:high|low|ok|okay|bad|good|normal|healthy)|should (?:i|we) worry|what should|"
    r"too (?:high|low|long)|\brisky\b|worried|concern",
    re.IGNORECASE,
)
# What else a follow-up about "this figure" may say; anything more is a question of its own ("那理赔怎么办").
_BACK_REFERENCE = re.compile(
    r"这个|那个|这样|那样|这|那|它|数字?|水平|结果|指标|算|是|不是|吗|呢|啊|吧|的|要|我们|我|会|有点|有|了|还|还是|"
    r"\b(?:is|it|this|that|so|then)\b|[\s？?，,。！!]",
    re.IGNORECASE,
)


_EARLIER_WORDS = re.compile(r"去年|同期|上年|上季度|上个?月|之前|以前|上一?次|前一次|刚才|前面|跟|和|比|相比|比较|对比|the same|last|year|quarter|month|compared?")


class ToolStep:
    """Answers what the tool router recognises; passes everything else on."""

    def __init__(self, router: ToolRouter, library: Library | None = None) -> None:
        self.router = router
        self.library = library

    def handle(self, turn: TurnContext) -> Reply | None:
        """The tool's reply, judged against the articles, remembering the message itself as the topic."""
        reply = self.router.handle(turn.message, turn.session, script=turn.query.script)
        if reply is None:
            reply = self._verdict_follow_up(turn)
        elif self.library is not None and reply.status == "answered":
            last = turn.session.state.get(LAST_RESULT)
            fresh = last is not None and last.get("turn") == len(turn.session.turns)  # computed in this turn
            earlier = last.get("earlier") if fresh and last else None
            self._judge(reply, reply.tool_calls, tuple(earlier) if earlier else None, turn, lead_verdict=True)
        if reply is not None and self.library is not None and (request := detect(turn.query.text)) is not None:
            if request.tool == "formula" and request.args["kind"] in replies.FORMULAS:
                self._define_first(reply, replies.FORMULAS[request.args["kind"]][0], turn.query.script == "en")
        if reply is not None:
            turn.topic = " ".join([turn.message, *_found_in_words(reply)])
            if self.library is not None and reply.status == "answered":
                advise(self.library, turn.message, reply, turn.query.script)
            if turn.query.script == "hant":  # the verdicts were written in Simplified
                reply.answer = to_user_script(reply.answer, turn.query.script)
        return reply

    def _define_first(self, reply: Reply, name: str, english: bool) -> None:
        """"逾期率怎么算" when the articles define the metric: their definition first, cited, and said to be the one
        used; the generic formula after it is kept for reference (it may count more, e.g. every overdue amount)."""
        assert self.library is not None
        meant = self.library.definition(name)
        if meant is None:
            return
        reply.sources.append(Source(meant.doc_id, self.library.title_of(meant.doc_id), meant.sentence, 1.0))
        mark = f"[{len(reply.sources)}]"
        lead = ((DEFINED_EN if english else DEFINED).format(term=meant.subject, meaning=meant.detail, mark=mark))
        reply.answer = f"{lead}\n{reply.answer.strip()}"

    def _verdict_follow_up(self, turn: TurnContext) -> Reply | None:
        """"这个算高吗" right after a calculation: the articles' verdict on its figure; "比上季度高了多少": its
        change from the previous calculation of the same metric (asked for when the session has none)."""
        last = self.router.last_result(turn.session)
        text = turn.query.text.strip()  # Simplified, full-width folded
        given = find_earlier(text)  # "上年同期只有41天": the figure to compare the result with
        change = asks_change(text)
        if self.library is None or last is None or not (given or change or ASKS_VERDICT.search(text)):
            return None
        rest = text[: given.start] + text[given.end :] if given else text
        rest = _BACK_REFERENCE.sub("", ASKS_VERDICT.sub("", ASKS_CHANGE.sub("", rest)))
        if len(_EARLIER_WORDS.sub("", rest)) > 2 or re.search(r"\d", rest):
            return None  # it names something else to ask about
        english = turn.query.script == "en"
        readings = partial(self._readings, question=text, english=english)
        if given:
            last["earlier"] = [given.value, given.unit]
        elif change:
            previous = previous_figure(last, readings)
            if previous is None:
                last["turn"] = len(turn.session.turns)  # the figure the user gives next is compared with it
                return ask_for_earlier(last, readings, english)
            last["earlier"] = list(previous)
        reply = Reply("")
        earlier = tuple(last["earlier"]) if last.get("earlier") else None
        self._judge(reply, [ToolCall(last["tool"], last["args"], last["result"])], earlier, turn)
        if not reply.answer.strip():
            return None
        reply.answer = _restated(reply.answer.strip(), readings(ToolCall(last["tool"], last["args"], last["result"])),
                                 english)
        last["turn"] = len(turn.session.turns)  # the next follow-up may still refer to the same figure
        return reply

    def _judge(
        self, reply: Reply, calls: list[ToolCall], earlier: tuple[float, str] | None, turn: TurnContext,
        lead_verdict: bool = False,
    ) -> None:
        """Append what the articles say about each figure the reply states (each at most once), or that they say
        nothing; with ``lead_verdict``, a message asking what to make of its one figure ("逾期率高不高") gets the
        articles' verdict on it first."""
        assert self.library is not None
        english = turn.query.script == "en"
        verdicts: list[str] = []
        judged: list[str] = []  # the verdicts a line of the articles gives (not "no benchmark")
        for call in calls:
            for metric, value, unit, label in self._readings(call, turn.query.surface or turn.query.text, english):
                finding = self.library.judge_metric(metric, value, unit, earlier=earlier, english=english)
                earlier = None  # the earlier value belongs to the calculation's main figure
                plain = label + finding.lead.format(*[""] * len(finding.facts)) if finding else ""
                computed = [str(call.args), str(call.result), f"{value:g}", "30",
                            *(finding.derived if finding else ())]
                if finding is None or ungrounded(plain, [f.sentence for f in finding.facts], computed):
                    verdicts.append((NO_BENCHMARK_EN if english else NO_BENCHMARK).format(metric=metric))
                    continue  # never a figure from nowhere
                marks = []
                for fact in finding.facts:
                    reply.sources.append(Source(fact.doc_id, self.library.title_of(fact.doc_id), fact.sentence, 1.0))
                    marks.append(f"[{len(reply.sources)}]")
                verdicts.append(label + finding.lead.format(*marks))
                if f"{value:g}" in plain:  # the figure held against a line, not a related sentence
                    judged.append(verdicts[-1] if label or not verdicts[-1][:1].isdigit() else metric + verdicts[-1])
        asked = turn.query.surface or turn.query.text
        if lead_verdict and len(judged) == 1 and len(verdicts) == 1 and ASKS_VERDICT.search(asked):
            # "逾期率高不高": the figure held against the articles' line is the answer, first ("逾期率18%高于资料中的…")
            reply.answer = "\n".join(part for part in (judged[0], *reply.answer.strip().split("\n")) if part)
            return
        if verdicts:
            # the answer, then what the articles make of it, then the working
            first, _, rest = reply.answer.strip().partition("\n")
            reply.answer = "\n".join(part for part in (first, *dict.fromkeys(verdicts), rest) if part)

    def _readings(self, call: ToolCall, question: str, english: bool) -> list[tuple[str, float, str, str]]:
        """The figures of a tool result the reply states, as the articles name them: (metric, value, unit, label)."""
        spec = self.router.registry.specs.get(call.name)
        result: Any = call.result
        if spec is None or spec.readings is None or not isinstance(result, dict) or "error" in result:
            return []
        if call.name == "buyer_receivables":
            return _ledger_readings(result, question, english)
        return [(metric, value, unit, "") for metric, value, unit in spec.readings(call.args, result)]


def _restated(answer: str, figures: list[tuple[str, float, str, str]], english: bool) -> str:
    """The answer, opened with the figure it is about when it does not state it (a line on its change only)."""
    if not figures or f"{figures[0][1]:g}" in answer:
        return answer
    metric, value, unit, _ = figures[0]
    shown = f"{value:g}{' days' if english and unit == '天' else unit}"
    return f"{metric} is {shown}. {answer}" if english else f"{metric}为{shown}。{answer}"


def _ledger_readings(ledger: dict[str, Any], question: str, english: bool) -> list[tuple[str, float, str, str]]:
    """A ledger's overdue share past 30 days and its DSO, each when the reply states it (all on a full card)."""
    asks = {name for name, pattern in LEDGER_ASKS.items() if pattern.search(question)}
    out: list[tuple[str, float, str, str]] = []
    share = replies.past_due_over_30(ledger)
    if share is not None and (not asks or asks & {"overdue", "ar"}):
        out.append(("逾期率", round(share * 100, 1), "%", PAST_30_LABEL[english]))
    if ledger.get("dso_days") is not None and (not asks or "dso" in asks):
        out.append(("DSO", ledger["dso_days"], "天", ""))
    return out


def _found_in_words(reply: Reply) -> list[str]:
    """What a buyer lookup found, in the articles' words ("很高风险客户"), for a follow-up to search with."""
    for call in reply.tool_calls:
        matches = call.result.get("matches") if call.name == "buyer_lookup" and isinstance(call.result, dict) else None
        if matches and reply.status == "answered":
            return [f"{replies.GRADE_MEANING.get(matches[0].get('grade'), '')}客户"]
    return []
