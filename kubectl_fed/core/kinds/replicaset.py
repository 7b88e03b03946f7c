"""ReplicaSet (apps/v1): replicas split among the members as Federation v1 did."""

from __future__ import annotations

from kubectl_fed.core.kinds import folds
from kubectl_fed.core.kinds.cells import pod_template_wide, spec_of, status_of
from kubectl_fed.core.kinds.spec import Columns, Kind, NameRule
from kubectl_fed.core.model.objects import KubeObject
from kubectl_fed.core.model.validation import POD_TEMPLATE_SHAPES, replicated_pods_problem


def _cells(obj: KubeObject, wide: bool) -> list[str]:
    spec, status = spec_of(obj), status_of(obj)
    return [
        str(spec.get("replicas", 1)),
        str(status.get("replicas") or 0),
        str(status.get("readyReplicas") or 0),
    ]


REPLICASET = Kind(
    kind="ReplicaSet",
    group="apps",
    version="v1",
    plural="replicasets",
    singular="replicaset",
    short_names=("rs",),
    name_rule=NameRule.SUBDOMAIN,
    shapes=POD_TEMPLATE_SHAPES,
    spec_check=replicated_pods_problem,
    columns=Columns(
        ("DESIRED", "CURRENT", "READY"),
        _cells,
        ("CONTAINERS", "IMAGES", "SELECTOR"),
        pod_template_wide,
    ),
    converged=True,
    fold=folds.replicas("replicaset"),
    splits_replicas=True,
)
