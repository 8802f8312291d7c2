"""knowledge/ and tools/ (outside tools/service) never import web or chat frameworks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_tools_and_knowledge_do_not_import_fastapi_starlette_or_telegram() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import knowledge, tools\n"
        "for pkg in (knowledge, tools):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if not m.name.startswith('tools.service'):\n"
        "            importlib.import_module(m.name)\n"
        "from tools.toolkit import Toolkit, build_tools\n"
        "from tools.client import CreditServiceClient\n"
        "build_tools(Toolkit(CreditServiceClient('http://127.0.0.1:9')))\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('fastapi', 'starlette', 'telegram', 'bot'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
