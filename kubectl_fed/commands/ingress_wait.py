"""Wait for GLBC to give the leader member's ingresses an address and a static-ip name.

A spinner with the elapsed time is shown on stderr, only when stderr is a terminal.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from kubectl_fed.core.ingress_rollout import ready_static_ip
from kubectl_fed.core.kinds import INGRESS
from kubectl_fed.core.ports import ClusterBackend
from kubectl_fed.core.results import ClusterCallError

POLL_SECONDS = 0.5
Key = tuple[str, str]
Progress = Callable[[str], None]


def wait_for_static_ips(
    backend: ClusterBackend,
    keys: Sequence[Key],
    timeout: float,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[Key, str | None]:
    """Each ingress's static-ip name, or None for those still without one at `timeout`."""
    found: dict[Key, str | None] = dict.fromkeys(keys)
    start = time.monotonic()
    with _spinner(backend.name) as show:
        while True:
            for key in [key for key, name in found.items() if name is None]:
                found[key] = _static_ip(backend, key)
            elapsed = time.monotonic() - start
            if all(found.values()) or elapsed >= timeout:
                return found
            show(f"{elapsed:.0f}s")
            sleep(min(POLL_SECONDS, max(timeout - elapsed, 0.0)))


def _static_ip(backend: ClusterBackend, key: Key) -> str | None:
    try:
        return ready_static_ip(backend.get(INGRESS.plural, key[0], key[1]))
    except ClusterCallError:
        return None  # not there yet, or a passing failure: the deadline decides


@contextmanager
def _spinner(cluster: str) -> Iterator[Progress]:
    if not sys.stderr.isatty():
        yield lambda elapsed: None
        return
    from rich.console import Console

    text = f"waiting for the ingress address in {cluster}"
    with Console(stderr=True).status(text) as status:
        yield lambda elapsed: status.update(f"{text} ({elapsed})")
