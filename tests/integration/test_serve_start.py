"""``creditbot serve`` answers on the ONNX encoder without ever loading torch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support import free_port

pytestmark = pytest.mark.integration


def test_serve_loads_no_torch(kb_data_dir: Path, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "CREDITBOT_DATA_DIR": str(kb_data_dir), "CREDITBOT_PORT": str(port),
           "CREDITBOT_STORE_URL": f"sqlite:///{tmp_path / 'conv.sqlite3'}", "CREDITBOT_LOG_LEVEL": "WARNING"}
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], env=env, cwd=tmp_path, stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        statuses: list[int] = []
        while not statuses or statuses[-1] != 200:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()[-3000:]
            try:
                statuses.append(httpx.get(f"{base}/healthz", timeout=2).status_code)
            except httpx.HTTPError:
                time.sleep(0.1)
        assert set(statuses) <= {200, 503}
        reply = httpx.post(f"{base}/api/chat", json={"message": "理赔要多久"}, timeout=60).json()
        assert reply["status"] == "answered" and reply["sources"]
        mapped = Path(f"/proc/{proc.pid}/maps").read_text()
        assert "onnxruntime" in mapped and "libtorch" not in mapped
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
