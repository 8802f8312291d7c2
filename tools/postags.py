"""Part-of-speech flags of a text's words as ``jieba.posseg.lcut`` gives them, without loading its tagger.

``import jieba.posseg`` builds a second word table beside the segmenting one (``jieba.dt``), every dictionary
word with its flag: ~45 MB resident for as long as the process lives, and a second to load. The buyer-name
checks need a flag for a handful of words a message. :func:`tag` cuts the text as the tagger does (HMM on):
the same blocks, ``jieba.dt``'s dictionary route, the tagger's own HMM for a run of single characters no
dictionary word covers. A dictionary word's flag is read from jieba's dictionary file when first asked (its
last line there, as the tagger's table keeps), and the HMM's tables (~7 MB) load only once such a run comes,
from the tagger's own files. Same words, same flags: ``tests/unit/test_postags.py`` checks it against
``jieba.posseg``.
"""

from __future__ import annotations

import importlib.util
import logging
import mmap
import re
import threading
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import jieba

jieba.setLogLevel(logging.WARNING)  # its dictionary loading is not news

# The tagger's patterns (jieba/posseg/__init__.py): blocks it segments, the blanks between them, the parts of a
# run the HMM reads (Chinese characters) and what it leaves to a number or Latin flag.
_BLOCK = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._]+)")
_BLANK = re.compile(r"(\r\n|\s)")
_HAN_RUN = re.compile("([\u4e00-\u9fd5]+)")
_NOT_HAN = re.compile(r"([\.0-9]+|[a-zA-Z0-9]+)")
_NUMBER = re.compile(r"[\.0-9]+")
_LATIN = re.compile(r"[a-zA-Z0-9]+")

_LEAD = 3  # bytes of a line's start that key the dictionary file's index: one Chinese character in UTF-8
_hmm_lock = threading.Lock()


def tag(text: str) -> list[tuple[str, str]]:
    """``text`` as (word, flag) pairs, blanks included, the same as ``jieba.posseg.lcut(text)``."""
    words: list[tuple[str, str]] = []
    for block in _BLOCK.split(text):
        if _BLOCK.match(block):
            words += _dictionary_cut(block)
            continue
        for part in _BLANK.split(block):
            if _BLANK.match(part):
                words.append((part, "x"))
                continue
            for char in part:  # the tagger tests the whole part for Latin, as here; neither can match outside a block
                words.append((char, "m" if _NUMBER.match(char) else "eng" if _LATIN.match(part) else "x"))
    return words


def _dictionary_cut(block: str) -> Iterator[tuple[str, str]]:
    """A block along jieba's dictionary route; runs of single characters go together to :func:`_loose_run`."""
    route: dict[int, tuple[float, int]] = {}
    jieba.dt.calc(block, jieba.dt.get_DAG(block), route)
    at, loose = 0, ""
    while at < len(block):
        word = block[at : route[at][1] + 1]
        at += len(word)
        if len(word) == 1:
            loose += word
            continue
        yield from _loose_run(loose)
        loose = ""
        yield word, flag(word)
    yield from _loose_run(loose)


def _loose_run(run: str) -> Iterator[tuple[str, str]]:
    """Single characters in a row: one character, a dictionary word (split in characters, as the tagger does)
    or an unknown run, which the tagger's HMM cuts and tags."""
    if len(run) == 1 or (run and jieba.dt.FREQ.get(run)):
        yield from ((char, flag(char)) for char in run)
    elif run:
        yield from _guessed(run)


def _guessed(run: str) -> Iterator[tuple[str, str]]:
    """An unknown run: its Chinese parts by the HMM, numbers "m", Latin "eng", anything else "x"."""
    for part in _HAN_RUN.split(run):
        if _HAN_RUN.match(part):
            yield from _viterbi_words(part)
            continue
        for piece in filter(None, _NOT_HAN.split(part)):
            yield piece, "m" if _NUMBER.match(piece) else "eng" if _LATIN.match(piece) else "x"


