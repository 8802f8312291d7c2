"""Fixtures of the console tests: a chat server on loopback over a private copy of the ingested knowledge
base (uploads change it), a console user, and an httpx client signed in through the login form."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.admin.accounts import create_user
from bot.chat import build_chat_service
from bot.config import Settings
from bot.web.server import create_app
from tests.web.conftest import serve_in_thread
from tests.support import free_port

ADMIN_TOKEN = "console-test-token-7f3a9c"
USER, PASSWORD = "alice", "correct horse battery"


@pytest.fixture
def console_settings(kb_data_dir: Path, tmp_path: Path) -> Callable[..., Settings]:
    """``build(**overrides)``: settings on a fresh copy of the session's knowledge base."""

    def build(**overrides: Any) -> Settings:
        data_dir = tmp_path / "data"
        if not data_dir.exists():
            shutil.copytree(kb_data_dir, data_dir)
        values: dict[str, Any] = {
            "data_dir": data_dir, "port": free_port(), "environment": "development", "log_level": "WARNING",
            "admin_token": ADMIN_TOKEN, "llm_base_url": None, "llm_model": None, "demo": False,
            "rate_limit_per_minute": 10_000, "admin_login_per_minute": 5,
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)

    return build


@pytest.fixture
def console(console_settings: Callable[..., Settings]) -> Iterator[tuple[str, Settings]]:
    """A real chat server (real knowledge base and store) with one console user; yields (base URL, settings)."""
    settings = console_settings()
    create_user(settings, USER, "admin", PASSWORD)
    with serve_in_thread(create_app(settings, build_chat_service(settings)), settings.port) as base:
        yield base, settings


def login(base: str, name: str = USER, password: str = PASSWORD) -> tuple[httpx.Client, str, httpx.Response]:
    """Sign in through the form; returns (client with the cookie, the console's CSRF token, the login response)."""
    client = httpx.Client(base_url=base, timeout=120)
    page = client.get("/admin/")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = client.post("/admin/login", data={"name": name, "password": password, "csrf": csrf})
    console_page = client.get("/admin/")
    match = re.search(r'name="csrf-token" content="([^"]+)"', console_page.text)
    return client, match.group(1) if match else "", response


def bearer() -> dict[str, str]:
    """The script credentials."""
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def ask(base: str, message: str) -> dict[str, Any]:
    """One chat reply from the public API."""
    response = httpx.post(f"{base}/api/chat", json={"message": message}, timeout=120)
    assert response.status_code == 200, response.text
    return response.json()
