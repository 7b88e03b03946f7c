"""The `get --summary` table: NAME, MEMBERS (present/selected), ADDRESS."""

from __future__ import annotations

from collections.abc import Sequence

from kubectl_fed.core.status.summary import SummaryRow
from kubectl_fed.render.tables import NONE, align


def summary_table(rows: Sequence[SummaryRow], all_namespaces: bool = False) -> str:
    if not rows:
        return ""
    leading = ["NAMESPACE"] if all_namespaces else []
    lines = [[*leading, "NAME", "MEMBERS", "ADDRESS"]]
    for row in rows:
        namespace = [row.namespace] if all_namespaces else []
        members = f"{row.present}/{row.members}"
        lines.append([*namespace, row.kind.ref(row.name), members, row.address or NONE])
    return align(lines)
