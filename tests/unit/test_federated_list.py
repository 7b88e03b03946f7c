"""A FederatedList read back as one object per (kind, namespace, name)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kubectl_fed.core.manifests.federated_list import as_federated, federated_objects
from kubectl_fed.errors import UsageError

STATIC_IP = "kubernetes.io/ingress.global-static-ip-name"


def ingress(static_ip: str | None, recorded: dict[str, str]) -> dict[str, Any]:
    annotations = {
        "ingress.kubernetes.io/backends": "{}",
        "kubectl-fed.io/desired": json.dumps({"metadata": {"annotations": recorded}}),
        "kubectl-fed.io/written-at": "2026-01-01T00:00:00.000000Z",
    }
    if static_ip:
        annotations[STATIC_IP] = static_ip
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "web", "namespace": "default", "uid": "u", "annotations": annotations},
        "status": {"loadBalancer": {}},
    }


def test_what_the_members_assign_is_left_out() -> None:
    leader, follower = ingress(None, {}), ingress("k8s-fw-x", {})
    assert as_federated(leader) == as_federated(follower)
    assert as_federated(leader)["metadata"] == {"name": "web", "namespace": "default"}
    users = as_federated(ingress("mine", {STATIC_IP: "mine"}))
    assert users["metadata"]["annotations"] == {STATIC_IP: "mine"}
    share = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "rs", "annotations": {"kubectl-fed.io/total-replicas": "7"}},
        "spec": {"replicas": 3},
    }
    assert as_federated(share)["spec"]["replicas"] == 7
    service = {"kind": "Service", "metadata": {"name": "s"}, "spec": {"clusterIP": "10.0.0.1"}}
    assert as_federated(service)["spec"] == {}


def test_copies_must_agree_unless_one_is_chosen() -> None:
    document = {
        "items": [
            {"cluster": "a", "object": ingress(None, {})},
            {"cluster": "b", "object": {**ingress(None, {}), "spec": {"x": 1}}},
        ]
    }
    with pytest.raises(UsageError, match=r"the copies differ \(a vs b\)"):
        list(federated_objects("-", document, None))
    [(origin, chosen)] = list(federated_objects("-", document, "b"))
    assert origin == "-: ingress default/web" and chosen["spec"] == {"x": 1}
