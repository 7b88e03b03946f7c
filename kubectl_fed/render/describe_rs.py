"""describe of a federated ReplicaSet: the federation total and each member against the plan."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubectl_fed.core.kinds.cells import format_selector
from kubectl_fed.core.status.federated import FederatedObject
from kubectl_fed.core.status.fold import Presence
from kubectl_fed.core.status.replicas import MemberReplicas, ReplicaSetStatus
from kubectl_fed.render.age import age
from kubectl_fed.render.describe_common import MISSING, annotation_lines
from kubectl_fed.render.describe_text import NONE, columns, fields

HEADERS = ["CLUSTER", "DESIRED", "PLANNED", "CURRENT", "READY", "AVAILABLE", "AGE", "NOTE"]


def replicaset_lines(fed: FederatedObject, status: ReplicaSetStatus, now: datetime) -> list[str]:
    spec = _reference_spec(fed)
    containers = ((spec.get("template") or {}).get("spec") or {}).get("containers") or []
    pairs: list[tuple[str, str | list[str]]] = [
        ("Name", fed.name),
        ("Namespace", fed.namespace),
        ("Selector", format_selector(spec.get("selector"))),
        ("Replicas", _replicas(status)),
        ("Preferences", status.preferences or "<default: equal weights>"),
        ("Images", ",".join(str(c.get("image", "")) for c in containers) or NONE),
        ("Annotations", annotation_lines(fed.members)),
    ]
    if status.plan_error:
        pairs.insert(5, ("Plan", f"cannot plan: {status.plan_error}"))
    rows = [HEADERS, *(_row(member, now) for member in status.members)]
    return [*fields(pairs), "Clusters:", *columns(rows)]


def _replicas(status: ReplicaSetStatus) -> str:
    where = "" if status.total_from_annotation else ", the sum of the members'"
    return (
        f"{status.total} desired (federation total{where}) | {status.sum('current')} current / "
        f"{status.sum('ready')} ready / {status.sum('available')} available"
    )


def _row(member: MemberReplicas, now: datetime) -> list[str]:
    planned = "-" if member.planned is None else str(member.planned)
    if member.presence is not Presence.PRESENT:
        where = MISSING if member.presence is Presence.MISSING else "<error>"
        return [member.cluster, where, planned, "-", "-", "-", "-", member.note]
    counts = [member.desired, member.current, member.ready, member.available]
    cells = [str(count) for count in counts]
    return [member.cluster, cells[0], planned, *cells[1:], age(member.created, now), member.note]


def _reference_spec(fed: FederatedObject) -> dict[str, Any]:
    for member in fed.members:
        if member.obj is not None:
            return dict(member.obj.get("spec") or {})
    return {}
