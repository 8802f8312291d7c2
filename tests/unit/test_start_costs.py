"""What a chat server's start no longer pays: a connection pool nobody used, pypinyin's tables, a corpus cut thrice."""

from __future__ import annotations

import subprocess
import sys

import httpx

from knowledge.lexicon import LEXICON, lexicon
from knowledge.terms import segment
from knowledge.typos import TypoCorrector, corpus_keywords, corpus_words
from tools.client import CreditServiceClient


def test_the_connection_pool_is_made_on_the_first_request_only() -> None:
    calls: list[str] = []
    transport = httpx.MockTransport(lambda request: calls.append(request.url.path) or httpx.Response(200, json=[]))
    client = CreditServiceClient("http://127.0.0.1:9", transport=transport)
    assert client._client is None
    client.close()  # closing a client that never asked anything is fine
    assert client.search_buyers("某某贸易") == []
    assert client._client is not None and calls == ["/buyers/search"]
    client.close()


def test_importing_the_name_checks_leaves_pypinyin_unloaded() -> None:
    code = "import sys, tools.names as n; print('pypinyin' in sys.modules); n.sounds('宏达'); print('pypinyin' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]


def test_the_lexicon_parses_as_the_pure_python_loader_does() -> None:
    import yaml

    assert lexicon() == yaml.safe_load(LEXICON.read_text(encoding="utf-8"))


def test_a_corpus_is_cut_once_and_read_alike_by_every_reader() -> None:
    texts = ("赊销管理\n企业给客户的赊销期限要与自身现金流匹配。", "保理融资\n保理商买下应收账款，企业提前拿到资金。")
    assert corpus_words(texts) is corpus_words(tuple(texts))
    assert corpus_words(texts) == tuple(tuple(segment(t)) for t in texts)
    assert TypoCorrector(texts).words == {w for t in texts for w in segment(t) if 2 <= len(w) <= 4 and w.isalpha()
                                         and all("\u4e00" <= c <= "\u9fff" for c in w)}
    assert corpus_keywords(texts) == corpus_keywords(list(texts))
    joined = {w for t in texts for w in segment(t.replace("\n", "。", 1))}
    assert joined == {w for words in corpus_words(texts) for w in words} | {"。"}
