"""knowledge/ is the bottom layer: importing all of it pulls in no ingest, bot or tools module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_knowledge_imports_nothing_above_it() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import knowledge\n"
        "for m in pkgutil.walk_packages(knowledge.__path__, 'knowledge.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(','.join(sorted(n for n in sys.modules if n.split('.')[0] in ('ingest', 'bot', 'tools'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
