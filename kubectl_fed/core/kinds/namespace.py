"""Namespace (v1, cluster-scoped): created in every member, as `--create-namespace` does."""

from __future__ import annotations

from kubectl_fed.core.kinds import folds
from kubectl_fed.core.kinds.cells import status_of
from kubectl_fed.core.kinds.spec import Columns, Kind, NameRule
from kubectl_fed.core.model.objects import KubeObject


def _cells(obj: KubeObject, wide: bool) -> list[str]:
    return [str(status_of(obj).get("phase") or "Active")]


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
    fold=folds.copies("namespace"),
)
