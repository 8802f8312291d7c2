"""Answers on the bundled articles: answer first, figures only from cited sources, honest no_answer.

Questions are our own wording (no evaluation question is used).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.assistant import Assistant, build_assistant
from bot.config import Settings
from bot.messages import Session
from knowledge.grounding import ungrounded

pytestmark = pytest.mark.integration

QUESTIONS = (
    "出险以后提交索赔材料有没有时间限制",
    "逾期账款比例到多少要注意",
    "高风险的买家应该用什么结算方式",
    "贸易信用保险一般不保哪些损失",
    "安联的评级是多少",
)


@pytest.fixture(scope="module")
def assistant(kb_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    tmp = tmp_path_factory.mktemp("grounded")
    settings = Settings(_env_file=None, data_dir=kb_data_dir, store_url=f"sqlite:///{tmp / 'c.sqlite3'}",
                        service_url="http://127.0.0.1:9", llm_base_url=None, llm_model=None)
    return build_assistant(settings)


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_figure_in_an_answer_is_in_a_cited_article(assistant: Assistant, question: str) -> None:
    reply = assistant.answer(question, Session("g"))
    assert reply.status == "answered", reply.answer
    chunks = assistant.library.knowledge.chunks()
    cited = [c.text for c in chunks if any(c.doc_id == s.doc_id for s in reply.sources)]
    assert not ungrounded(reply.answer, cited, [question]), reply.answer
    assert not reply.answer.startswith("根据资料")


def test_deadline_from_the_users_date_is_worked_out_and_cited(assistant: Assistant) -> None:
    reply = assistant.answer("我们是9月20日得知买方破产的，索赔文件最晚什么时候交", Session("d"))
    assert reply.answer.startswith("最晚10月20日"), reply.answer
    assert reply.sources and reply.sources[0].doc_id.startswith("004")


@pytest.mark.parametrize("question", ["外贸企业的平均账期一般是多少天", "信用额度审批一般要几天"])
def test_a_question_for_a_figure_the_articles_never_give_gets_no_answer(assistant: Assistant, question: str) -> None:
    # the articles state days for other things (claims, reminders), never for these
    reply = assistant.answer(question, Session("n"))
    assert reply.status == "no_answer", reply.answer
