"""Output of `kubectl fed clusters`: a kubectl-style table or a ClusterList document."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kubectl_fed.core.escaping import escaped

API_VERSION = "kubectl-fed/v1"
ACTIVE = "Active"
UNKNOWN = "<unknown>"
NONE = "<none>"
HEADERS = ("NAME", "SERVER", "STATUS", "VERSION", "ZONES", "GLBC-UID")
_GAP = "   "


@dataclass(frozen=True)
class ProbedCluster:
    name: str
    server: str
    status: str  # Active, or the Reason of the failed probe
    version: str | None = None
    zones: tuple[str, ...] = ()
    glbc_uid: str | None = None
    message: str | None = None  # why the probe failed


def table(rows: Sequence[ProbedCluster]) -> str:
    lines = [HEADERS, *(tuple(escaped(cell) for cell in _cells(row)) for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADERS))]
    return "\n".join(
        _GAP.join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def _cells(row: ProbedCluster) -> tuple[str, ...]:
    if row.status != ACTIVE:
        return (row.name, row.server, row.status, UNKNOWN, UNKNOWN, UNKNOWN)
    zones = ",".join(row.zones) or NONE
    return (row.name, row.server, row.status, row.version or UNKNOWN, zones, row.glbc_uid or NONE)


def document(federation: str | None, rows: Sequence[ProbedCluster]) -> dict[str, Any]:
    """The machine form: every cluster under `items`, failed probes also under `errors`."""
    return {
        "apiVersion": API_VERSION,
        "kind": "ClusterList",
        "federation": federation,
        "items": [
            {
                "cluster": row.name,
                "server": row.server,
                "status": row.status,
                "version": row.version,
                "zones": list(row.zones),
                "glbcUID": row.glbc_uid,
            }
            for row in rows
        ],
        "errors": [
            {"cluster": row.name, "reason": row.status, "message": row.message}
            for row in rows
            if row.status != ACTIVE
        ],
    }


def serialize(doc: dict[str, Any], output: str) -> str:
    """`-o json` (indented as kubectl) or `-o yaml` (block style, document order)."""
    if output == "json":
        import json

        return json.dumps(doc, indent=4)
    import yaml

    text: str = yaml.safe_dump(doc, sort_keys=False, default_flow_style=False)
    return text.rstrip("\n")
