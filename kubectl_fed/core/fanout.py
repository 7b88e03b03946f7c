"""The one function that owns concurrency: run an operation on every member in parallel.

It returns one result per cluster, in member order, success or error; it never raises
half-way and never lets one slow cluster hold the others beyond its time bound.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from kubectl_fed.core.results import ClusterCallError, ClusterError, ClusterResult, Reason

T = TypeVar("T")


def _run_one(operation: Callable[[str], T], cluster: str) -> ClusterResult[T]:
    try:
        return ClusterResult(cluster, value=operation(cluster))
    except ClusterCallError as err:
        return ClusterResult(cluster, error=ClusterError(err.reason, err.message))
    except Exception as err:  # a bug or an unclassified failure must not stop the others
        message = f"{type(err).__name__}: {err}"
        return ClusterResult(cluster, error=ClusterError(Reason.INTERNAL, message))


def fan_out(
    clusters: Sequence[str],
    operation: Callable[[str], T],
    *,
    workers: int,
    deadline: float | None = None,
) -> list[ClusterResult[T]]:
    """Run `operation(cluster)` for every cluster with at most `workers` threads.

    `deadline` (seconds for the whole fan-out) is a safety net above the per-request
    timeouts the backend already applies: a cluster still running when it passes is
    reported as Timeout and its thread is abandoned (daemon), not waited for.
    """
    if not clusters:
        return []
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="fanout")
    try:
        futures = [pool.submit(_run_one, operation, cluster) for cluster in clusters]
        return _collect(clusters, futures, deadline)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _collect(
    clusters: Sequence[str], futures: list[Future[ClusterResult[T]]], deadline: float | None
) -> list[ClusterResult[T]]:
    end = None if deadline is None else time.monotonic() + deadline
    results: list[ClusterResult[T]] = []
    for cluster, future in zip(clusters, futures, strict=True):
        remaining = None if end is None else max(0.0, end - time.monotonic())
        try:
            results.append(future.result(timeout=remaining))
        except TimeoutError:
            future.cancel()
            message = f"no answer within {deadline:g}s"
            results.append(ClusterResult(cluster, error=ClusterError(Reason.TIMEOUT, message)))
    return results

