"""Which answers differ between two ``creditbot eval ... --json`` outputs (a change meant to keep every answer).

    .venv/bin/python bench/answer_diff.py BEFORE.json AFTER.json

Prints each case whose ``answer`` text changed, then each set's passed count before -> after and
"N of M answers differ"; exits 1 when any differs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> int:
    """Compare the two files given on the command line."""
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    before, after = (json.loads(Path(p).read_text(encoding="utf-8")) for p in sys.argv[1:])
    total = differ = 0
    for name, result in before.items():
        cases = {c["id"]: c for c in after.get(name, {}).get("cases", [])}
        for case in result["cases"]:
            total += 1
            other = cases.get(case["id"], {}).get("answer")
            if other != case["answer"]:
                differ += 1
                print(f"{name} {case['id']}: {case['answer'][:80]!r} -> {(other or '')[:80]!r}")
        print(f"{name}: {result['overall']['passed']} -> {after.get(name, {}).get('overall', {}).get('passed')}"
              f" / {result['overall']['total']}")
    print(f"{differ} of {total} answers differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
