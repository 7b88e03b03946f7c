"""Namespace (v1, cluster-scoped): created in every member, as `--create-namespace` does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubectl_fed.core.kinds.cells import status_of
from kubectl_fed.core.kinds.spec import Columns, Kind, NameRule
from kubectl_fed.core.objects import KubeObject


def _cells(obj: KubeObject, wide: bool) -> list[str]:
    return [str(status_of(obj).get("phase") or "Active")]


def _fold(members: Sequence[Any]) -> Any:
    from kubectl_fed.core.status_copies import copies_status

    return copies_status(members, "namespace")


NAMESPACE = Kind(
    kind="Namespace",
    group="",
    version="v1",
    plural="namespaces",
    singular="namespace",
    short_names=("ns",),
    name_rule=NameRule.LABEL,
    namespaced=False,
    columns=Columns(("STATUS",), _cells),
    fold=_fold,
)
