"""The one function that owns concurrency: run an operation on every member in parallel.

It returns one result per cluster, in member order, success or error; it never raises
half-way and never lets one slow cluster hold the others beyond its time bound.

Each cluster runs in its own daemon thread, at most `workers` at a time. Daemon threads
matter: a cluster abandoned at its deadline (or on Ctrl-C) must not keep the process
alive after the command has printed its results, which a ThreadPoolExecutor would do
(it joins its workers at interpreter exit).
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from kubectl_fed.core.members.results import ClusterCallError, ClusterError, ClusterResult, Reason

T = TypeVar("T")

INTERRUPTED_RUNNING = "the call was sent and may still complete: its outcome is unknown"
INTERRUPTED_PENDING = "the call was never sent"


def _run_one(operation: Callable[[str], T], cluster: str) -> ClusterResult[T]:
    try:
        return ClusterResult(cluster, value=operation(cluster))
    except ClusterCallError as err:
        return ClusterResult(cluster, error=ClusterError(err.reason, err.message))
    except Exception as err:  # a bug or an unclassified failure must not stop the others
        message = f"{type(err).__name__}: {err}"
        return ClusterResult(cluster, error=ClusterError(Reason.INTERNAL, message))


@dataclass
class _Run(Generic[T]):
    """Book-keeping of one fan-out, owned by the calling thread."""

    clusters: Sequence[str]
    operation: Callable[[str], T]
    workers: int
    deadline: float | None
    pending: deque[int] = field(default_factory=deque)
    started: dict[int, float] = field(default_factory=dict)
    results: dict[int, ClusterResult[T]] = field(default_factory=dict)
    finished: queue.SimpleQueue[tuple[int, ClusterResult[T]]] = field(
        default_factory=queue.SimpleQueue
    )

    def start_ready(self) -> None:
        while self.pending and len(self.started) < self.workers:
            index = self.pending.popleft()
            self.started[index] = time.monotonic()
            thread = threading.Thread(
                target=self._work, args=(index,), name=f"fanout-{index}", daemon=True
            )
            thread.start()

    def _work(self, index: int) -> None:
        self.finished.put((index, _run_one(self.operation, self.clusters[index])))

    def wait_one(self) -> None:
        """Record the next finished cluster, or time out the overdue ones."""
        try:
            index, result = self.finished.get(timeout=self._time_to_next_deadline())
        except queue.Empty:
            self._expire_overdue()
            return
        if self.started.pop(index, None) is not None:  # else it already timed out
            self.results[index] = result

    def _time_to_next_deadline(self) -> float | None:
        if self.deadline is None:
            return None
        first_start = min(self.started.values())
        return max(0.0, first_start + self.deadline - time.monotonic())

    def _expire_overdue(self) -> None:
        assert self.deadline is not None
        now = time.monotonic()
        for index, start in list(self.started.items()):
            if now - start >= self.deadline:
                del self.started[index]
                message = (
                    f"still running after {self.deadline:g}s, the bound of its calls: "
                    "its outcome is unknown"
                )
                self.results[index] = self._failed(index, Reason.TIMEOUT, message)

    def interrupt(self) -> None:
        for index in self.started:
            self.results[index] = self._failed(index, Reason.INTERRUPTED, INTERRUPTED_RUNNING)
        for index in self.pending:
            self.results[index] = self._failed(index, Reason.INTERRUPTED, INTERRUPTED_PENDING)
        self.started.clear()
        self.pending.clear()

    def _failed(self, index: int, reason: Reason, message: str) -> ClusterResult[T]:
        return ClusterResult(self.clusters[index], error=ClusterError(reason, message))


def fan_out(
    clusters: Sequence[str],
    operation: Callable[[str], T],
    *,
    workers: int,
    deadline: float | None = None,
) -> list[ClusterResult[T]]:
    """Run `operation(cluster)` for every cluster with at most `workers` at a time.

    `deadline` (seconds, counted from the moment a cluster's operation starts) is a
    safety net above the per-request timeouts the backend already applies: a cluster
    still running when it passes is reported as Timeout and its thread is abandoned.
    Ctrl-C stops the waiting: unfinished clusters are reported as Interrupted.
    """
    run: _Run[T] = _Run(clusters, operation, max(1, workers), deadline)
    run.pending.extend(range(len(clusters)))
    try:
        while run.pending or run.started:
            run.start_ready()
            run.wait_one()
    except KeyboardInterrupt:
        run.interrupt()
    return [run.results[index] for index in range(len(clusters))]


class Background(Generic[T]):
    """One call running on a daemon thread while the caller does something else (the GCE
    reads of a command while its member fan-out runs). `result()` waits for it and gives
    its value, or raises what it raised; the call bounds its own time."""

    def __init__(self, call: Callable[[], T]) -> None:
        self._done = threading.Event()
        self._value: T | None = None
        self._error: BaseException | None = None
        threading.Thread(target=self._run, args=(call,), name="background", daemon=True).start()

    def _run(self, call: Callable[[], T]) -> None:
        try:
            self._value = call()
        except BaseException as err:  # handed to whoever waits for the result
            self._error = err
        finally:
            self._done.set()

    def result(self) -> T:
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]
