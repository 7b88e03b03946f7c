"""What `reconcile` prints: one line per change (`CLUSTER OBJECT ACTION DETAIL`) and a
summary, or the `ReconcileReport` document of `-o json`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubectl_fed.core.escaping import escaped
from kubectl_fed.render.machine import API_VERSION

Row = tuple[str, str, str, str]  # cluster, object, action, detail
ErrorRow = tuple[str, str, str]  # cluster, reason, message
HEADERS: Row = ("CLUSTER", "OBJECT", "ACTION", "DETAIL")


def table(rows: Sequence[Row]) -> str:
    """Columns sized from the content; the last one is not padded."""
    shown = [HEADERS, *(tuple(escaped(cell) for cell in row) for row in rows)]
    widths = [max(len(row[i]) for row in shown) for i in range(3)]
    return "\n".join(
        "   ".join([*(row[i].ljust(widths[i]) for i in range(3)), row[3]]).rstrip() for row in shown
    )


def summary(changes: int, failed: int, unreachable: Sequence[str], dry_run: str = "") -> str:
    words = [f"{changes} change{'' if changes == 1 else 's'}{dry_run}"]
    if failed:
        words.append(f"{failed} failed")
    if unreachable:
        words.append(f"unreachable: {', '.join(unreachable)}")
    return ", ".join(words)


def document(rows: Sequence[Row], errors: Sequence[ErrorRow]) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": "ReconcileReport",
        "changes": [{"cluster": c, "object": o, "action": a, "detail": d} for c, o, a, d in rows],
        "errors": [{"cluster": c, "reason": r, "message": m} for c, r, m in errors],
    }
