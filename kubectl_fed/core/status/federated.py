"""One federated object as `describe` shows it: every member's copy and the folded status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kubectl_fed.core.kinds import Kind
from kubectl_fed.core.kinds.spec import StatusFold
from kubectl_fed.core.members.results import ClusterResult
from kubectl_fed.core.status.copies import CopiesStatus, copies_status
from kubectl_fed.core.status.fold import (
    Member,
    MergedEvent,
    Presence,
    Snapshot,
    members_of,
    merged_events,
)
from kubectl_fed.core.status.ingress import IngressStatus, ingress_status
from kubectl_fed.core.status.replicas import ReplicaSetStatus, replicaset_status
from kubectl_fed.core.status.service import ServiceStatus, service_status

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


def _fold(kind: Kind, members: Sequence[Member]) -> KindStatus:
    if kind.fold is StatusFold.INGRESS:
        return ingress_status(members)
    if kind.fold is StatusFold.SERVICE:
        return service_status(members)
    if kind.fold is StatusFold.REPLICAS:
        return replicaset_status(members, kind.singular)
    assert kind.fold is StatusFold.COPIES, f"{kind.kind} declares no status fold"
    return copies_status(members, kind.singular)


def fold(
    kind: Kind, namespace: str, name: str, results: Sequence[ClusterResult[Snapshot]]
) -> FederatedObject:
    members = members_of(results)
    status = _fold(kind, members)
    return FederatedObject(
        kind, namespace, name, tuple(members), status, tuple(merged_events(members))
    )
