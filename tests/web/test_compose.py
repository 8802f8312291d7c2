"""docker-compose.yml and the Dockerfile: parsed and checked (no Docker engine runs here)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="PyYAML is needed to parse docker-compose.yml")

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]


def test_compose_names_every_service():
    assert set(SERVICES) == {"postgres", "chroma", "service", "chat", "telegram"}


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_has_a_healthcheck_and_waits_for_healthy_dependencies(name):
    service = SERVICES[name]
    assert service["healthcheck"]["test"][0] in ("CMD", "CMD-SHELL")
    for dep, cond in service.get("depends_on", {}).items():
        assert dep in SERVICES and cond == {"condition": "service_healthy"}


def test_app_services_use_postgres_chroma_and_workers():
    chat = SERVICES["chat"]
    env = chat["environment"]
    assert env["CREDITBOT_STORE_URL"].startswith("postgresql+psycopg://") and "@postgres:5432/" in env["CREDITBOT_STORE_URL"]
    assert env["CREDITBOT_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert env["CREDITBOT_CHROMA_URL"] == "http://chroma:8000"
    assert env["CREDITBOT_WORKERS"].startswith("${CREDITBOT_WORKERS:-") and env["PROMETHEUS_MULTIPROC_DIR"]
    assert set(chat["depends_on"]) == {"postgres", "chroma", "service"}
    for name in ("chat", "service", "telegram"):
        assert SERVICES[name]["build"] == "."
    assert "creditbot telegram" in " ".join(SERVICES["telegram"]["command"])


def test_no_secret_is_written_in_the_repo():
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    for name in ("POSTGRES_PASSWORD", "CREDITBOT_TELEGRAM_TOKEN", "CREDITBOT_ADMIN_TOKEN", "CREDITBOT_LLM_API_KEY",
                 "CREDITBOT_WECHAT_APP_SECRET", "CREDITBOT_SERVICE_TOKEN"):
        for value in re.findall(rf"^\s+{name}:\s*(\S.*)$", text, flags=re.MULTILINE):
            assert value.startswith("${"), f"{name} must come from the environment, got {value}"


def test_dockerfile_installs_cpu_torch_then_the_project():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "download.pytorch.org/whl/cpu torch==2.13.0" in text
    assert "pip install -c constraints.txt ." in text
    assert text.index("torch==2.13.0") < text.index("pip install -c constraints.txt")
    for folder in ("bot", "knowledge", "tools", "ingest"):
        assert f"COPY {folder} ./{folder}" in text and (ROOT / folder).is_dir()


def test_credit_service_and_its_callers_share_a_required_token():
    """Issue 10, item 11: the credit service is not open to whoever reaches it."""
    anchors = COMPOSE["x-app-env"]
    assert anchors["CREDITBOT_SERVICE_TOKEN"].startswith("${CREDITBOT_SERVICE_TOKEN:?")
    for name in ("service", "chat", "telegram"):
        assert SERVICES[name]["environment"]["CREDITBOT_SERVICE_TOKEN"] == anchors["CREDITBOT_SERVICE_TOKEN"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "CREDITBOT_SERVICE_TOKEN=" in run and "creditbot demo" in run
