"""What a fresh cluster holds: system namespaces, nodes in three zones, GLBC's `ingress-uid`."""

from __future__ import annotations

import secrets
from typing import Any

from kubectl_fed.sandbox.apiserver.store import Store

KUBERNETES_VERSION = "v1.29.10-gke.1000"
ZONE_SUFFIXES = ("a", "b", "c")
NODE_CAPACITY = {
    "cpu": "4",
    "memory": "16393872Ki",
    "pods": "110",
    "ephemeral-storage": "98831908Ki",
}
INGRESS_UID_CONFIGMAP = ("kube-system", "ingress-uid")


def new_glbc_uid() -> str:
    """16 hex characters, the shape of a fresh GKE cluster's `ingress-uid` values."""
    return secrets.token_hex(8)


def _node(cluster: str, region: str, index: int, suffix: str) -> dict[str, Any]:
    zone = f"{region}-{suffix}"
    name = f"gke-{cluster}-default-pool-{secrets.token_hex(4)}-{suffix}{index}"
    address = f"10.128.{index}.{10 + ZONE_SUFFIXES.index(suffix)}"
    return {
        "metadata": {
            "name": name,
            "labels": {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "node.kubernetes.io/instance-type": "e2-standard-4",
                "cloud.google.com/gke-nodepool": "default-pool",
                "topology.kubernetes.io/region": region,
                "topology.kubernetes.io/zone": zone,
            },
        },
        "spec": {
            "providerID": f"gce://kubectl-fed-sandbox/{zone}/{name}",
            "podCIDR": "10.4.0.0/24",
        },
        "status": {
            "capacity": dict(NODE_CAPACITY),
            "allocatable": dict(NODE_CAPACITY, cpu="3920m", memory="13292432Ki"),
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True",
                    "reason": "KubeletReady",
                    "message": "kubelet is posting ready status",
                }
            ],
            "addresses": [
                {"type": "InternalIP", "address": address},
                {"type": "Hostname", "address": name},
            ],
            "nodeInfo": {
                "machineID": secrets.token_hex(16),
                "systemUUID": secrets.token_hex(16),
                "bootID": secrets.token_hex(16),
                "kubeletVersion": KUBERNETES_VERSION,
                "kubeProxyVersion": KUBERNETES_VERSION,
                "osImage": "Container-Optimized OS from Google",
                "kernelVersion": "6.1.100+",
                "containerRuntimeVersion": "containerd://1.7.22",
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
        },
    }


def seed(store: Store, cluster: str, region: str) -> None:
    """Populate a new store the way a fresh GKE cluster in `region` looks."""
    for namespace in ("default", "kube-system", "kube-public", "kube-node-lease"):
        store.create("namespaces", None, {"metadata": {"name": namespace}})
    for index, suffix in enumerate(ZONE_SUFFIXES):
        store.create("nodes", None, _node(cluster, region, index, suffix))
    namespace, name = INGRESS_UID_CONFIGMAP
    data = {"uid": new_glbc_uid(), "provider-uid": new_glbc_uid()}
    store.create("configmaps", namespace, {"metadata": {"name": name}, "data": data})
    store.create(
        "ingressclasses",
        None,
        {"metadata": {"name": "gce"}, "spec": {"controller": "k8s.io/ingress-gce"}},
    )
    kubernetes = {
        "metadata": {
            "name": "kubernetes",
            "labels": {"component": "apiserver", "provider": "kubernetes"},
        },
        "spec": {
            "clusterIP": store.services.kubernetes_ip,
            "ports": [{"name": "https", "port": 443, "targetPort": 443}],
        },
    }
    store.create("services", "default", kubernetes)
