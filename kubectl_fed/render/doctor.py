"""Output of `kubectl fed doctor`: a grouped, aligned table, or a DoctorReport document.

The table depends on nothing but the checks (no terminal width), so it is the same on
a terminal, in a pipe and in CI logs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubectl_fed.core.doctor.model import Check, Status, counts, summary_line
from kubectl_fed.core.escaping import escaped

API_VERSION = "kubectl-fed/v1"
HEADERS = ("STATUS", "CHECK", "CLUSTER", "OBJECT", "MESSAGE")
NONE = "-"
_GAP = "  "
_INDENT = "  "


def table(checks: Sequence[Check]) -> str:
    rows = [_cells(check) for check in checks]
    widths = [max(len(row[i]) for row in [HEADERS, *rows]) for i in range(len(HEADERS) - 1)]
    fix_indent = _INDENT + " " * (widths[0] + len(_GAP))
    lines = [_INDENT + _line(HEADERS, widths)]
    group = None
    for check, row in zip(checks, rows, strict=True):
        if check.group != group:
            group = check.group
            lines.append(f"{group}:")
        lines.append(_INDENT + _line(row, widths))
        if check.fix and check.status in (Status.WARN, Status.FAIL):
            lines.append(f"{fix_indent}fix: {escaped(check.fix)}")
    lines.append("")
    lines.append(summary_line(checks))
    return "\n".join(lines)


def _cells(check: Check) -> tuple[str, ...]:
    return (
        check.status.value.upper(),
        check.id,
        escaped(check.cluster or NONE),
        escaped(check.object or NONE),
        escaped(check.message),
    )


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    padded = [cell.ljust(width) for cell, width in zip(cells, widths, strict=False)]
    return _GAP.join([*padded, cells[-1]]).rstrip()


def document(
    checks: Sequence[Check], federation: str | None, namespace: str | None
) -> dict[str, Any]:
    found = counts(checks)
    return {
        "apiVersion": API_VERSION,
        "kind": "DoctorReport",
        "federation": federation,
        "namespace": namespace,
        "summary": {
            "passed": found[Status.PASS],
            "warnings": found[Status.WARN],
            "failed": found[Status.FAIL],
            "skipped": found[Status.SKIP],
        },
        "checks": [
            {
                "id": check.id,
                "status": check.status.value,
                "cluster": check.cluster,
                "object": check.object,
                "message": check.message,
                "fix": check.fix,
            }
            for check in checks
        ],
    }
