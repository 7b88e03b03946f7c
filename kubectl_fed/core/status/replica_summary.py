"""`get rs`: each member's desired replicas next to its planned share, and the total.

Only ReplicaSets federated by kubectl-fed (they record `kubectl-fed.io/total-replicas`)
are summed up. The planned share is what `rebalance rs` would set now over the members
that answered (without the capacity estimate, which needs each member's pods).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kubectl_fed.core.replicas.shares import plan_shares, recorded_total, spec_replicas
from kubectl_fed.core.status.listing import Entry
from kubectl_fed.errors import UsageError


@dataclass(frozen=True)
class ShareRow:
    namespace: str
    name: str
    cluster: str  # "" for the federation-wide total
    desired: int | None  # None: the member has no copy
    planned: int | None  # None: cannot be planned (invalid preferences)
    kind: str = "replicaset"  # the singular of a kind whose replicas are split


def share_rows(entries: Sequence[Entry]) -> list[ShareRow]:
    """Rows per federated object whose replicas are split, in the entries' order, each
    ending with its total."""
    groups: dict[tuple[str, str, str], list[Entry]] = {}
    for entry in entries:
        if entry.kind.splits_replicas:
            groups.setdefault((entry.kind.singular, entry.namespace, entry.name), []).append(entry)
    rows: list[ShareRow] = []
    for (kind, namespace, name), members in groups.items():
        rows.extend(_rows(kind, namespace, name, members))
    return rows


def _rows(kind: str, namespace: str, name: str, members: Sequence[Entry]) -> list[ShareRow]:
    copies = [entry.obj for entry in members if entry.obj is not None]
    total = next((t for t in map(recorded_total, copies) if t is not None), None)
    if total is None:
        return []
    planned = _planned(copies[0], [entry.cluster for entry in members], total)
    rows = [
        ShareRow(
            namespace,
            name,
            entry.cluster,
            None if entry.obj is None else spec_replicas(entry.obj),
            None if planned is None else planned.get(entry.cluster, 0),
            kind,
        )
        for entry in members
    ]
    desired = sum(row.desired or 0 for row in rows)
    rows.append(ShareRow(namespace, name, "", desired, total, kind))
    return rows


def _planned(template: dict[str, object], clusters: list[str], total: int) -> dict[str, int] | None:
    try:
        return plan_shares(template, clusters, total=total, rebalance=True).shares
    except UsageError:
        return None


def total_mismatches(rows: Sequence[ShareRow]) -> list[str]:
    """One line per ReplicaSet whose members' replicas differ from the federation's total."""
    lines = []
    for total in (row for row in rows if not row.cluster):
        if total.desired == total.planned:
            continue
        members = [
            r
            for r in rows
            if r.cluster
            and (r.kind, r.namespace, r.name) == (total.kind, total.namespace, total.name)
        ]
        split = ", ".join(f"{r.cluster} {'-' if r.desired is None else r.desired}" for r in members)
        namespace = "" if total.namespace == "default" else f" -n {total.namespace}"
        lines.append(
            f"{total.kind} {total.namespace}/{total.name}: the members ask for {total.desired} "
            f"replicas ({split}), the federation wants {total.planned}: "
            f"kubectl fed {_repair(total.kind)} {total.name}{namespace}"
        )
    return lines


def _repair(kind: str) -> str:
    return "reconcile rs" if kind == "replicaset" else f"reconcile {kind}"
