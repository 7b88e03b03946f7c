"""Parts every kind's describe shares: annotations, the per-cluster table, merged events."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from kubectl_fed.core.model.objects import annotations_of
from kubectl_fed.core.status.fold import ClusterRow, Member, MergedEvent, Presence
from kubectl_fed.render.age import age
from kubectl_fed.render.describe_text import INDENT, NONE, columns, underlined

HIDDEN_ANNOTATIONS = ("kubectl.kubernetes.io/last-applied-configuration",)
MISSING = "<missing>"
PENDING = "<pending>"
ERROR = "<error>"


def annotation_lines(members: Sequence[Member], hidden: Collection[str] = ()) -> list[str]:
    """`key: value` sorted by key; a value members disagree on, once per member; `hidden`
    ones (and kubectl's last-applied configuration) left out."""
    copies = [(m.cluster, _annotations(m)) for m in members if m.presence is Presence.PRESENT]
    keys = sorted({key for _, found in copies for key in found} - {*HIDDEN_ANNOTATIONS, *hidden})
    lines = []
    for key in keys:
        values = {found.get(key) for _, found in copies}
        if len(values) == 1 and None not in values:
            lines.append(f"{key}: {copies[0][1][key]}")
            continue
        lines.extend(f"{key} ({cluster}): {found.get(key, NONE)}" for cluster, found in copies)
    return lines or [NONE]


def _annotations(member: Member) -> dict[str, str]:
    return annotations_of(member.obj)


def cluster_table(rows: Sequence[ClusterRow], now: datetime) -> list[str]:
    headers = ["CLUSTER", "ADDRESS", "SHARD HEALTH", "ENDPOINTS", "AGE", "NOTE"]
    return ["Clusters:", *columns([headers, *(_cells(row, now) for row in rows)])]


def _cells(row: ClusterRow, now: datetime) -> list[str]:
    if row.presence is not Presence.PRESENT:
        where = MISSING if row.presence is Presence.MISSING else ERROR
        return [row.cluster, where, "-", "-", "-", row.note]
    return [
        row.cluster,
        row.address or PENDING,
        row.shard.health.value,
        row.shard.endpoints_text,
        age(row.created, now),
        row.note,
    ]


def event_lines(merged: Sequence[MergedEvent], now: datetime) -> list[str]:
    if not merged:
        return [f"Events:{INDENT}{NONE}"]
    headers = ["Cluster", "Type", "Reason", "Age", "From", "Message"]
    rows = [[e.cluster, e.type, e.reason, _event_age(e, now), e.source, e.message] for e in merged]
    return ["Events:", *underlined(headers, rows)]


def _event_age(event: MergedEvent, now: datetime) -> str:
    last = age(event.last, now)
    if event.count > 1:
        return f"{last} (x{event.count} over {age(event.first, now)})"
    return last