def _viterbi_words(chars: str) -> Iterator[tuple[str, str]]:
    """Words of a Chinese run by the HMM's best path of (position, flag) states: B(egin) … E(nd), S(ingle)."""
    viterbi, *tables = _hmm()
    _, states = viterbi(chars, *tables)
    begin = after = 0
    for i, (position, word_flag) in enumerate(states):
        if position == "B":
            begin = i
        elif position in ("E", "S"):
            yield chars[begin if position == "E" else i : i + 1], word_flag
            after = i + 1
    if after < len(chars):  # the path ended inside a word
        yield chars[after:], states[after][1]


def _hmm() -> tuple[Callable[..., Any], Any, Any, Any, Any]:
    """The tagger's viterbi and its tables (character states, start, transition, emission)."""
    with _hmm_lock:
        return _hmm_files()


@lru_cache(maxsize=1)
def _hmm_files() -> tuple[Callable[..., Any], Any, Any, Any, Any]:
    # Read from jieba/posseg/ by path: importing the package would build the word table this module avoids.
    folder = Path(jieba.__file__).parent / "posseg"

    def load(name: str) -> Any:
        spec = importlib.util.spec_from_file_location(f"{__name__}._jieba_{name}", folder / f"{name}.py")
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        return module

    tables = (load(name).P for name in ("char_state_tab", "prob_start", "prob_trans", "prob_emit"))
    return (load("viterbi").viterbi, *tables)


def flag(word: str) -> str:
    """The tagger's flag of a word: a tag given with ``jieba.add_word``, else its dictionary line's, else "x"."""
    return jieba.dt.user_word_tag_tab.get(word) or _dictionary_flag(word)


@lru_cache(maxsize=8192)
def _dictionary_flag(word: str) -> str:
    # The file is mapped for one search and let go: its pages do not stay counted against the process.
    key = word.encode("utf-8") + b" "
    with jieba.dt.get_dict_file() as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        for lo, hi in _stretches(key[:_LEAD].ljust(_LEAD, b"\0")):
            at = data.rfind(b"\n" + key, max(lo - 1, 0), hi) + 1 or (0 if lo == 0 and data[: len(key)] == key else -1)
            if at >= 0:
                end = data.find(b"\n", at)
                return data[at : end if end >= 0 else len(data)].decode("utf-8").strip().split(" ")[2]
    return "x"


def _stretches(lead: bytes) -> list[tuple[int, int]]:
    """The stretches of the dictionary file that hold the lines starting with ``lead``, the last one first."""
    leads, starts, ends = _line_index()
    value = int.from_bytes(lead, "big")
    first, after = int(leads.searchsorted(value, "left")), int(leads.searchsorted(value, "right"))
    return [(int(starts[i]), int(ends[i])) for i in range(after - 1, first - 1, -1)]


@lru_cache(maxsize=1)
def _line_index() -> tuple[Any, Any, Any]:
    """Stretches of consecutive lines of jieba's dictionary file with the same first :data:`_LEAD` bytes (a
    Chinese character; a shorter word, its space and zeros): their lead, start and end, by lead and place.

    The file is sorted by word but for a few dozen lines, so a character's lines are one stretch, a few at
    most; a word's line is searched there (~0.1 ms a word with the mapping, against 2-6 ms for the whole
    5 MB). Every line is in some stretch, so the search finds the line the whole file's would (the last).
    ~0.3 MB of arrays."""
    import numpy as np

    with jieba.dt.get_dict_file() as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        raw = np.frombuffer(data, dtype=np.uint8)
        breaks = np.flatnonzero(raw == ord("\n")) + 1
        starts, ends = np.r_[0, breaks], np.r_[breaks, len(raw)]
        starts, ends = starts[starts < len(raw)], ends[starts < len(raw)]
        leads, ended = np.zeros(len(starts), dtype=np.int64), np.zeros(len(starts), dtype=bool)
        for k in range(_LEAD):  # bytes after the word's space count as 0, as a short word's key is padded
            byte = np.where(ended, 0, raw[np.minimum(starts + k, len(raw) - 1)])
            leads, ended = leads << 8 | byte, ended | (byte == ord(" "))
        del raw  # the mapping closes only once no array looks into it
    order = np.lexsort((starts, leads))
    leads, starts, ends = leads[order], starts[order], ends[order]
    new = np.r_[True, (leads[1:] != leads[:-1]) | (starts[1:] != ends[:-1])]  # another lead, or a gap in the file
    return leads[new], starts[new], np.maximum.reduceat(ends, np.flatnonzero(new))
