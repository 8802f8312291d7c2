"""Settings: CREDITBOT_ environment variables, defaults, placeholder secrets."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import Settings


def test_defaults_are_offline_and_embedded(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CREDITBOT_DATA_DIR", "CREDITBOT_DATABASE_URL", "CREDITBOT_LLM_BASE_URL", "CREDITBOT_PORT"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert settings.port == 8000 and settings.service_port == 8100
    assert settings.service_url == "http://127.0.0.1:8100"
    assert not settings.llm_enabled
    assert settings.service_database_url.startswith("sqlite:///")
    assert settings.service_database_url.endswith("data/service.sqlite3")


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CREDITBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CREDITBOT_PORT", "8123")
    monkeypatch.setenv("CREDITBOT_TELEGRAM_TOKEN", "123:abc")
    settings = Settings(_env_file=None)
    assert settings.data_dir == tmp_path and settings.port == 8123
    assert settings.telegram_token.get_secret_value() == "123:abc"
    assert "123:abc" not in repr(settings)
    assert settings.conversation_store_url == f"sqlite:///{tmp_path.resolve() / 'conversations.sqlite3'}"


def test_production_refuses_placeholder_secret() -> None:
    with pytest.raises(ValidationError, match="placeholder"):
        Settings(_env_file=None, environment="production", admin_token="changeme")
    assert Settings(_env_file=None, environment="development", admin_token="changeme").admin_token


def test_process_settings_read_elsewhere_before_come_from_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CREDITBOT_TORCH_THREADS", "3")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    monkeypatch.setenv("CREDITBOT_ANSWER_STEPS", '["tools", "knowledge"]')
    settings = Settings(_env_file=None)
    assert settings.torch_threads == 3 and settings.prometheus_multiproc_dir == tmp_path
    assert settings.answer_steps == ["tools", "knowledge"]
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
    assert Settings(_env_file=None).prometheus_multiproc_dir is None


def test_every_setting_is_described() -> None:
    assert all(field.description for field in Settings.model_fields.values())


def test_english_replies_have_their_own_contact_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CREDITBOT_HUMAN_CONTACT", "CREDITBOT_HUMAN_CONTACT_EN"):
        monkeypatch.delenv(name, raising=False)
    default = Settings(_env_file=None)
    assert default.english_contact == default.human_contact_en and "人工" not in default.english_contact
    # an operator who set only the Chinese contact has their real contact shown in English replies too
    assert Settings(_env_file=None, human_contact="热线 400-123-4567").english_contact == "热线 400-123-4567"
    assert Settings(_env_file=None, human_contact="热线 400-123-4567", human_contact_en="").english_contact == "热线 400-123-4567"
    monkeypatch.setenv("CREDITBOT_HUMAN_CONTACT", "热线 400-123-4567")
    monkeypatch.setenv("CREDITBOT_HUMAN_CONTACT_EN", "hotline 400-123-4567")
    assert Settings(_env_file=None).english_contact == "hotline 400-123-4567"


def test_production_refuses_the_placeholder_english_contact() -> None:
    with pytest.raises(ValidationError, match="CREDITBOT_HUMAN_CONTACT_EN"):
        Settings(_env_file=None, environment="production", human_contact="热线 400-123-4567",
                 human_contact_en="mail help@example.com")
    assert Settings(_env_file=None, environment="production", human_contact="热线 400-123-4567").english_contact
