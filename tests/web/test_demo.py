"""``creditbot demo`` (what ``make run`` starts): credit service + chat server, URL printed, Ctrl-C stops both."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from tests.web.conftest import free_port

pytestmark = pytest.mark.integration


def port_open(port: int) -> bool:
    """True when something listens on 127.0.0.1:port."""
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_demo_starts_both_servers_prints_url_and_stops_on_ctrl_c(kb_data_dir, tmp_path):
    port, service_port = free_port(), free_port()
    env = {
        **os.environ,
        "CREDITBOT_DATA_DIR": str(kb_data_dir),
        "CREDITBOT_STORE_URL": f"sqlite:///{tmp_path / 'conv.sqlite3'}",
        "CREDITBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'service.sqlite3'}",
        "CREDITBOT_PORT": str(port),
        "CREDITBOT_SERVICE_PORT": str(service_port),  # no SERVICE_URL: the demo's tools use its own service
        "CREDITBOT_DEMO": "1",
        "CREDITBOT_SITE_KEYS": "shop=https://shop.example",  # a key for another site keeps the demo key working
    }
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "demo"], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True).start()
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 240
        while not any(url in line and "ready" in line for line in lines):
            assert proc.poll() is None, f"demo exited early: {lines}"
            assert time.monotonic() < deadline, f"no demo URL printed: {lines}"
            time.sleep(0.2)
        assert httpx.get(f"http://127.0.0.1:{service_port}/healthz").status_code == 200
        page = httpx.get(url)
        assert page.status_code == 200 and 'data-site-key="demo"' in page.text
        reply = httpx.post(f"{url}api/chat", json={"message": "客户破产了能赔吗"},
                           headers={"Origin": url.rstrip("/"), "X-Site-Key": "demo"}, timeout=60)
        assert reply.status_code == 200 and reply.json()["sources"]
        assert httpx.get(f"{url}favicon.ico").status_code == 200
        lookup = httpx.post(f"{url}api/chat", json={"message": "查一下买家 CN1007"}, timeout=60).json()
        assert [call["name"] for call in lookup["tool_calls"]] == ["buyer_lookup"]
        assert "error" not in lookup["tool_calls"][0]["result"], lookup
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(30)
    assert code == 0
    assert not port_open(port) and not port_open(service_port)


def test_demo_refuses_a_taken_port(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        taken_port = taken.getsockname()[1]
        env = {**os.environ, "CREDITBOT_DATA_DIR": str(tmp_path), "CREDITBOT_PORT": str(free_port()),
               "CREDITBOT_SERVICE_PORT": str(taken_port)}
        done = subprocess.run([sys.executable, "-m", "bot.cli", "demo"], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"port {taken_port} is already in use" in done.stderr


def test_serve_with_two_workers_shares_store_and_metrics(kb_data_dir, tmp_path):
    port = free_port()
    prom = tmp_path / "prometheus"
    prom.mkdir()
    env = {
        **os.environ,
        "CREDITBOT_DATA_DIR": str(kb_data_dir),
        "CREDITBOT_STORE_URL": f"sqlite:///{tmp_path / 'conv.sqlite3'}",
        "CREDITBOT_PORT": str(port),
        "CREDITBOT_WORKERS": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(prom),
        "CREDITBOT_LOG_LEVEL": "WARNING",
    }
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], env=env, cwd=tmp_path,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert proc.poll() is None, "creditbot serve exited"
            try:  # fresh connections land on either worker: wait until both say ready
                if all(httpx.get(f"{base}/healthz", timeout=2).status_code == 200 for _ in range(8)):
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()[-3000:]
            time.sleep(0.5)
        # new connections spread over the workers; one session continues whichever worker answers
        sid = None
        for question in ("客户破产了能赔吗", "理赔要多久", "那需要准备什么材料?", "账期怎么定"):
            with httpx.Client(base_url=base, timeout=60) as client:
                reply = client.post("/api/chat", json={"message": question, "session_id": sid}
                                    if sid else {"message": question}).json()
            if not reply.get("answer"):
                shutil.copy(tmp_path / "serve.log", "/tmp/serve_fail.log")
            assert reply.get("answer"), reply
            sid = reply["session_id"]
        metrics = httpx.get(f"{base}/metrics").text
        total = sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
                    if line.startswith('creditbot_replies_total{'))
        assert total == 4
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
