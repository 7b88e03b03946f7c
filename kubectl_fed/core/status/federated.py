"""One federated object as `describe` shows it: every member's copy and the folded status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kubectl_fed.core.kinds import Kind
from kubectl_fed.core.members.results import ClusterResult
from kubectl_fed.core.replicas.status import ReplicaSetStatus
from kubectl_fed.core.status.copies import CopiesStatus
from kubectl_fed.core.status.fold import (
    Member,
    MergedEvent,
    Presence,
    Snapshot,
    members_of,
    merged_events,
)
from kubectl_fed.core.status.ingress import IngressStatus
from kubectl_fed.core.status.service import ServiceStatus

KindStatus = IngressStatus | ServiceStatus | ReplicaSetStatus | CopiesStatus


@dataclass(frozen=True)
class FederatedObject:
    kind: Kind
    namespace: str
    name: str
    members: tuple[Member, ...]
    status: KindStatus
    events: tuple[MergedEvent, ...]

    @property
    def found(self) -> bool:
        """Some member has the object."""
        return any(m.presence is Presence.PRESENT for m in self.members)

    @property
    def answered(self) -> bool:
        return any(m.presence is not Presence.FAILED for m in self.members)


def fold(
    kind: Kind, namespace: str, name: str, results: Sequence[ClusterResult[Snapshot]]
) -> FederatedObject:
    members = members_of(results)
    assert kind.fold is not None, f"{kind.kind} declares no status fold"
    status: KindStatus = kind.fold(members)
    return FederatedObject(
        kind, namespace, name, tuple(members), status, tuple(merged_events(members))
    )
