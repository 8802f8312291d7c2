"""Retrieval under casual wording: the same questions told inside a story, run on, in Traditional script, with typos.

Reads clean questions with ``expect_sources`` (by default ``bench/heldout_questions.jsonl`` and the public
set), rewrites each one four ways, then prints hit@1 / hit@3 / MRR@5 per way, searching exactly as the bot does
(``normalize_query`` then ``KnowledgeBase.search``):

  clean    the question as written
  story    a business story of our own (unrelated trades) told before the question
  run-on   story and question with every punctuation mark and space removed (voice input)
  hant     the question in Traditional Chinese (OpenCC s2t)
  typo     one character of a corpus word replaced by a homophone (same toneless pinyin)

Usage: ``.venv/bin/python bench/casual_wording.py --data-dir DIR [--eval FILE.jsonl ...] [--verbose]``
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.index import KnowledgeBase  # noqa: E402
from knowledge.normalize import normalize_query, to_traditional  # noqa: E402
from knowledge.terms import segment  # noqa: E402

STORIES = (
    "我们是做宠物用品外贸的，客户主要在中东，去年订单量翻了一倍，财务那边人手不够，",
    "我家是开纺织厂的 员工两百来人 最近老板让我研究一下这块 我也不太懂 先问问",
    "背景说一下：我们公司卖工业阀门，给几个工程总包供货，合同金额都不小，对方付款一向慢，",
    "我们是一家做冷链物流设备的小公司，今年刚开始做出口，第一次接触这方面的东西，",
)
_PUNCT = re.compile(r"[\s，,、。！？!?；;：:（）()“”\"']")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _homophones() -> dict[str, list[str]]:
    """Toneless pinyin -> common characters with that sound (from jieba's dictionary of single characters)."""
    from pypinyin import lazy_pinyin

    from knowledge.terms import _tokenizer

    by_sound: dict[str, list[str]] = {}
    for word, freq in _tokenizer().FREQ.items():
        if len(word) == 1 and _HAN.fullmatch(word) and freq > 2000:
            by_sound.setdefault(lazy_pinyin(word)[0], []).append(word)
    return by_sound


def with_typo(question: str, corpus_words: set[str], sounds: dict[str, list[str]], rng: random.Random) -> str:
    """``question`` with one character of its first corpus word (two or more characters) swapped for a homophone."""
    from pypinyin import lazy_pinyin

    for word in segment(question):
        if len(word) >= 2 and word in corpus_words and all(_HAN.fullmatch(ch) for ch in word):
            i = rng.randrange(len(word))
            others = [c for c in sounds.get(lazy_pinyin(word[i])[0], []) if c != word[i]]
            if others:
                return question.replace(word, word[:i] + rng.choice(others) + word[i + 1 :], 1)
    return question


def variants(question: str, n: int, corpus_words: set[str], sounds: dict[str, list[str]]) -> dict[str, str]:
    """The five wordings of one question (the n-th: stories and typos rotate deterministically)."""
    story = STORIES[n % len(STORIES)]
    return {
        "clean": question,
        "story": story + question,
        "run-on": _PUNCT.sub("", story + question),
        "hant": to_traditional(question),
        "typo": with_typo(question, corpus_words, sounds, random.Random(n)),
    }


def _rank(kb: KnowledgeBase, text: str, expected: list[str]) -> int | None:
    docs: list[str] = []
    for hit in kb.search(normalize_query(text).text, k=8):
        if hit.chunk.doc_id not in docs:
            docs.append(hit.chunk.doc_id)
    return next((i + 1 for i, d in enumerate(docs[:5]) if any(d.startswith(p) for p in expected)), None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="an ingested data dir")
    parser.add_argument("--eval", type=Path, nargs="*",
                        default=[ROOT / "bench" / "heldout_questions.jsonl", ROOT.parent / "shared" / "eval" / "public.jsonl"])
    parser.add_argument("--verbose", action="store_true", help="print the misses")
    args = parser.parse_args()
    kb = KnowledgeBase(args.data_dir)
    corpus_words = {w for c in kb.chunks() for w in segment(c.text)}
    sounds = _homophones()
    cases = [json.loads(line) for path in args.eval for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    cases = [c for c in cases if c.get("question") and c.get("expect_sources")]
    ranks: dict[str, list[int | None]] = {}
    for n, case in enumerate(cases):
        for way, text in variants(case["question"], n, corpus_words, sounds).items():
            rank = _rank(kb, text, case["expect_sources"])
            ranks.setdefault(way, []).append(rank)
            if args.verbose and rank != 1 and way != "clean":
                print(f"  {way:7} rank={rank} {text}")
    for way, found in ranks.items():
        k = len(found) or 1
        hit1 = sum(r == 1 for r in found) / k
        hit3 = sum(bool(r and r <= 3) for r in found) / k
        mrr = sum(1 / r for r in found if r) / k
        print(f"{way:7} n={len(found):3}  hit@1 {hit1:.3f}  hit@3 {hit3:.3f}  MRR@5 {mrr:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
