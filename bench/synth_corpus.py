"""A synthetic corpus for scale benches: articles recombining and perturbing the real sentences.

Every article takes a title and 6-14 body sentences drawn (seeded) from the bundled articles, replaces
every number with a fresh one (so no two articles state the same figures and retrieval cannot match on
them), and names its own product line (``第N号方案``), so duplicates are near-duplicates, never copies.

    .venv/bin/python bench/synth_corpus.py OUT_DIR --articles 500 [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "knowledge" / "articles"
_SENTENCE_END = re.compile(r"(?<=[。！？!?])")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def real_sentences(folder: Path = ARTICLES) -> list[str]:
    """Every sentence of the bundled articles (at least 8 characters)."""
    sentences: list[str] = []
    for path in sorted(folder.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            sentences.extend(s.strip() for s in _SENTENCE_END.split(line) if len(s.strip()) >= 8)
    return sentences


def _perturb(sentence: str, rng: random.Random) -> str:
    """The sentence with each number replaced by another of similar size."""

    def fresh(match: re.Match[str]) -> str:
        digits = len(match.group().split(".")[0])
        return str(rng.randint(10 ** (digits - 1) if digits > 1 else 1, 10**digits - 1 + 10 * (digits == 1)))

    return _NUMBER.sub(fresh, sentence)


def write_corpus(target: Path, count: int, seed: int = 7) -> list[Path]:
    """Write ``count`` articles as ``syn_NNNNN.txt`` into ``target``; returns their paths."""
    rng = random.Random(seed)
    pool = real_sentences()
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        title = _perturb(rng.choice(pool), rng).rstrip("。！？!?")
        body = [_perturb(s, rng) for s in rng.sample(pool, rng.randint(6, 14))]
        body.insert(rng.randint(0, len(body)), f"本文适用于第{n + 1}号方案，编号{rng.randint(100000, 999999)}。")
        paragraphs = ["".join(body[i : i + 4]) for i in range(0, len(body), 4)]
        path = target / f"syn_{n:05d}.txt"
        path.write_text(f"{title}？\n" + "\n".join(paragraphs) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def main() -> int:
    """Write the corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not 1 <= args.articles <= 100_000:
        parser.error("articles must be 1-100000")
    write_corpus(args.out, args.articles, args.seed)
    print(f"{args.articles} articles in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
