"""Deployment (apps/v1): replicas split among the members like a ReplicaSet's."""

from __future__ import annotations

from kubectl_fed.core.kinds.cells import spec_of, status_counts, status_of
from kubectl_fed.core.kinds.families import replicated
from kubectl_fed.core.kinds.spec import api
from kubectl_fed.core.model.objects import KubeObject


def _cells(obj: KubeObject, wide: bool) -> list[str]:
    ready = f"{status_of(obj).get('readyReplicas') or 0}/{spec_of(obj).get('replicas', 1)}"
    return [ready, *status_counts(obj, "updatedReplicas", "availableReplicas")]


DEPLOYMENT = replicated(
    api("apps/v1", "Deployment", "deployments", "deploy"),
    ("READY", "UP-TO-DATE", "AVAILABLE"),
    _cells,
)
