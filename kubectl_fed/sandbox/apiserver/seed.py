"""What a fresh cluster holds: system namespaces, nodes in three zones, GLBC's `ingress-uid`
and GKE's default backend (`kube-system/default-http-backend` and its ReplicaSet)."""

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
# GKE's default backend: where GLBC sends what no rule of an ingress matches.
DEFAULT_BACKEND = ("kube-system", "default-http-backend")
DEFAULT_BACKEND_PORT = 80
DEFAULT_BACKEND_LABELS = {"k8s-app": "glbc"}
DEFAULT_BACKEND_IMAGE = "registry.k8s.io/defaultbackend-amd64:1.5"


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


def default_backend_node_port(cluster_index: int) -> int:
    """GKE allocates the default backend's node port at random, so it differs per cluster;
    the sandbox's are spread over 32000-32699, clear of the ports tests ask for."""
    return 32000 + (37 * cluster_index) % 700


def seed(store: Store, cluster: str, region: str, cluster_index: int = 0) -> None:
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
    _default_backend(store, default_backend_node_port(cluster_index))


def _default_backend(store: Store, node_port: int) -> None:
    namespace, name = DEFAULT_BACKEND
    labels = {**DEFAULT_BACKEND_LABELS, "kubernetes.io/name": "GLBCDefaultBackend"}
    port = {"name": "http", "port": DEFAULT_BACKEND_PORT, "protocol": "TCP"}
    service = {
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "type": "NodePort",
            "selector": dict(DEFAULT_BACKEND_LABELS),
            "ports": [{**port, "targetPort": 8080, "nodePort": node_port}],
        },
    }
    store.create("services", namespace, service)
    container = {
        "name": name,
        "image": DEFAULT_BACKEND_IMAGE,
        "ports": [{"containerPort": 8080, "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "10m", "memory": "20Mi"}},
    }
    replicaset = {
        "metadata": {"name": "l7-default-backend", "labels": dict(DEFAULT_BACKEND_LABELS)},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": dict(DEFAULT_BACKEND_LABELS)},
            "template": {
                "metadata": {"labels": dict(DEFAULT_BACKEND_LABELS)},
                "spec": {"containers": [container]},
            },
        },
    }
    store.create("replicasets", namespace, replicaset)
