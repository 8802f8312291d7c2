"""Imports point one way: the import-linter contracts of pyproject.toml, and no framework below bot/."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def _lint_imports(*contract_ids: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "import-linter is not installed (it is in the test extra)"
    args = [exe, "--no-cache", *(a for cid in contract_ids for a in ("--contract", cid))]
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(ROOT), "PATH": str(Path(sys.executable).parent)})


def test_import_contracts_are_kept() -> None:
    ids = [c["id"] for c in CONTRACTS]
    assert {"knowledge-lowest", "tools-own-layer", "no-cycles", "channels-translate-only"} <= set(ids)
    out = _lint_imports(*ids)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert f"Contracts: {len(ids)} kept, 0 broken." in out.stdout


def test_a_cycle_breaks_the_contract(tmp_path: Path) -> None:
    """The cycle contract is not vacuous: two sibling modules importing each other fail it."""
    pkg = tmp_path / "cyclic"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from cyclic import b\n")
    (pkg / "b.py").write_text("from cyclic import a\n")
    (tmp_path / ".importlinter").write_text(
        "[importlinter]\nroot_package = cyclic\n\n[importlinter:contract:c]\nname = c\n"
        "type = acyclic_siblings\nancestors = cyclic\n"
    )
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe
    out = subprocess.run([exe, "--no-cache"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(tmp_path), "PATH": str(Path(sys.executable).parent)})
    assert out.returncode == 1 and "0 kept, 1 broken" in out.stdout


def test_tools_and_knowledge_do_not_import_fastapi_starlette_or_telegram() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import knowledge, tools\n"
        "for pkg in (knowledge, tools):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if not m.name.startswith('tools.service'):\n"
        "            importlib.import_module(m.name)\n"
        "from tools.registry import ALL_GRANTS, ToolRegistry\n"
        "from tools.client import CreditServiceClient\n"
        "ToolRegistry(CreditServiceClient('http://127.0.0.1:9')).structured_tools(ALL_GRANTS)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('fastapi', 'starlette', 'telegram', 'bot'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
