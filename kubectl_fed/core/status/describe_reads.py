"""What `describe` reads from one member: the object, its events, and per kind the
Services and Endpoints behind it and the zones of the member's nodes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from kubectl_fed.core.kinds import INGRESS, SERVICE, Kind
from kubectl_fed.core.members.protocols import MemberCluster, get_or_none
from kubectl_fed.core.members.results import ClusterCallError, Reason
from kubectl_fed.core.model.objects import KubeObject, ObjectView, name_of
from kubectl_fed.core.status.fold import Snapshot
from kubectl_fed.core.status.ingress import backend_services

T = TypeVar("T")
# Calls of one member's read, at most: object, events, zones, then a Service and its
# Endpoints per backend (`describe` bounds its fan-out by this many request timeouts).
BASE_CALLS = 3


def read_snapshot(
    backend: MemberCluster,
    kind: Kind,
    namespace: str,
    name: str,
    found: Callable[[KubeObject], None] | None = None,
) -> Snapshot:
    """The object decides: without it the member simply lacks it. What else RBAC refuses
    (events, nodes, endpoints, ...) is left out and named in `forbidden`. `found` is told
    the object as soon as it is read, before the rest."""
    obj = get_or_none(backend, kind.plural, namespace, name)
    if obj is None:
        return Snapshot(None)
    if found is not None:
        found(obj)
    reader = _Tolerant(backend, namespace)
    events = tuple(e for e in reader.listed("events") if _about(e, kind, obj))
    services = reader.existing("services", _service_names(kind, obj))
    endpoints = reader.existing("endpoints", list(services))
    zones = tuple(reader.zones()) if kind == INGRESS else ()
    return Snapshot(obj, events, services, endpoints, zones, tuple(reader.forbidden))


class _Tolerant:
    """Reads that may be refused (403) without failing the member."""

    def __init__(self, backend: MemberCluster, namespace: str) -> None:
        self._backend = backend
        self._namespace = namespace
        self.forbidden: list[str] = []

    def listed(self, plural: str) -> list[KubeObject]:
        try:
            return self._backend.list(plural, self._namespace)
        except ClusterCallError as err:
            return self._refused(err, plural, [])

    def zones(self) -> list[str]:
        try:
            return self._backend.list_zones()
        except ClusterCallError as err:
            return self._refused(err, "nodes", [])

    def existing(self, plural: str, names: list[str]) -> dict[str, KubeObject]:
        found = {}
        for name in names:
            try:
                obj = get_or_none(self._backend, plural, self._namespace, name)
            except ClusterCallError as err:
                obj = self._refused(err, plural, None)
            if obj is not None:
                found[name] = obj
        return found

    def _refused(self, err: ClusterCallError, plural: str, default: T) -> T:
        if err.reason is not Reason.FORBIDDEN:
            raise err
        if plural not in self.forbidden:
            self.forbidden.append(plural)
        return default


def _service_names(kind: Kind, obj: KubeObject) -> list[str]:
    if kind == INGRESS:
        return backend_services(obj)
    if kind == SERVICE:
        return [name_of(obj)]
    return []


def _about(event: KubeObject, kind: Kind, obj: KubeObject) -> bool:
    """Events of this very object: its kind and name, and its uid when the event has one."""
    involved = event.get("involvedObject") or {}
    view = ObjectView(obj)
    uid = involved.get("uid")
    return (
        involved.get("kind") == kind.kind
        and involved.get("name") == view.name
        and (not uid or uid == view.uid)
    )
