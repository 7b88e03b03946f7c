"""The JSON patch that takes the federation's markers off a copy."""

from __future__ import annotations

from typing import Any

from kubectl_fed.core.writes.unfederate import marker_removal


def copy_with(labels: dict[str, str], annotations: dict[str, str]) -> dict[str, Any]:
    return {"metadata": {"name": "web", "labels": labels, "annotations": annotations}}


def test_every_marker_is_tested_then_removed_others_stay() -> None:
    obj = copy_with(
        {"app": "web", "app.kubernetes.io/managed-by": "kubectl-fed"},
        {
            "kubectl-fed.io/federation": "default",
            "kubectl-fed.io/total-replicas": "6",
            "ingress.kubernetes.io/backends": "{}",
        },
    )
    assert marker_removal(obj) == [
        {
            "op": "test",
            "path": "/metadata/annotations/kubectl-fed.io~1federation",
            "value": "default",
        },
        {"op": "remove", "path": "/metadata/annotations/kubectl-fed.io~1federation"},
        {
            "op": "test",
            "path": "/metadata/annotations/kubectl-fed.io~1total-replicas",
            "value": "6",
        },
        {"op": "remove", "path": "/metadata/annotations/kubectl-fed.io~1total-replicas"},
        {
            "op": "test",
            "path": "/metadata/labels/app.kubernetes.io~1managed-by",
            "value": "kubectl-fed",
        },
        {"op": "remove", "path": "/metadata/labels/app.kubernetes.io~1managed-by"},
    ]


def test_someone_elses_managed_by_label_and_a_bare_copy_are_left_alone() -> None:
    helm = copy_with({"app.kubernetes.io/managed-by": "Helm"}, {"note": "x"})
    assert marker_removal(helm) == []
    assert marker_removal({"metadata": {"name": "web"}}) == []
