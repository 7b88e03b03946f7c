"""Kinds declared alike: the replicated ones, whose replicas are split among the members as
Federation v1 split a ReplicaSet's, and the copied ones, fanned out as written."""

from __future__ import annotations

from kubectl_fed.core.kinds.cells import pod_template_wide
from kubectl_fed.core.kinds.spec import Api, Cells, Columns, Kind, NameRule, StatusFold
from kubectl_fed.core.kinds.validation import POD_TEMPLATE_SHAPES, replicated_pods_problem


def replicated(api: Api, headers: tuple[str, ...], cells: Cells) -> Kind:
    """A workload with a selector and a pod template whose `spec.replicas` is split."""
    wide = ("CONTAINERS", "IMAGES", "SELECTOR")
    return Kind(
        api,
        shapes=POD_TEMPLATE_SHAPES,
        spec_check=replicated_pods_problem,
        columns=Columns(headers, cells, wide, pod_template_wide),
        fold=StatusFold.REPLICAS,
        splits_replicas=True,
        converged=True,
    )


def copied(
    api: Api,
    columns: Columns,
    shapes: tuple[tuple[str, object], ...] = (),
    name_rule: NameRule = NameRule.SUBDOMAIN,
    namespaced: bool = True,
    secret_data: bool = False,
) -> Kind:
    """A kind every member holds the same copy of, with no semantics beyond the markers."""
    return Kind(
        api,
        name_rule,
        namespaced,
        shapes,
        columns=columns,
        fold=StatusFold.COPIES,
        secret_data=secret_data,
    )
