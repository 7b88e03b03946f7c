"""Graceful deletion, finalizers and the garbage collector, over HTTP."""

from __future__ import annotations

from typing import Any

from kubectl_fed.sandbox.apiserver.errors import ApiError
from kubectl_fed.sandbox.federation import SandboxCluster, SandboxFederation
from tests.support.clients import raw_request
from tests.support.polling import eventually

CONFIGMAPS = "/api/v1/namespaces/default/configmaps"
REPLICASETS = "/apis/apps/v1/namespaces/default/replicasets"
REPLICASET = {
    "metadata": {"name": "web"},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx"}]},
        },
    },
}


def _pods(cluster: SandboxCluster) -> list[dict[str, Any]]:
    return cluster.store.list("pods", "default", "app=web")


def _gone(cluster: SandboxCluster, resource: str, name: str) -> bool:
    try:
        cluster.store.get(resource, "default", name)
    except ApiError:
        return True
    return False


def test_finalizers_hold_a_deleted_object_until_removed(member: SandboxFederation) -> None:
    cluster = member.clusters[0]
    held = {"metadata": {"name": "held", "finalizers": ["example.com/hold"]}}
    assert raw_request(member, cluster, "POST", CONFIGMAPS, held).status == 201
    deleted = raw_request(member, cluster, "DELETE", f"{CONFIGMAPS}/held")
    assert deleted.status == 200 and deleted.json()["kind"] == "ConfigMap"
    meta = deleted.json()["metadata"]
    assert meta["deletionTimestamp"] and meta["deletionGracePeriodSeconds"] == 0
    merge = {"Content-Type": "application/merge-patch+json"}
    more = {"metadata": {"finalizers": ["example.com/hold", "example.com/more"]}}
    refused = raw_request(member, cluster, "PATCH", f"{CONFIGMAPS}/held", more, headers=merge)
    assert refused.status == 422 and refused.json()["message"].endswith(
        "metadata.finalizers: Forbidden: no new finalizers can be added if the object is being "
        'deleted, found new finalizers []string{"example.com/more"}'
    )
    assert raw_request(member, cluster, "GET", f"{CONFIGMAPS}/held").status == 200
    released = {"metadata": {"finalizers": None}}
    raw_request(member, cluster, "PATCH", f"{CONFIGMAPS}/held", released, headers=merge)
    assert raw_request(member, cluster, "GET", f"{CONFIGMAPS}/held").status == 404


def test_a_bound_pod_is_terminating_then_the_kubelet_removes_it(
    member: SandboxFederation,
) -> None:
    cluster = member.clusters[0]
    cluster.store.create("replicasets", "default", REPLICASET)
    pod = eventually(lambda: next((p for p in _pods(cluster) if p["spec"].get("nodeName")), None))
    name = pod["metadata"]["name"]
    deleted = raw_request(member, cluster, "DELETE", f"/api/v1/namespaces/default/pods/{name}")
    assert deleted.json()["metadata"]["deletionGracePeriodSeconds"] == 30
    assert deleted.json()["metadata"]["deletionTimestamp"]
    eventually(lambda: _gone(cluster, "pods", name))
    eventually(
        lambda: len([p for p in _pods(cluster) if not p["metadata"].get("deletionTimestamp")]) == 2
    )


def test_propagation_policies(member: SandboxFederation) -> None:
    cluster = member.clusters[0]
    cluster.store.create("replicasets", "default", REPLICASET)
    eventually(lambda: len(_pods(cluster)) == 2)
    foreground = raw_request(
        member, cluster, "DELETE", f"{REPLICASETS}/web", {"propagationPolicy": "Foreground"}
    )
    assert foreground.json()["metadata"]["finalizers"] == ["foregroundDeletion"]
    eventually(lambda: _gone(cluster, "replicasets", "web") and not _pods(cluster))

    cluster.store.create("replicasets", "default", REPLICASET)
    eventually(lambda: len(_pods(cluster)) == 2)
    orphan = raw_request(
        member, cluster, "DELETE", f"{REPLICASETS}/web", {"propagationPolicy": "Orphan"}
    )
    assert orphan.status == 200 and _gone(cluster, "replicasets", "web")
    left = _pods(cluster)
    assert len(left) == 2 and not any(p["metadata"].get("ownerReferences") for p in left)
    bad = raw_request(member, cluster, "DELETE", f"{CONFIGMAPS}/x?propagationPolicy=Later")
    assert bad.status == 400 and "Unsupported value" in bad.json()["message"]
