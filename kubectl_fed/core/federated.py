"""One federated object as `describe` shows it: every member's copy and the folded status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kubectl_fed.core.kinds import INGRESS, SERVICE, Kind
from kubectl_fed.core.results import ClusterResult
from kubectl_fed.core.status import (
    Member,
    MergedEvent,
    Presence,
    Snapshot,
    members_of,
    merged_events,
)
from kubectl_fed.core.status_ingress import IngressStatus, ingress_status
from kubectl_fed.core.status_replicaset import ReplicaSetStatus, replicaset_status
from kubectl_fed.core.status_service import ServiceStatus, service_status

KindStatus = IngressStatus | ServiceStatus | ReplicaSetStatus


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
    status: KindStatus
    if kind == INGRESS:
        status = ingress_status(members)
    elif kind == SERVICE:
        status = service_status(members)
    else:
        status = replicaset_status(members)
    return FederatedObject(
        kind, namespace, name, tuple(members), status, tuple(merged_events(members))
    )
