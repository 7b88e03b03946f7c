"""Deployment (apps/v1): replicas split among the members like a ReplicaSet's."""

from __future__ import annotations

from kubectl_fed.core.kinds import folds
from kubectl_fed.core.kinds.cells import pod_template_wide, spec_of, status_of
from kubectl_fed.core.kinds.spec import Columns, Kind, NameRule
from kubectl_fed.core.model.objects import KubeObject
from kubectl_fed.core.model.validation import POD_TEMPLATE_SHAPES, replicated_pods_problem


def _cells(obj: KubeObject, wide: bool) -> list[str]:
    status = status_of(obj)
    ready = f"{status.get('readyReplicas') or 0}/{spec_of(obj).get('replicas', 1)}"
    return [
        ready,
        str(status.get("updatedReplicas") or 0),
        str(status.get("availableReplicas") or 0),
    ]


DEPLOYMENT = Kind(
    kind="Deployment",
    group="apps",
    version="v1",
    plural="deployments",
    singular="deployment",
    short_names=("deploy",),
    name_rule=NameRule.SUBDOMAIN,
    shapes=POD_TEMPLATE_SHAPES,
    spec_check=replicated_pods_problem,
    columns=Columns(
        ("READY", "UP-TO-DATE", "AVAILABLE"),
        _cells,
        ("CONTAINERS", "IMAGES", "SELECTOR"),
        pod_template_wide,
    ),
    converged=True,
    fold=folds.replicas("deployment"),
    splits_replicas=True,
)
