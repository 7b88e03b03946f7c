"""Which members `reconcile --watch` may place replicas on, without flapping.

A member's replicas move to the others only once it has been failing for
`failover_after`; they move back only once it has answered again for `failback_after`.
In between, a failing member holds its replicas (nothing moves this pass) and a member
that is back but not yet trusted gets none (its copy is scaled to zero, so the running
total stays the desired one). The tracker lives in the watching process only: after a
restart every member starts with a clean record, which errs on the side of waiting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Verdict:
    drained: frozenset[str] = frozenset()  # answering, not yet trusted: no replicas
    hold: bool = False  # some member fails, not yet for long enough: move nothing
    events: tuple[str, ...] = ()  # "europe-west1 failing for 30s: its replicas move"


@dataclass
class _Member:
    failing_since: float | None = None
    healthy_since: float | None = None
    out: bool = False  # its replicas were moved to the others


@dataclass
class Availability:
    failover_after: float
    failback_after: float
    _members: dict[str, _Member] = field(default_factory=dict)

    def observe(self, now: float, answered: Iterable[str], failing: Iterable[str]) -> Verdict:
        drained: set[str] = set()
        hold = False
        events: list[str] = []
        for name in failing:
            member = self._members.setdefault(name, _Member())
            member.healthy_since = None
            if member.failing_since is None:
                member.failing_since = now
            down = now - member.failing_since
            if member.out:
                continue
            if down >= self.failover_after:
                member.out = True
                events.append(f"{name} failing for {down:.0f}s: its replicas move to the others")
            else:
                hold = True
        for name in answered:
            member = self._members.setdefault(name, _Member())
            member.failing_since = None
            if not member.out:
                continue
            if member.healthy_since is None:
                member.healthy_since = now
            up = now - member.healthy_since
            if up >= self.failback_after:
                member.out = False
                events.append(f"{name} healthy for {up:.0f}s: its replicas move back")
            else:
                drained.add(name)
        return Verdict(frozenset(drained), hold, tuple(events))
