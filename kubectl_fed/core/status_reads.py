"""What `describe` reads from one member: the object, its events, and per kind the
Services and Endpoints behind it and the zones of the member's nodes."""

from __future__ import annotations

from typing import Any

from kubectl_fed.core.kinds import INGRESS, SERVICE, Kind
from kubectl_fed.core.ports import MemberCluster
from kubectl_fed.core.results import ClusterCallError, Reason
from kubectl_fed.core.status import Snapshot
from kubectl_fed.core.status_ingress import backend_services

KubeObject = dict[str, Any]
# Calls of one member's read, at most: object, events, zones, then a Service and its
# Endpoints per backend (`describe` bounds its fan-out by this many request timeouts).
BASE_CALLS = 3


def read_snapshot(backend: MemberCluster, kind: Kind, namespace: str, name: str) -> Snapshot:
    obj = _get_or_none(backend, kind.plural, namespace, name)
    if obj is None:
        return Snapshot(None)
    events = tuple(e for e in backend.list("events", namespace) if _about(e, kind, obj))
    names = _service_names(kind, obj)
    services = _existing(backend, "services", namespace, names)
    endpoints = _existing(backend, "endpoints", namespace, list(services))
    zones = tuple(backend.list_zones()) if kind == INGRESS else ()
    return Snapshot(obj, events, services, endpoints, zones)


def _service_names(kind: Kind, obj: KubeObject) -> list[str]:
    if kind == INGRESS:
        return backend_services(obj)
    if kind == SERVICE:
        return [str(obj["metadata"]["name"])]
    return []


def _existing(
    backend: MemberCluster, plural: str, namespace: str, names: list[str]
) -> dict[str, KubeObject]:
    found = {}
    for name in names:
        obj = _get_or_none(backend, plural, namespace, name)
        if obj is not None:
            found[name] = obj
    return found


def _get_or_none(
    backend: MemberCluster, plural: str, namespace: str, name: str
) -> KubeObject | None:
    try:
        return backend.get(plural, namespace, name)
    except ClusterCallError as err:
        if err.reason is Reason.NOT_FOUND:
            return None
        raise


def _about(event: KubeObject, kind: Kind, obj: KubeObject) -> bool:
    """Events of this very object: its kind and name, and its uid when the event has one."""
    involved = event.get("involvedObject") or {}
    metadata = obj.get("metadata") or {}
    uid = involved.get("uid")
    return (
        involved.get("kind") == kind.kind
        and involved.get("name") == metadata.get("name")
        and (not uid or uid == metadata.get("uid"))
    )
