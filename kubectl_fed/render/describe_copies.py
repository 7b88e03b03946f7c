"""describe of a kind fanned out as written (Secret, ConfigMap, Namespace): its content as
kubectl describes it (a Secret's keys and sizes, never its values), then each member's copy."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from kubectl_fed.core.escaping import escaped
from kubectl_fed.core.kinds.cells import format_labels
from kubectl_fed.core.model.markers import DESIRED_ANNOTATION
from kubectl_fed.core.model.objects import labels_of
from kubectl_fed.core.status.copies import CopiesStatus, CopyRow
from kubectl_fed.core.status.federated import FederatedObject
from kubectl_fed.core.status.fold import Presence
from kubectl_fed.render.age import age
from kubectl_fed.render.describe_common import ERROR, MISSING, annotation_lines
from kubectl_fed.render.describe_text import NONE, columns, fields

HEADERS = ["CLUSTER", "CONTENT", "AGE", "NOTE"]


def copies_lines(fed: FederatedObject, status: CopiesStatus, now: datetime) -> list[str]:
    obj = next((m.obj for m in fed.members if m.obj is not None), None) or {}
    # a Secret's desired-state record holds its data: left out, as kubectl leaves out
    # the last-applied configuration
    hidden = (DESIRED_ANNOTATION,) if fed.kind.secret_data else ()
    pairs: list[tuple[str, str | list[str]]] = [("Name", fed.name)]
    if fed.kind.namespaced:
        pairs.append(("Namespace", fed.namespace))
    pairs += [
        ("Labels", format_labels(labels_of(obj))),
        ("Annotations", annotation_lines(fed.members, hidden)),
    ]
    if not fed.kind.namespaced:
        pairs.append(("Status", str((obj.get("status") or {}).get("phase") or "Active")))
    lines = fields(pairs)
    if "type" in obj:
        lines += ["", *fields([("Type", str(obj["type"]))])]
    if fed.kind.namespaced:
        lines += ["", "Data", "===="]
        lines += _sizes(obj) if fed.kind.secret_data else _values(obj)
    rows = [HEADERS, *(_row(row, now) for row in status.rows)]
    return [*lines, "Clusters:", *columns(rows)]


def _sizes(obj: dict[str, Any]) -> list[str]:
    """`key:  N bytes`, as kubectl describe secret prints them."""
    sizes = {key: _decoded_size(value) for key, value in (obj.get("data") or {}).items()}
    sizes.update({key: len(str(v).encode()) for key, v in (obj.get("stringData") or {}).items()})
    return fields([(key, f"{size} bytes") for key, size in sorted(sizes.items())]) if sizes else []


def _decoded_size(value: object) -> int:
    try:
        return len(base64.b64decode(str(value), validate=True))
    except (binascii.Error, ValueError):
        return len(str(value))


def _values(obj: dict[str, Any]) -> list[str]:
    """Each key, a rule, then its value, as kubectl describe configmap prints them."""
    lines: list[str] = []
    for key, value in sorted((obj.get("data") or {}).items()):
        lines += [escaped(f"{key}:"), "----", *(escaped(line) for line in str(value).splitlines())]
    binary = sorted(obj.get("binaryData") or {})
    if binary:
        lines += ["", "BinaryData", "===="]
        sizes = [(key, f"{_decoded_size(obj['binaryData'][key])} bytes") for key in binary]
        lines += fields(sizes)
    return lines or [NONE]


def _row(row: CopyRow, now: datetime) -> list[str]:
    if row.presence is not Presence.PRESENT:
        where = MISSING if row.presence is Presence.MISSING else ERROR
        return [row.cluster, where, "-", row.note]
    return [row.cluster, "same" if row.same else "differs", age(row.created, now), row.note]
