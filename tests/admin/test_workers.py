"""Two chat-server processes on one data dir: an article uploaded through one answers at once on the other."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from bot.web.server import wait_healthy
from tests.admin.conftest import ADMIN_TOKEN, ask, bearer
from tests.admin.test_api import ARTICLE
from tests.support import free_port

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def worker(data_dir: Path) -> Iterator[str]:
    """``creditbot serve`` in its own process on a free port; yields its base URL."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CREDITBOT_DATA_DIR": str(data_dir), "CREDITBOT_PORT": str(port),
           "CREDITBOT_ADMIN_TOKEN": ADMIN_TOKEN, "CREDITBOT_LOG_LEVEL": "WARNING", "CREDITBOT_LLM_BASE_URL": "",
           "CREDITBOT_LLM_MODEL": ""}
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], env=env, cwd=data_dir)
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_healthy(f"{base}/healthz", 300, proc), "the worker did not become ready"
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_an_upload_through_one_worker_answers_at_once_on_the_other(kb_data_dir: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(kb_data_dir, data_dir)
    with worker(data_dir) as first, worker(data_dir) as second:
        question = "海豚计划的宽限期是多少天？"
        assert ask(second, question)["status"] == "no_answer"  # the second worker has loaded the index
        uploaded = httpx.post(f"{first}/admin/api/articles", headers=bearer(), timeout=300,
                              files={"file": ("dolphin.md", ARTICLE.encode())})
        assert uploaded.status_code == 201, uploaded.text
        reply = ask(second, question)
        assert reply["status"] == "answered" and "45天" in reply["answer"]
        assert "dolphin" in {s["doc_id"] for s in reply["sources"]}
        created = httpx.post(f"{second}/admin/api/answers", headers=bearer(), timeout=60,
                             json={"question": "你们公司的客服电话是多少？", "answer": "客服热线 400-000-1234。"})
        assert ask(first, "请问客服热线电话号码是多少")["sources"][0]["doc_id"] == f"curated:{created.json()['id']}"
        assert httpx.delete(f"{second}/admin/api/articles/dolphin", headers=bearer(), timeout=300).status_code == 204
        assert "dolphin" not in {s["doc_id"] for s in ask(first, question)["sources"]}
