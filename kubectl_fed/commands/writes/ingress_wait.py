"""Wait for GLBC to give the leader member's ingresses an address and a static-ip name.

The wait ends early, for one ingress, when the leader's GLBC records a Warning event
about its copy (`Translate`, `Sync`: a missing Service, an address in use): waiting on
would only reach the deadline. A spinner with the elapsed time is shown on stderr, only
when stderr is a terminal.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from kubectl_fed.core.ingress.rollout import (
    last_glbc_event,
    last_glbc_warning,
    ready_static_ip,
    warning_text,
)
from kubectl_fed.core.kinds import INGRESS
from kubectl_fed.core.members.protocols import ClusterBackend
from kubectl_fed.core.members.results import ClusterCallError
from kubectl_fed.core.model.objects import Key, metadata_of, name_of

POLL_SECONDS = 0.5
# A warning GLBC recorded before the wait began ends it only after this long without an
# address: the cause may just have been fixed (the Service created), and GLBC's next sync
# then gives the address.
OLD_WARNING_GRACE = 10.0
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Address:
    """How one ingress's wait ended: the static-ip name, or GLBC's warning, or neither
    (the deadline)."""

    static_ip: str | None = None
    warning: str | None = None


def wait_for_addresses(
    backend: ClusterBackend,
    keys: Sequence[Key],
    timeout: float,
    *,
    fresh: Collection[Key] = (),
    sleep: Callable[[float], None] = time.sleep,
) -> dict[Key, Address]:
    """Each ingress's outcome. `fresh`: copies this run created, whose every warning
    counts; for the others only warnings recorded (or repeated) after the wait began."""
    found: dict[Key, Address] = dict.fromkeys(keys, Address())
    warnings = _Warnings(backend, [key for key in keys if key not in fresh])
    start = time.monotonic()
    with _spinner(backend.name) as show:
        while True:
            old_too = time.monotonic() - start >= min(OLD_WARNING_GRACE, timeout / 2)
            for key in [key for key, address in found.items() if _open(address)]:
                found[key] = _poll(backend, key, warnings, old_too)
            elapsed = time.monotonic() - start
            if not any(_open(address) for address in found.values()) or elapsed >= timeout:
                return found
            show(f"{elapsed:.0f}s")
            sleep(min(POLL_SECONDS, max(timeout - elapsed, 0.0)))


def _open(address: Address) -> bool:
    return address.static_ip is None and address.warning is None


def _poll(backend: ClusterBackend, key: Key, warnings: _Warnings, old_too: bool) -> Address:
    try:
        ingress = backend.get(INGRESS.plural, key[0], key[1])
    except ClusterCallError:
        return Address()  # not there yet, or a passing failure: the deadline decides
    static_ip = ready_static_ip(ingress)
    if static_ip:
        return Address(static_ip)
    uid = str(metadata_of(ingress).get("uid") or "")
    return Address(warning=warnings.warning(key[0], uid, old_too=old_too))


class _Warnings:
    """GLBC's Warning events about one copy (by uid), minus those seen before the wait."""

    def __init__(self, backend: ClusterBackend, known: Sequence[Key]) -> None:
        self._backend = backend
        self._seen: set[tuple[str, int]] = set()
        for namespace in {key[0] for key in known}:
            self._seen |= {_identity(event) for event in _events(backend, namespace)}

    def warning(self, namespace: str, uid: str, *, old_too: bool = False) -> str | None:
        event = last_glbc_event(_events(self._backend, namespace), uid)
        if event is not None and _identity(event) in self._seen and not old_too:
            return None
        return warning_text(event)


def last_warning(backend: ClusterBackend, namespace: str, uid: str) -> str | None:
    return last_glbc_warning(_events(backend, namespace), uid)


def _events(backend: ClusterBackend, namespace: str) -> list[dict[str, Any]]:
    try:
        return backend.list("events", namespace)
    except ClusterCallError:
        return []  # no events to read: the deadline decides


def _identity(event: Mapping[str, Any]) -> tuple[str, int]:
    count = event.get("count")
    name = name_of(event)
    return (name, count if isinstance(count, int) else 1)


@contextmanager
def _spinner(cluster: str) -> Iterator[Progress]:
    if not sys.stderr.isatty():
        yield lambda elapsed: None
        return
    from rich.console import Console

    text = f"waiting for the ingress address in {cluster}"
    with Console(stderr=True).status(text) as status:
        yield lambda elapsed: status.update(f"{text} ({elapsed})")
