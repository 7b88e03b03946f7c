"""`reconcile --watch`: a converge pass every interval, one reconciler at a time.

Each pass logs one line per change and one heartbeat line. Replicas move off a member
only after it has failed for --failover-after and back after it has answered for
--failback-after (core/converge/availability.py). With a Lease (coordination.k8s.io/v1) in one
member, only the holder writes; the others wait and say who holds it. A pass that fails
in any way is logged and the loop goes on. SIGTERM ends the loop cleanly (exit 0, the
Lease released), SIGINT too (exit 130).
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Protocol

import click

from kubectl_fed.app import App
from kubectl_fed.commands.writes.converge import PassReport, Scope, converge_pass
from kubectl_fed.core.converge.availability import Availability
from kubectl_fed.core.converge.plan import ConvergeOptions
from kubectl_fed.core.doctor.facts import Facts
from kubectl_fed.core.escaping import escaped
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.render.cluster_errors import error_line
from kubectl_fed.render.reconcile import summary


@dataclass(frozen=True)
class WatchTiming:
    interval: float
    failover_after: float
    failback_after: float


class Leadership(Protocol):
    """Who may write. `acquire` is called every `period` seconds at most (renewing);
    True: this process leads until the next call."""

    period: float

    def acquire(self) -> tuple[bool, str]:
        """(leading, a line to log when it changes)."""
        ...

    def release(self) -> None: ...


class AlwaysLeader:
    period = float("inf")

    def acquire(self) -> tuple[bool, str]:
        return True, "no lease: this process reconciles alone"

    def release(self) -> None:
        return None


def watch_loop(
    app: App,
    scope: Scope,
    options: ConvergeOptions,
    timing: WatchTiming,
    leadership: Leadership | None = None,
    heartbeat: Path | None = None,
) -> ExitStatus:
    """Renew (or wait for) the lease every `leadership.period`, pass every interval."""
    leadership = leadership or AlwaysLeader()
    loop = _Loop(app, scope, options, timing)
    stop = threading.Event()
    tick = min(timing.interval, leadership.period)
    said = ""
    with _terminated(stop):
        try:
            while not stop.is_set():
                leading, line = _acquire(leadership)
                if line != said:
                    log(line)
                    said = line
                if leading:
                    loop.pass_if_due()
                if heartbeat is not None:
                    _touch(heartbeat)
                stop.wait(tick)
        except KeyboardInterrupt:
            log("interrupted: stopping")
            _release(leadership)
            return ExitStatus.INTERRUPTED
    log("terminated: stopping")
    _release(leadership)
    return ExitStatus.OK


class _Loop:
    def __init__(
        self, app: App, scope: Scope, options: ConvergeOptions, timing: WatchTiming
    ) -> None:
        self.app, self.scope, self.options, self.timing = app, scope, options, timing
        self.availability = Availability(timing.failover_after, timing.failback_after)
        self.passes = 0
        self.last: float | None = None

    def pass_if_due(self) -> None:
        now = time.monotonic()
        if self.last is not None and now - self.last < self.timing.interval:
            return
        self.last = now
        self.passes += 1
        _one_pass(self.app, self.scope, self.options, self.availability, self.passes)


def _acquire(leadership: Leadership) -> tuple[bool, str]:
    try:
        return leadership.acquire()
    except Exception as err:  # the lease member failing must not end the loop
        return False, f"lease not confirmed ({escaped(str(err))}): not reconciling this pass"


def _release(leadership: Leadership) -> None:
    try:
        leadership.release()
    except Exception as err:
        log(f"lease not released: {escaped(str(err))}")


def _one_pass(
    app: App, scope: Scope, options: ConvergeOptions, availability: Availability, number: int
) -> None:
    started = time.monotonic()
    try:
        report = _converge(app, scope, options, availability)
    except Exception as err:  # one bad pass never ends the loop (Ctrl-C is no Exception)
        log(f"pass {number} failed: {type(err).__name__}: {escaped(str(err))}", err=True)
        return
    for change in report.changes:
        if change.error is not None:
            log(error_line(change.cluster, change.error, change.subject), err=True)
        else:
            log(f"{change.cluster}  {change.subject}  {change.action}  {escaped(change.detail)}")
    for unfinished in report.unfinished:
        log(f"{unfinished.rollout.label}: {escaped(unfinished.reason)}")
    answered = len(report.members) - len(report.unreachable)
    down = "".join(f", {m.cluster} failing" for m in report.unreachable)
    took = time.monotonic() - started
    changes = summary(len(report.changes) - len(report.failed), len(report.failed), [])
    members = f"{answered}/{len(report.members)} members answer{down}"
    log(f"pass {number}: {changes}, {members} ({took:.2f}s)")


def _converge(
    app: App, scope: Scope, options: ConvergeOptions, availability: Availability
) -> PassReport:
    """A pass whose replica placement follows the members' availability over time."""

    def placed(facts: Facts) -> ConvergeOptions:
        answered = [m.cluster for m in facts.members if m.ok]
        failing = [m.cluster for m in facts.members if not m.ok]
        verdict = availability.observe(time.monotonic(), answered, failing)
        for event in verdict.events:
            log(event)
        return replace(options, drained=verdict.drained, hold_replicas=verdict.hold)

    return converge_pass(app, scope, placed)


def log(line: str, *, err: bool = False) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    click.echo(f"{stamp} {line}", err=err)


def _touch(path: Path) -> None:
    try:
        path.touch()
    except OSError as err:
        log(f"heartbeat file {path}: {err.strerror}", err=True)


@contextmanager
def _terminated(stop: threading.Event) -> Iterator[None]:
    """SIGTERM sets `stop` (the current pass finishes first); restored on the way out."""

    def on_term(signum: int, frame: FrameType | None) -> None:
        stop.set()

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
