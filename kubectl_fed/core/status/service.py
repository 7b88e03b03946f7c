"""The federated status of a Service: its ports with node-port agreement, endpoints per member."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kubectl_fed.core.model.objects import KubeObject, name_of
from kubectl_fed.core.status.endpoints import services_shard
from kubectl_fed.core.status.fold import (
    ClusterRow,
    Health,
    Member,
    Presence,
    Shard,
    ShardedStatus,
    absent_note,
    created_of,
    forbidden_note,
    load_balancer_address,
    present,
    reference,
)


@dataclass(frozen=True)
class PortStatus:
    name: str
    port: int
    protocol: str
    target_port: str
    node_ports: tuple[tuple[str, int | None], ...]  # (cluster, nodePort), present members

    @property
    def agreed(self) -> bool:
        """Every member exposes the port on one and the same node port (or none does)."""
        return len({port for _, port in self.node_ports}) <= 1

    @property
    def node_port(self) -> int | None:
        ports = {port for _, port in self.node_ports}
        return next(iter(ports)) if len(ports) == 1 else None


@dataclass(frozen=True)
class ServiceStatus(ShardedStatus):
    type: str
    selector: dict[str, str]
    ports: tuple[PortStatus, ...]
    rows: tuple[ClusterRow, ...]


def service_status(members: Sequence[Member]) -> ServiceStatus:
    spec = (reference(members) or {}).get("spec") or {}
    ports = tuple(_port(port, members) for port in spec.get("ports") or [])
    disagreeing = [p for p in ports if not p.agreed]
    return ServiceStatus(
        type=str(spec.get("type") or "ClusterIP"),
        selector={str(k): str(v) for k, v in (spec.get("selector") or {}).items()},
        ports=ports,
        rows=tuple(_row(m, disagreeing) for m in members),
    )


def service_address(obj: KubeObject | None) -> str:
    """The load balancer's address when it has one, else the cluster IP."""
    spec = (obj or {}).get("spec") or {}
    return load_balancer_address(obj) or str(spec.get("clusterIP") or "")


def _port(port: KubeObject, members: Sequence[Member]) -> PortStatus:
    name = str(port.get("name") or "")
    node_ports = []
    for member in present(members):
        live = next((p for p in _ports(member.obj) if str(p.get("name") or "") == name), {})
        value = live.get("nodePort")
        node_ports.append((member.cluster, int(value) if value else None))
    return PortStatus(
        name=name,
        port=int(port.get("port") or 0),
        protocol=str(port.get("protocol") or "TCP"),
        target_port=str(port.get("targetPort") or port.get("port") or ""),
        node_ports=tuple(node_ports),
    )


def _ports(obj: KubeObject | None) -> list[KubeObject]:
    return list(((obj or {}).get("spec") or {}).get("ports") or [])


def _row(member: Member, disagreeing: Sequence[PortStatus]) -> ClusterRow:
    if member.presence is not Presence.PRESENT or member.snapshot is None:
        return ClusterRow(member.cluster, member.presence, note=absent_note(member, "service"))
    snapshot = member.snapshot
    name = name_of(snapshot.obj)
    selector = ((snapshot.obj or {}).get("spec") or {}).get("selector")
    shard = services_shard([name], snapshot.services, snapshot.endpoints, snapshot.forbidden)
    notes = [shard.reason] if shard.health is Health.UNHEALTHY and selector else []
    notes += [note] if (note := forbidden_note(snapshot)) else []
    for port in disagreeing:
        mine = dict(port.node_ports).get(member.cluster)
        notes.append(f"port {port.name or port.port}: node port {mine or 'none'} differs")
    if not selector:
        shard = Shard(Health.UNKNOWN, shard.ready, shard.total, "no selector")
    return ClusterRow(
        member.cluster,
        member.presence,
        service_address(snapshot.obj),
        shard,
        created_of(snapshot.obj),
        "; ".join(notes),
    )
