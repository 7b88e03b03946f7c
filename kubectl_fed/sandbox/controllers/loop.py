"""One worker thread per cluster that runs level-triggered reconcilers.

Store events only poke the loop (subscribers must not write to the store); the loop
then runs every interested reconciler against the store's current state. A periodic
resync and per-reconciler wake-up times cover timers such as the pod readiness delay.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from kubectl_fed.sandbox.apiserver.errors import ApiError
from kubectl_fed.sandbox.apiserver.store import Store, WatchEvent

log = logging.getLogger(__name__)
COALESCE_SECONDS = 0.01


class Reconciler(Protocol):
    resources: frozenset[str]  # store resources whose changes call for a reconcile

    def reconcile(self) -> float | None:
        """Bring the cluster to its desired state; return seconds until a timer is due."""
        ...


class ControllerLoop:
    def __init__(
        self, name: str, store: Store, reconcilers: Sequence[Reconciler], resync: float
    ) -> None:
        self._store = store
        self._reconcilers = list(reconcilers)
        self._resync = resync
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._idle = threading.Condition()
        self._passes = 0
        self._in_pass = False
        self._last_quiet_pass = -1
        self._unsubscribe: Callable[[], None] | None = None
        self._watched = frozenset().union(*(r.resources for r in reconcilers))
        self._thread = threading.Thread(target=self._run, name=f"controllers-{name}", daemon=True)

    def start(self) -> None:
        self._unsubscribe = self._store.subscribe(self._on_event)
        self._thread.start()

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join()

    def poke(self) -> None:
        self._wake.set()

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait for a pass, begun after this call, that changed nothing: the controllers
        have then acted on everything written so far. Timers (readiness) are not awaited."""
        with self._idle:
            # a pass running now may predate the call; an idle loop's next pass will not
            first = self._passes + (2 if self._in_pass else 1)
            self.poke()
            return self._idle.wait_for(lambda: self._last_quiet_pass >= first, timeout)

    def _on_event(self, event: WatchEvent) -> None:
        if event.resource in self._watched:
            self._wake.set()

    def _run(self) -> None:
        while not self._stopping.is_set():
            with self._idle:
                self._in_pass = True
            started = time.monotonic()
            self._wake.clear()
            version = self._store.resource_version
            due = self._pass()
            took = time.monotonic() - started
            with self._idle:
                self._in_pass = False
                self._passes += 1
                if self._store.resource_version == version:
                    self._last_quiet_pass = self._passes
                self._idle.notify_all()
            wait = self._resync if due is None else max(0.0, min(due, self._resync))
            if self._wake.wait(wait) and not self._stopping.is_set():
                # a burst of writes (a bulk create) wakes the loop once per write. Passes at
                # most every COALESCE_SECONDS, and idle at least as long as the last pass
                # took, take in all that arrived meanwhile: else n writes would cost n passes
                # over n objects. After a quiet spell it reacts at once.
                earliest = started + max(COALESCE_SECONDS, 2 * took)
                self._stopping.wait(max(0.0, earliest - time.monotonic()))

    def _pass(self) -> float | None:
        due: float | None = None
        for reconciler in self._reconcilers:
            if self._stopping.is_set():
                return None
            started = time.monotonic()
            try:
                next_due = reconciler.reconcile()
            except ApiError:  # a race with another writer: the next pass sees the new state
                continue
            except Exception:  # one bad object must not stop the cluster's controllers
                log.exception("%s failed", type(reconciler).__name__)
                continue
            if next_due is not None:
                remaining = next_due - (time.monotonic() - started)
                due = remaining if due is None else min(due, remaining)
        return due
