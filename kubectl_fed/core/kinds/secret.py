"""Secret (v1): fanned out as written; its values never printed, only keys and sizes."""

from __future__ import annotations

from kubectl_fed.core.kinds.families import copied
from kubectl_fed.core.kinds.spec import Columns, api
from kubectl_fed.core.kinds.validation import STRING_MAP
from kubectl_fed.core.model.objects import KubeObject


def data_count(obj: KubeObject) -> str:
    """kubectl's DATA: the number of keys (stringData merges into data on the server)."""
    keys = {*(obj.get("data") or {}), *(obj.get("stringData") or {})}
    return str(len(keys) + len(obj.get("binaryData") or {}))


def _cells(obj: KubeObject, wide: bool) -> list[str]:
    return [str(obj.get("type") or "Opaque"), data_count(obj)]


SECRET = copied(
    api("v1", "Secret", "secrets"),
    Columns(("TYPE", "DATA"), _cells),
    shapes=(("data", STRING_MAP), ("stringData", STRING_MAP)),
    secret_data=True,
)
