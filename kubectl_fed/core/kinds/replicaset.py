"""ReplicaSet (apps/v1): replicas split among the members as Federation v1 did."""

from __future__ import annotations

from kubectl_fed.core.kinds.cells import spec_of, status_counts
from kubectl_fed.core.kinds.families import replicated
from kubectl_fed.core.kinds.spec import api
from kubectl_fed.core.model.objects import KubeObject


def _cells(obj: KubeObject, wide: bool) -> list[str]:
    return [str(spec_of(obj).get("replicas", 1)), *status_counts(obj, "replicas", "readyReplicas")]


REPLICASET = replicated(
    api("apps/v1", "ReplicaSet", "replicasets", "rs"),
    ("DESIRED", "CURRENT", "READY"),
    _cells,
)
