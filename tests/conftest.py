"""Session-wide fixtures: an ingested knowledge base and settings pointed at it.

The embedding model is converted once into the normal cache directory (``~/.cache/creditbot``)
and shared by every test session; the index is built once per session in a temp dir.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ARTICLES = Path(__file__).resolve().parent.parent / "knowledge" / "articles"


@pytest.fixture(scope="session")
def kb_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with the bundled articles ingested (built once per test session)."""
    from ingest.pipeline import ingest_paths
    from knowledge.index import KnowledgeBase

    data_dir = tmp_path_factory.mktemp("kb-data")
    report = ingest_paths(KnowledgeBase(data_dir))
    assert not report.failed, report.summary()
    return data_dir


@pytest.fixture
def make_settings(kb_data_dir: Path, tmp_path: Path) -> Callable[..., object]:
    """Build ``bot.config.Settings`` on the session's knowledge base and a temp conversation store.

    Usage: ``settings = make_settings(demo=True, port=0)``; keyword arguments override fields.
    """
    from bot.config import Settings

    def build(**overrides: object) -> Settings:
        values: dict[str, object] = {
            "data_dir": kb_data_dir,
            "store_url": f"sqlite:///{tmp_path / 'conversations.sqlite3'}",
            "database_url": f"sqlite:///{tmp_path / 'service.sqlite3'}",
            "environment": "development",
            "llm_base_url": None,
            "llm_model": None,
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)

    return build
