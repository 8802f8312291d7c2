"""The pure-Python Unigram tokenizer gives the ids of ``tokenizers`` on the whole corpus and the odd cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from tokenizers import Tokenizer

from knowledge.embedding import load_onnx

pytestmark = pytest.mark.integration

ARTICLES = Path(__file__).resolve().parents[2] / "knowledge" / "articles"
ODD = [
    "hello world", "  多个   空格  ", "emoji 😀😀 测试", "ＤＳＯ是多少？", "<s>奇怪</s>", "<pad> x", "a <s> </s>",
    "<unk><unk>", "\ufeffBOM开头", "理賠要多久", "a\u3000b", "𠀀𠀁 生僻字", "tab\tand\nnewline", "▁已有的▁符号", "",
]


def test_ids_match_the_rust_tokenizer() -> None:
    ours = load_onnx().tokenizer
    rust = Tokenizer.from_file(str(ours.path))
    rust.enable_truncation(ours.max_tokens)
    texts = list(ODD)
    for path in sorted(ARTICLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        texts.append(text)  # long: truncated at 512 ids
        texts.extend(line for line in text.splitlines() if line.strip())
    for prefix in ("query: ", "passage: "):
        mismatched = [t[:40] for t in texts if ours.encode(prefix + t) != rust.encode(prefix + t).ids]
        assert not mismatched, mismatched
