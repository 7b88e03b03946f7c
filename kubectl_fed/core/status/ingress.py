"""The federated status of an Ingress: one address, TLS, rules and healthy shards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kubectl_fed.core.ingress.rollout import last_glbc_warning, rollout_leader
from kubectl_fed.core.kinds import INGRESS
from kubectl_fed.core.model.objects import KubeObject, is_federated, metadata_of
from kubectl_fed.core.status.endpoints import endpoint_set, service_port, services_shard
from kubectl_fed.core.status.fold import (
    ClusterRow,
    Health,
    Member,
    Presence,
    ShardedStatus,
    Snapshot,
    absent_note,
    created_of,
    forbidden_note,
    load_balancer_address,
    present,
    reference,
)
from kubectl_fed.core.status.listing import Entry

ANY = "*"


@dataclass(frozen=True)
class BackendRef:
    service: str
    port: str  # number or name, as the ingress writes it

    @property
    def text(self) -> str:
        return f"{self.service}:{self.port}"


@dataclass(frozen=True)
class IngressRule:
    host: str
    path: str
    backend: BackendRef
    endpoints: tuple[tuple[str, tuple[str, ...]], ...]  # (cluster, ready "ip:port"), member order


@dataclass(frozen=True)
class TlsEntry:
    hosts: tuple[str, ...]
    secret: str


@dataclass(frozen=True)
class IngressStatus(ShardedStatus):
    address: str | None  # the members' common address; None when none or disagreeing
    addresses: tuple[tuple[str, str], ...]  # (cluster, address) of members that have one
    pending: tuple[str, ...]  # present members without an address yet
    default_backend: BackendRef | None
    tls: tuple[TlsEntry, ...]
    rules: tuple[IngressRule, ...]
    rows: tuple[ClusterRow, ...]
    rollout: str | None = None  # "1/3 members, waiting for an address in X: <warning>"

    @property
    def agreed(self) -> bool:
        return len({address for _, address in self.addresses}) <= 1


def ingress_status(members: Sequence[Member]) -> IngressStatus:
    spec = (reference(members) or {}).get("spec") or {}
    addresses = tuple(
        (m.cluster, address) for m in present(members) if (address := load_balancer_address(m.obj))
    )
    distinct = {address for _, address in addresses}
    return IngressStatus(
        address=next(iter(distinct)) if len(distinct) == 1 else None,
        addresses=addresses,
        pending=tuple(m.cluster for m in present(members) if not load_balancer_address(m.obj)),
        default_backend=_backend(spec.get("defaultBackend")),
        tls=tuple(
            TlsEntry(tuple(str(h) for h in t.get("hosts") or []), str(t.get("secretName") or ""))
            for t in spec.get("tls") or []
        ),
        rules=tuple(_rules(spec, members)),
        rows=tuple(_row(m, distinct) for m in members),
        rollout=unfinished_rollout(members),
    )


def unfinished_rollout(members: Sequence[Member]) -> str | None:
    """How far an Ingress's rollout got, when some members that answered lack a copy."""
    holders = present(members)
    missing = [m for m in members if m.presence is Presence.MISSING]
    if not holders or not missing:
        return None
    text = f"{len(holders)}/{len(holders) + len(missing)} members"
    if any(load_balancer_address(m.obj) for m in holders):
        return f"{text}, not yet in {', '.join(m.cluster for m in missing)}"
    leader = rollout_leader([(m.cluster, m.obj) for m in holders if m.obj is not None])
    found = next(m for m in holders if m.cluster == leader)
    assert found.snapshot is not None and found.obj is not None
    uid = str(metadata_of(found.obj).get("uid") or "")
    warning = last_glbc_warning(found.snapshot.events, uid)
    waiting = f"{text}, waiting for an address in {leader}"
    return f"{waiting}: {warning}" if warning else waiting


def backend_services(obj: KubeObject | None) -> list[str]:
    """Names of the Services an ingress sends traffic to, each once, in spec order."""
    spec = (obj or {}).get("spec") or {}
    refs = [_backend(spec.get("defaultBackend"))]
    for rule in spec.get("rules") or []:
        refs += [_backend(p.get("backend")) for p in (rule.get("http") or {}).get("paths") or []]
    return list(dict.fromkeys(ref.service for ref in refs if ref is not None))


def _backend(backend: KubeObject | None) -> BackendRef | None:
    service = (backend or {}).get("service")
    if not service:
        return None
    port = service.get("port") or {}
    return BackendRef(
        str(service.get("name") or ""), str(port.get("number") or port.get("name") or "")
    )


def _rules(spec: KubeObject, members: Sequence[Member]) -> list[IngressRule]:
    rules = []
    for rule in spec.get("rules") or []:
        for path in (rule.get("http") or {}).get("paths") or []:
            backend = _backend(path.get("backend"))
            if backend is not None:
                host, where = str(rule.get("host") or ANY), str(path.get("path") or ANY)
                rules.append(IngressRule(host, where, backend, _endpoints(members, backend)))
    default = _backend(spec.get("defaultBackend"))
    if not rules and default is not None:
        rules.append(IngressRule(ANY, ANY, default, _endpoints(members, default)))
    return rules


def _endpoints(
    members: Sequence[Member], backend: BackendRef
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    found = []
    for member in present(members):
        assert member.snapshot is not None
        service = member.snapshot.services.get(backend.service)
        port = service_port(service, backend.port)
        name = None if port is None else str(port.get("name") or "")
        ready = endpoint_set(member.snapshot.endpoints.get(backend.service), name).ready
        found.append((member.cluster, ready if port is not None else ()))
    return tuple(found)


def _row(member: Member, addresses: set[str]) -> ClusterRow:
    if member.presence is not Presence.PRESENT or member.snapshot is None:
        return ClusterRow(member.cluster, member.presence, note=absent_note(member, "ingress"))
    snapshot = member.snapshot
    names = backend_services(snapshot.obj)
    shard = services_shard(names, snapshot.services, snapshot.endpoints, snapshot.forbidden)
    address = load_balancer_address(snapshot.obj)
    notes = [shard.reason] if shard.health is Health.UNHEALTHY else []
    notes += [note] if (note := forbidden_note(snapshot)) else []
    if not address:
        notes.insert(0, "no address yet")
    elif len(addresses) > 1:
        notes.insert(0, "address differs from other members")
    return ClusterRow(
        member.cluster, member.presence, address, shard, created_of(snapshot.obj), "; ".join(notes)
    )


def unfinished_rollouts(entries: Sequence[Entry]) -> list[str]:
    """`get`'s view of unfinished rollouts: one line per federated Ingress some members
    that answered lack (GLBC's reasons need events: `describe ingress` shows them)."""
    groups: dict[tuple[str, str], list[Member]] = {}
    for entry in entries:
        if entry.kind == INGRESS:
            member = Member(entry.cluster, Snapshot(entry.obj), None)
            groups.setdefault((entry.namespace, entry.name), []).append(member)
    lines = []
    for (namespace, name), members in groups.items():
        if any(m.obj is not None and is_federated(m.obj) for m in members):
            state = unfinished_rollout(members)
            if state is not None:
                lines.append(f"ingress {namespace}/{name}: rollout unfinished: {state}")
    return lines
