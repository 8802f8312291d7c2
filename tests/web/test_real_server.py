"""The real chat service (knowledge base, assistant, store) behind the real server; chroma and PostgreSQL too."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, delete, select

from bot.store import conversation_log, sessions
from ingest.pipeline import ingest_paths
from tests.web.conftest import free_port, serve_in_thread

pytestmark = pytest.mark.integration

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def start_real(settings) -> object:
    """A server that builds its own chat service from the settings (chat=None)."""
    from bot.web.server import create_app

    return serve_in_thread(create_app(settings), settings.port, wait_ready=True)


def test_real_answers_stream_and_sessions_survive_restart(make_settings, tmp_path):
    port = free_port()
    settings = make_settings(port=port, demo=True, store_url=f"sqlite:///{tmp_path / 'conv.sqlite3'}")
    with start_real(settings) as base:
        reply = httpx.post(f"{base}/api/chat", json={"message": "客户破产了能赔吗"}, timeout=60).json()
        assert reply["status"] == "answered" and reply["sources"]
        assert all(s["doc_id"] and s["snippet"] for s in reply["sources"])
        with httpx.stream("POST", f"{base}/api/chat", json={"message": "理赔要多久", "session_id": reply["session_id"]},
                          headers={"Accept": "text/event-stream"}, timeout=60) as r:
            body = r.read().decode()
        assert body.index("event: delta") < body.index("event: done")
        out = httpx.post(f"{base}/api/chat", json={"message": "今天天气怎么样"}, timeout=60).json()
        assert out["status"] == "no_answer"
    port2 = free_port()
    with start_real(settings.model_copy(update={"port": port2})) as base2:
        follow = httpx.post(f"{base2}/api/chat", json={"message": "那需要准备什么材料?", "session_id": reply["session_id"]},
                            timeout=60)
        assert follow.status_code == 200
    engine = create_engine(settings.conversation_store_url)
    with engine.connect() as conn:
        data = conn.execute(select(sessions.c.data).where(sessions.c.id == reply["session_id"])).scalar_one()
    assert [t["question"] for t in data["turns"]] == ["客户破产了能赔吗", "理赔要多久", "那需要准备什么材料?"]


def _postgres_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def chroma_server(tmp_path: Path):
    """``chroma run`` on a free loopback port; yields its URL."""
    exe = Path(sys.executable).with_name("chroma")
    if not exe.exists():
        pytest.skip("the chroma CLI is not installed next to the Python interpreter")
    port = free_port()
    proc = subprocess.Popen([str(exe), "run", "--path", str(tmp_path / "chroma"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, "chroma run exited"
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "chroma server did not start"
        time.sleep(0.2)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(15)


@pytest.mark.postgres
def test_chat_against_chroma_server_and_postgres_store(make_settings, tmp_path, chroma_server):
    if not _postgres_up():
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    from bot.chat import open_knowledge_base

    data_dir = tmp_path / "data"
    port = free_port()
    settings = make_settings(port=port, data_dir=data_dir, chroma_url=chroma_server, store_url=PG_URL)
    report = ingest_paths(open_knowledge_base(settings))
    assert not report.failed
    assert not any(data_dir.rglob("chroma.sqlite3")), "the embedded chroma store was used instead of the server"
    reply_id = None
    try:
        with start_real(settings) as base:
            reply = httpx.post(f"{base}/api/chat", json={"message": "发生买方破产后如何快速启动理赔？"}, timeout=60).json()
            reply_id = reply["reply_id"]
            assert reply["status"] == "answered" and reply["sources"]
        engine = create_engine(PG_URL)
        with engine.connect() as conn:
            row = conn.execute(select(conversation_log.c.status, conversation_log.c.channel)
                               .where(conversation_log.c.reply_id == reply_id)).one()
        assert tuple(row) == ("answered", "web")
    finally:
        if reply_id:
            with create_engine(PG_URL).begin() as conn:
                conn.execute(delete(conversation_log).where(conversation_log.c.reply_id == reply_id))
                conn.execute(delete(sessions).where(sessions.c.id == reply["session_id"]))
        shutil.rmtree(data_dir, ignore_errors=True)


def test_two_knowledge_bases_on_one_chroma_server_share_nothing(tmp_path, chroma_server):
    import chromadb

    from knowledge.index import KnowledgeBase

    article = Path(__file__).resolve().parents[2] / "knowledge" / "articles" / "004_dd1bd35b09fda943.txt"
    folders = {name: tmp_path / f"articles-{name}" for name in ("one", "two")}
    bases = {}
    for name, folder in folders.items():
        folder.mkdir()
        shutil.copy(article, folder)
        bases[name] = KnowledgeBase(tmp_path / name, chroma_url=chroma_server, collection=f"kb_{name}")
        assert not ingest_paths(bases[name], [folder]).failed
    (folders["one"] / article.name).unlink()
    assert ingest_paths(bases["one"], [folders["one"]]).removed == [article.stem]
    host, port = chroma_server.removeprefix("http://").split(":")
    client = chromadb.HttpClient(host=host, port=int(port))
    assert client.get_collection("kb_one").count() == 0
    assert client.get_collection("kb_two").count() > 0, "removing from one knowledge base emptied the other"
