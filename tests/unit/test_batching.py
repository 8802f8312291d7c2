"""The micro-batcher: concurrent encodes share a call, the queue is bounded, a deadline holds."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from knowledge.batching import EncoderBusy, MicroBatcher


class BlockingEncoder:
    """Rows derived from each text; the first call blocks until ``release`` is set."""

    def __init__(self, block_first: bool = False) -> None:
        self.calls: list[list[str]] = []
        self.entered = threading.Event()
        self.release = threading.Event()
        if not block_first:
            self.release.set()

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        self.entered.set()
        assert self.release.wait(10)
        return np.array([[float(len(t)), float(ord(t[0]))] for t in texts], dtype=np.float32)


def _wait_queued(batcher: MicroBatcher, count: int) -> None:
    deadline = time.monotonic() + 10
    while batcher._queue.qsize() < count:  # noqa: SLF001 - the queue is what is being observed
        assert time.monotonic() < deadline, "requests never reached the queue"
        threading.Event().wait(0.001)


def test_concurrent_submits_share_one_encode_call() -> None:
    encoder = BlockingEncoder()
    batcher = MicroBatcher(encoder, max_batch=4, max_wait_s=30.0)  # the batch closes when full, not by time
    texts = ["甲方", "乙方付款", "丙", "丁方的账期"]
    with ThreadPoolExecutor(4) as pool:
        rows = list(pool.map(batcher.submit, texts))
    assert len(encoder.calls) == 1 and sorted(encoder.calls[0]) == sorted(texts)
    for text, row in zip(texts, rows, strict=True):
        assert row.tolist() == [float(len(text)), float(ord(text[0]))]
    assert batcher.stats.calls == 1 and batcher.stats.largest == 4


def test_queries_arriving_during_an_encode_form_the_next_batch() -> None:
    encoder = BlockingEncoder(block_first=True)
    batcher = MicroBatcher(encoder, max_batch=16, max_wait_s=0.0)
    with ThreadPoolExecutor(6) as pool:
        first = pool.submit(batcher.submit, "首个问题")
        assert encoder.entered.wait(10)
        rest = [pool.submit(batcher.submit, f"问题{i}") for i in range(5)]
        _wait_queued(batcher, 5)
        encoder.release.set()
        assert first.result(10).shape == (2,)
        assert all(f.result(10).shape == (2,) for f in rest)
    assert [len(c) for c in encoder.calls] == [1, 5]


def test_full_queue_refuses_at_once() -> None:
    encoder = BlockingEncoder(block_first=True)
    batcher = MicroBatcher(encoder, max_batch=1, max_queue=1)
    with ThreadPoolExecutor(2) as pool:
        running = pool.submit(batcher.submit, "正在编码")
        assert encoder.entered.wait(10)
        queued = pool.submit(batcher.submit, "排队中")
        _wait_queued(batcher, 1)
        with pytest.raises(EncoderBusy, match="queue is full"):
            batcher.submit("被拒绝")
        encoder.release.set()
        assert running.result(10).shape == queued.result(10).shape == (2,)


def test_deadline_passes_while_the_encoder_is_stuck() -> None:
    encoder = BlockingEncoder(block_first=True)
    batcher = MicroBatcher(encoder, timeout_s=0.05)
    with pytest.raises(EncoderBusy, match="did not answer"):
        batcher.submit("卡住了")
    encoder.release.set()


def test_a_failing_encode_reaches_every_waiter_and_the_worker_lives_on() -> None:
    calls: list[int] = []

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        if len(calls) == 1:
            raise RuntimeError("模型出错")
        return np.ones((len(texts), 3), dtype=np.float32)

    batcher = MicroBatcher(encode)
    with pytest.raises(RuntimeError, match="模型出错"):
        batcher.submit("第一次")
    assert batcher.submit("第二次").tolist() == [1.0, 1.0, 1.0]


def test_the_idle_task_runs_once_after_work_not_during_a_burst() -> None:
    idle = threading.Event()
    runs: list[int] = []

    def on_idle() -> None:
        runs.append(batcher.stats.calls)
        idle.set()

    batcher = MicroBatcher(BlockingEncoder(), max_wait_s=0.0, on_idle=on_idle, idle_s=0.05)
    batcher.submit("第一句")
    batcher.submit("第二句")
    assert idle.wait(10)
    assert runs[0] >= 1  # only after a batch ran
    idle.clear()
    assert not idle.wait(0.3)  # no work since: it does not run again
    batcher.submit("第三句")
    assert idle.wait(10) and len(runs) == 2
