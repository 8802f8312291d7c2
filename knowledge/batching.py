"""Micro-batching: concurrent single-text encodes that arrive within a few milliseconds share one call.

A transformer encodes 16 short queries in little more than the time of 2-3 single ones, so under load a
server that encodes each request on its own spends most of its CPU on per-call overhead. The
:class:`MicroBatcher` owns one worker thread: callers :meth:`~MicroBatcher.submit` a text and wait; the
worker takes the first waiting text, everything queued behind it, and whatever else arrives within
``max_wait_s``, up to ``max_batch``, and encodes them in one call. While one batch runs the next one
fills, so under load batches grow by themselves and at rest a lone query waits at most ``max_wait_s``.

The queue is bounded (:class:`EncoderBusy` when full: shed load rather than queue for ever) and each
request has a deadline (:class:`EncoderBusy` when it passes; a request whose deadline passed in the queue
is not encoded at all). Once the worker has waited ``idle_s`` for work after a batch, it runs ``on_idle`` (the
encoder hands its freed buffers back to the system then, never in the middle of a burst).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

import numpy as np

from knowledge.errors import ModelError

logger = logging.getLogger(__name__)


class EncoderBusy(ModelError):
    """The encoder's queue is full, or a query waited past its deadline."""


@dataclass
class _Request:
    text: str
    deadline: float
    future: Future[np.ndarray] = field(default_factory=Future)


@dataclass
class BatchStats:
    """What the batcher did (for benches and tests): calls made and texts encoded."""

    calls: int = 0
    texts: int = 0
    largest: int = 0


class MicroBatcher:
    """Groups concurrent ``submit(text)`` calls into ``encode(list_of_texts)`` calls on one thread.

    Args:
        encode: Encodes a list of texts into one row per text.
        max_batch: The most texts per call.
        max_wait_s: How long the worker waits for company after the first text of a batch.
        max_queue: Texts that may wait; beyond that :meth:`submit` raises :class:`EncoderBusy`.
        timeout_s: A request's deadline, from its submission.
        on_idle: Run once on the worker after ``idle_s`` without a request, when a batch ran since.
    """

    def __init__(
        self,
        encode: Callable[[list[str]], np.ndarray],
        *,
        max_batch: int = 16,
        max_wait_s: float = 0.002,
        max_queue: int = 256,
        timeout_s: float = 10.0,
        on_idle: Callable[[], None] | None = None,
        idle_s: float = 1.0,
    ) -> None:
        self._encode = encode
        self.on_idle = on_idle
        self.idle_s = idle_s
        self._busy_since_idle = False
        self.max_batch = max_batch
        self.max_wait_s = max_wait_s
        self.timeout_s = timeout_s
        self.stats = BatchStats()
        self._queue: queue.Queue[_Request] = queue.Queue(maxsize=max_queue)
        self._start_lock = threading.Lock()
        self._worker: threading.Thread | None = None

    def submit(self, text: str) -> np.ndarray:
        """The row for ``text``, encoded in a batch with whatever arrives alongside.

        Raises:
            EncoderBusy: the queue is full or the deadline passed.
            ModelError: (or any error of ``encode``) the batch failed.
        """
        self._ensure_worker()
        request = _Request(text, time.monotonic() + self.timeout_s)
        try:
            self._queue.put_nowait(request)
        except queue.Full:
            raise EncoderBusy(f"the encoder queue is full ({self._queue.maxsize} waiting); try again") from None
        try:
            return request.future.result(timeout=self.timeout_s)
        except FutureTimeout:
            request.future.cancel()
            raise EncoderBusy(f"the encoder did not answer within {self.timeout_s:.1f} s") from None

    def _ensure_worker(self) -> None:
        if self._worker is not None and self._worker.is_alive():
            return
        with self._start_lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="creditbot-encoder", daemon=True)
                self._worker.start()

    def _collect(self) -> list[_Request]:
        """The next batch: one blocking take, the rest of the queue, then company for ``max_wait_s``."""
        batch = [self._first()]
        until = time.monotonic() + self.max_wait_s
        while len(batch) < self.max_batch:
            try:
                batch.append(self._queue.get_nowait())
                continue
            except queue.Empty:
                pass
            left = until - time.monotonic()
            if left <= 0:
                break
            try:
                batch.append(self._queue.get(timeout=left))
            except queue.Empty:
                break
        now = time.monotonic()
        return [r for r in batch if r.deadline > now and r.future.set_running_or_notify_cancel()]

    def _first(self) -> _Request:
        """The first request of a batch; ``on_idle`` runs when none came for ``idle_s`` after some work."""
        while True:
            if self.on_idle is None or not self._busy_since_idle:
                return self._queue.get()
            try:
                return self._queue.get(timeout=self.idle_s)
            except queue.Empty:
                self._busy_since_idle = False
                try:
                    self.on_idle()
                except Exception:  # noqa: BLE001 - housekeeping must not stop the worker
                    logger.warning("the encoder's idle task failed", exc_info=True)

    def _run(self) -> None:
        while True:
            batch = self._collect()
            if not batch:
                continue
            try:
                rows = self._encode([r.text for r in batch])
            except Exception as e:  # noqa: BLE001 - every waiter gets the failure, the worker lives on
                logger.warning("a batch of %d encodes failed", len(batch), exc_info=True)
                for r in batch:
                    r.future.set_exception(e)
                continue
            self._busy_since_idle = True
            self.stats.calls += 1
            self.stats.texts += len(batch)
            self.stats.largest = max(self.stats.largest, len(batch))
            for r, row in zip(batch, rows, strict=True):
                r.future.set_result(np.asarray(row, dtype=np.float32))
