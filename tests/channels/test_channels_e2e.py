"""Both channels end to end: the real entry points (``creditbot telegram``, ``creditbot serve``) as
subprocesses configured only through their README variables, the real knowledge base, and local
stand-ins for Telegram's and WeChat's servers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from bot.channels.wechat import parse_xml
from bot.channels.wechat_crypto import MessageCrypto
from tests.channels.conftest import serve
from tests.support import free_port, wait_healthy
from tests.channels.telegram_standin import TOKEN, BotAPIStandIn, text_update
from tests.channels.wechat_helpers import AES_KEY, APP_ID, OPENID, TOKEN as WECHAT_TOKEN, encrypted_request, text_xml

pytestmark = [
    pytest.mark.integration,
    pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"),
]
CREDITBOT = str(Path(sys.executable).with_name("creditbot"))
QUESTION = "买方破产了，我们应该怎么申请理赔？"


@contextmanager
def creditbot(command: str, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``creditbot <command>`` with ``env`` added; interrupted (then killed) on exit."""
    with log.open("wb") as out:
        proc = subprocess.Popen([CREDITBOT, command], env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)




def test_creditbot_telegram_answers_from_the_articles(kb_data_dir: Path, tmp_path: Path) -> None:
    api = BotAPIStandIn()
    with serve(api.app) as base:
        env = {
            "CREDITBOT_DATA_DIR": str(kb_data_dir),
            "CREDITBOT_STORE_URL": f"sqlite:///{tmp_path / 'conversations.sqlite3'}",
            "CREDITBOT_TELEGRAM_TOKEN": TOKEN,
            "CREDITBOT_TELEGRAM_API_URL": base,
        }
        with creditbot("telegram", env, tmp_path / "telegram.log") as proc:
            api.push(text_update(QUESTION))
            deadline = time.monotonic() + 180
            while not api.sent("sendMessage"):
                assert proc.poll() is None, (tmp_path / "telegram.log").read_text()
                assert time.monotonic() < deadline, "no answer from creditbot telegram"
                time.sleep(0.1)
    message = api.sent("sendMessage")[0]
    assert message["parse_mode"] == "HTML"
    assert "<b>来源</b>" in message["text"]
    assert "理赔" in message["text"] or "索赔" in message["text"]
    assert [b["text"] for b in message["reply_markup"]["inline_keyboard"][0]] == ["👍", "👎"]
    log = (tmp_path / "telegram.log").read_text()
    assert TOKEN.split(":")[1] not in log and "5550001" not in log  # no bot token, no raw user id


def test_creditbot_serve_answers_an_encrypted_wechat_message(kb_data_dir: Path, tmp_path: Path) -> None:
    port = free_port()
    env = {
        "CREDITBOT_DATA_DIR": str(kb_data_dir),
        "CREDITBOT_STORE_URL": f"sqlite:///{tmp_path / 'conversations.sqlite3'}",
        "CREDITBOT_PORT": str(port),
        "CREDITBOT_WECHAT_TOKEN": WECHAT_TOKEN,
        "CREDITBOT_WECHAT_AES_KEY": AES_KEY,
        "CREDITBOT_WECHAT_APP_ID": APP_ID,
    }
    base = f"http://127.0.0.1:{port}"
    with creditbot("serve", env, tmp_path / "serve.log") as proc:
        wait_healthy(base, timeout_s=180, process=proc)
        params, body = encrypted_request(text_xml(QUESTION, "8840001"))
        started = time.monotonic()
        response = httpx.post(f"{base}/wechat", params=params, content=body, timeout=10)
        took = time.monotonic() - started
    assert response.status_code == 200
    assert took < 5.0  # WeChat's window
    inner = parse_xml(MessageCrypto(WECHAT_TOKEN, AES_KEY, APP_ID).decrypt(parse_xml(response.content)["Encrypt"]))
    assert inner["ToUserName"] == OPENID
    assert "参考：《" in inner["Content"]
    assert "理赔" in inner["Content"] or "索赔" in inner["Content"]
    assert "**" not in inner["Content"]
