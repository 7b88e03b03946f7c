"""Waiting for the simulated controllers, or for a run to reach a point: poll a condition."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

POLL_SECONDS = 0.05
# A generous bound for the simulated controllers on a loaded machine; never a timing claim.
SETTLE_SECONDS = 60.0


def poll(
    probe: Callable[[], T | None],
    timeout: float = SETTLE_SECONDS,
    interval: float = POLL_SECONDS,
) -> T | None:
    """Call `probe` every `interval` seconds until it returns something truthy, and return
    that; None once `timeout` seconds have passed without."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            return None
        time.sleep(interval)


def eventually(
    probe: Callable[[], T | None],
    timeout: float = SETTLE_SECONDS,
    interval: float = POLL_SECONDS,
) -> T:
    """`poll`, failing the test (AssertionError) when `timeout` passes first."""
    found = poll(probe, timeout, interval)
    if found is None:
        raise AssertionError(f"condition not met within {timeout}s: {probe.__doc__ or probe}")
    return found
