"""``creditbot eval`` end to end: real chat service, real index, the credit service started in-process."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from bot.config import Settings
from bot.evaluation import run_eval

pytestmark = pytest.mark.integration

CASES = [
    {"id": "k1", "category": "claims", "question": "理赔进度在哪能查到？", "expect_sources": ["000"],
     "expect_all": [], "expect_any": ["平台", "在线"], "must_not": []},
    {"id": "o1", "category": "out_of_scope", "question": "出口退税率现在是多少？", "expect_sources": [],
     "expect_all": [], "expect_any": ["抱歉", "人工"], "must_not": ["13%"]},
    {"id": "d1", "category": "dso_tool", "question": "过去60天一共赊销了300万，现在账上应收还有120万，DSO算下来几天？",
     "expect_sources": [], "expect_all": ["24"], "expect_any": [], "must_not": []},
    {"id": "f1", "category": "followup", "turns": ["选信用保险服务商主要看哪几方面？", "那安联贸易的评级是多少？"],
     "expect_sources": ["000"], "expect_all": ["AA"], "expect_any": [], "must_not": []},
    {"id": "x1", "category": "claims", "question": "理赔要多久？", "expect_sources": ["002"],
     "expect_all": ["三年"], "expect_any": [], "must_not": []},  # deliberately wrong: must fail
]


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_eval_scores_categories_and_starts_the_credit_service(
    kb_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in CASES) + "\n", encoding="utf-8")
    settings = Settings(_env_file=None, data_dir=kb_data_dir, service_url=_dead_url(),
                        store_url=f"sqlite:///{tmp_path / 'c.sqlite3'}", llm_base_url=None, llm_model=None)
    assert run_eval(path, settings, as_json=True) == 0
    summary = json.loads(capsys.readouterr().out)  # one JSON object
    by_id = {c["id"]: c for c in summary["cases"]}
    assert by_id["k1"]["passed"] and by_id["o1"]["passed"] and by_id["f1"]["passed"]
    assert by_id["d1"]["passed"], by_id["d1"]  # needs the in-process credit service
    assert not by_id["x1"]["passed"]
    assert summary["overall"] == {"passed": 4, "total": 5, "rate": 0.8}
    claims = summary["categories"]["claims"]
    assert (claims["passed"], claims["total"], claims["rate"]) == (1, 2, 0.5)
    assert claims["retrieval"]["cases"] == 2 and summary["answer_chars"]["answered"] >= 3
    assert summary["retrieval"]["cases"] == 3 and summary["retrieval"]["hit@3"] == pytest.approx(2 / 3, abs=1e-3)
    assert summary["latency_ms"]["p95"] >= summary["latency_ms"]["p50"] > 0


def test_eval_ingests_an_empty_data_dir_and_prints_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(CASES[0], ensure_ascii=False) + "\n", encoding="utf-8")
    settings = Settings(_env_file=None, data_dir=tmp_path / "fresh", llm_base_url=None, llm_model=None)
    assert run_eval(path, settings) == 0
    out = capsys.readouterr().out
    assert "claims" in out and "overall" in out and "hit@1" in out


def test_eval_rejects_a_malformed_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("{not json\n", encoding="utf-8")
    assert run_eval(path, Settings(_env_file=None, data_dir=tmp_path), as_json=True) == 2
    assert "bad.jsonl:1" in capsys.readouterr().out
