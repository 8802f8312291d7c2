"""Step: questions outside the domain, or about an aspect no article mentions, get ``no_answer``."""

from __future__ import annotations

from bot.messages import Reply
from bot.pipeline.knowledge import Library, asks_bulk_export, is_off_topic, to_user_script
from bot.pipeline.texts import no_answer
from bot.pipeline.turn import TurnContext


BULK_REFUSAL = "抱歉，我不能批量导出买家名单、信用等级或额度；请告诉我某一家买家的名称，我可以查询它的信用情况。"
EN_BULK_REFUSAL = "Sorry, I cannot export buyer lists, ratings or limits in bulk; name one buyer and I can look it up."


class ScopeStep:
    """Refuses what the articles cannot support before anything is searched."""

    def __init__(self, library: Library, human_contact: str) -> None:
        self.library = library
        self.human_contact = human_contact

    def handle(self, turn: TurnContext) -> Reply | None:
        """``no_answer`` (off topic, a bulk export, or an uncovered aspect), or None to go on."""
        if asks_bulk_export(turn.question):
            script = turn.query.script
            text = EN_BULK_REFUSAL if script == "en" else to_user_script(BULK_REFUSAL, script)
            return Reply(answer=f"{text}\n{self.human_contact}", status="no_answer")
        if is_off_topic(turn.question) or self.library.other_insurance_line(turn.question) is not None:
            return no_answer(turn, self.human_contact, off_topic=True)
        aspect = self.library.uncovered_aspect(turn.question)
        if aspect is not None:
            return no_answer(turn, self.human_contact, aspect=aspect)
        return None
