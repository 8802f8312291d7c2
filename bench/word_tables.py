"""Resident memory of jieba's word tables: the search terms' segmenter, then the buyer-name checks.

Usage: ``.venv/bin/python bench/word_tables.py [--code DIR]`` (``--code`` another checkout, for a
before/after pair on the same machine).

Both sides segment with ``jieba.dt`` (the domain words added to it), so the ~70 MB word table is loaded
once per process; the buyer-name checks add the part-of-speech flags (``tools/postags.py``: a small index
of jieba's dictionary file and, once an unknown run comes, the tagger's HMM tables; before round 10 the
tagger's own word-tag table). Prints the RSS at start and
what each step added (``/proc/self/status``), in one fresh process.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _rss_mb() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    sys.path.insert(0, str(args.code))
    start = _rss_mb()
    from knowledge.terms import segment

    segment("出口货物的买方迟迟不付款")
    terms = _rss_mb()
    from tools.intents import buyers
    from tools.names import may_be_a_name

    may_be_a_name("远洋机电")  # the name checks segment with jieba.dt and tag the words
    message = "查一下远洋机电欠我们的货款"  # `named_buyers` tags the whole message once it names a buyer
    if hasattr(buyers, "_tagger"):  # checkouts before round 10 loaded jieba.posseg (re-keyed) for it
        buyers._tagger().lcut(message)
    else:
        from tools.postags import tag

        tag(message)
        tag("佳禾晟")  # a run of characters jieba does not know: the tagger's HMM tables load
    names = _rss_mb()
    print(f"{args.code}: start {start} MB, search terms +{terms - start} MB, buyer names +{names - terms} MB, total {names} MB")


if __name__ == "__main__":
    main()
