"""Federated status: every member's copy of one object folded into one view (pure).

A fan-out reads one `Snapshot` per member (the object, its events and, per kind, the
Services and Endpoints behind it); `fold` turns those results into the status of the
federated object: the per-kind summary and one `ClusterRow` per member, present,
missing or failed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from kubectl_fed.core.members.results import ClusterError, ClusterResult
from kubectl_fed.core.model.objects import KubeObject, metadata_of


class Presence(StrEnum):
    PRESENT = "Present"
    MISSING = "Missing"
    FAILED = "Failed"


class Health(StrEnum):
    """A member's shard: Healthy when the Services behind the object have ready endpoints."""

    HEALTHY = "Healthy"
    UNHEALTHY = "Unhealthy"
    UNKNOWN = "Unknown"  # nothing to judge by (missing or failed member, no backends)


@dataclass(frozen=True)
class Snapshot:
    """What one member holds for one federated object; `obj` None when it lacks it."""

    obj: KubeObject | None
    events: tuple[KubeObject, ...] = ()
    services: Mapping[str, KubeObject] = field(default_factory=dict)  # by name
    endpoints: Mapping[str, KubeObject] = field(default_factory=dict)  # by Service name
    zones: tuple[str, ...] = ()  # of the member's nodes
    forbidden: tuple[str, ...] = ()  # what RBAC did not let us read: "events", "nodes", ...


@dataclass(frozen=True)
class Member:
    cluster: str
    snapshot: Snapshot | None
    error: ClusterError | None

    @property
    def presence(self) -> Presence:
        if self.error is not None or self.snapshot is None:
            return Presence.FAILED
        return Presence.PRESENT if self.snapshot.obj is not None else Presence.MISSING

    @property
    def obj(self) -> KubeObject | None:
        return None if self.snapshot is None else self.snapshot.obj


@dataclass(frozen=True)
class Shard:
    """Endpoints of the Services behind one member's object, and what they make of it."""

    health: Health
    ready: int = 0
    total: int = 0
    reason: str = ""

    @property
    def endpoints_text(self) -> str:
        return f"{self.ready}/{self.total}"


@dataclass(frozen=True)
class ClusterRow:
    """One line of describe's per-cluster table (ingress and service)."""

    cluster: str
    presence: Presence
    address: str = ""
    shard: Shard = Shard(Health.UNKNOWN)
    created: str | None = None
    note: str = ""


class ShardedStatus:
    """What ingress and service statuses share: one `ClusterRow` per member, with its shard."""

    rows: tuple[ClusterRow, ...]

    @property
    def healthy(self) -> list[str]:
        return [r.cluster for r in self.rows if r.shard.health is Health.HEALTHY]

    @property
    def unhealthy(self) -> list[ClusterRow]:
        return [r for r in self.rows if r.shard.health is Health.UNHEALTHY]


@dataclass(frozen=True)
class MergedEvent:
    cluster: str
    type: str
    reason: str
    message: str
    source: str
    count: int
    first: str
    last: str


def members_of(results: Sequence[ClusterResult[Snapshot]]) -> list[Member]:
    return [Member(r.cluster, r.value, r.error) for r in results]


def present(members: Sequence[Member]) -> list[Member]:
    return [m for m in members if m.presence is Presence.PRESENT]


def reference(members: Sequence[Member]) -> KubeObject | None:
    """The first member's copy: the federated spec (members get the same one)."""
    found = present(members)
    return found[0].obj if found else None


def created_of(obj: KubeObject | None) -> str | None:
    value = metadata_of(obj).get("creationTimestamp")
    return str(value) if value else None


def load_balancer_address(obj: KubeObject | None) -> str:
    """`status.loadBalancer.ingress` as one comma list of IPs (or host names)."""
    points = (((obj or {}).get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    found = (p.get("ip") or p.get("hostname") for p in points)
    return ",".join(str(address) for address in found if address)


def forbidden_note(snapshot: Snapshot) -> str:
    return f"forbidden to read {', '.join(snapshot.forbidden)}" if snapshot.forbidden else ""


def absent_note(member: Member, kind_word: str) -> str:
    if member.error is not None:
        return f"{member.error.reason.value}: {member.error.message}"
    return f"{kind_word} not found in this cluster"


def merged_events(members: Sequence[Member]) -> list[MergedEvent]:
    """Every member's events about its copy, oldest first (by last occurrence)."""
    order = {m.cluster: i for i, m in enumerate(members)}
    events = [
        _merged(m.cluster, event)
        for m in members
        if m.snapshot is not None
        for event in m.snapshot.events
    ]
    return sorted(events, key=lambda e: (e.last, e.first, order[e.cluster]))


def _merged(cluster: str, event: KubeObject) -> MergedEvent:
    first = str(event.get("firstTimestamp") or event.get("eventTime") or "")
    last = str(event.get("lastTimestamp") or event.get("eventTime") or first)
    source = event.get("source") or {}
    origin = str(source.get("component") or event.get("reportingComponent") or "")
    host = source.get("host")
    return MergedEvent(
        cluster=cluster,
        type=str(event.get("type") or ""),
        reason=str(event.get("reason") or ""),
        message=str(event.get("message") or "").strip(),
        source=f"{origin}, {host}" if host else origin,
        count=int(event.get("count") or 1),
        first=first or last,
        last=last,
    )
