"""Namespace (v1, cluster-scoped): created in every member, as `--create-namespace` does."""

from __future__ import annotations

from kubectl_fed.core.kinds.cells import status_of
from kubectl_fed.core.kinds.families import copied
from kubectl_fed.core.kinds.spec import Columns, NameRule, api
from kubectl_fed.core.model.objects import KubeObject


def _cells(obj: KubeObject, wide: bool) -> list[str]:
    return [str(status_of(obj).get("phase") or "Active")]


NAMESPACE = copied(
    api("v1", "Namespace", "namespaces", "ns"),
    Columns(("STATUS",), _cells),
    name_rule=NameRule.LABEL,
    namespaced=False,
)
