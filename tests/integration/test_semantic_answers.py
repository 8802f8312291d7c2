"""Sentences chosen by meaning on the real ingested articles: e5 sentence vectors persisted next to
the index, FAQ matches that outrank an "uncovered aspect" word, and a "when" question's conflict note."""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pytest

from bot.assistant import Assistant, build_assistant
from bot.config import Settings
from bot.messages import Session

pytestmark = pytest.mark.integration


def _unused_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture(scope="module")
def assistant(kb_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    tmp = tmp_path_factory.mktemp("semantic")
    settings = Settings(_env_file=None, data_dir=kb_data_dir, store_url=f"sqlite:///{tmp / 'c.sqlite3'}",
                        service_url=_unused_url(), llm_base_url=None, llm_model=None)
    return build_assistant(settings)


def test_sentence_vectors_are_persisted_and_reused(assistant: Assistant, kb_data_dir: Path) -> None:
    assert assistant.composer.semantic
    stored = list((kb_data_dir / "index").glob("sentences-*.npy"))
    assert len(stored) == 1
    texts = [s.text for s in assistant.composer.pool][:3]
    again = assistant.library.knowledge.sentence_vectors(texts)  # other texts: another key, rebuilt
    assert again.shape == (3, 384)
    assert np.allclose(np.linalg.norm(again, axis=1), 1.0, atol=1e-3)


def test_a_matching_faq_overrides_a_price_word(assistant: Assistant) -> None:
    # 成本/便宜 name the price aspect, but the articles have a FAQ on low-cost credit management
    reply = assistant.answer("我们是小公司，做信用管理成本高吗，有没有便宜的办法", Session("s1"))
    assert reply.status == "answered"
    assert "004" in [s.doc_id[:3] for s in reply.sources]
    assert any(word in reply.answer for word in ("免费", "标准化保单", "分阶段"))


def test_renewal_asked_in_other_words_is_not_covered(assistant: Assistant) -> None:
    reply = assistant.answer("保单多久续一次", Session("s2"))
    assert reply.status == "no_answer"
    assert "续保" in reply.answer


def test_a_when_question_states_the_differing_days(assistant: Assistant) -> None:
    reply = assistant.answer("买家一直拖着不付款，保险公司什么时候开始赔？", Session("s3"))
    assert reply.status == "answered"
    assert "说法不一" in reply.answer and "90天" in reply.answer and "180天" in reply.answer
