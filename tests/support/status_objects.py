"""Member objects and snapshots for the status and describe tests (no servers)."""

from __future__ import annotations

import copy
from typing import Any

from kubectl_fed.core.members.results import ClusterError, ClusterResult, Reason
from kubectl_fed.core.status.fold import Snapshot

CREATED = "2026-01-02T02:59:05Z"  # five minutes before the tests' NOW
UID = "ff1107f83ed600c0"
GLBC = "ingress.kubernetes.io/"

Obj = dict[str, Any]


def ingress(ip: str | None = "130.211.5.194", uid: str = UID, **spec: Any) -> Obj:
    annotations = {
        "kubernetes.io/ingress.class": "gce",
        GLBC + "forwarding-rule": f"k8s-fw-default-myingress--{uid}",
        GLBC + "static-ip": f"k8s-fw-default-myingress--{uid}",
        GLBC + "target-proxy": f"k8s-tp-default-myingress--{uid}",
        GLBC + "url-map": f"k8s-um-default-myingress--{uid}",
        GLBC + "backends": f'{{"k8s-be-30301--{uid}":"HEALTHY"}}',
    }
    obj: Obj = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {
            "name": "myingress",
            "namespace": "default",
            "uid": f"uid-{ip}",
            "creationTimestamp": CREATED,
            "annotations": annotations if ip else {"kubernetes.io/ingress.class": "gce"},
        },
        "spec": spec or {"defaultBackend": backend("nginx", 80)},
        "status": {"loadBalancer": {"ingress": [{"ip": ip}]}} if ip else {},
    }
    return obj


def backend(service: str, port: int | str) -> Obj:
    key = "number" if isinstance(port, int) else "name"
    return {"service": {"name": service, "port": {key: port}}}


def service(
    name: str = "nginx", node_port: int | None = 30301, cluster_ip: str = "10.0.0.1"
) -> Obj:
    port: Obj = {"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}
    if node_port:
        port["nodePort"] = node_port
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": CREATED},
        "spec": {
            "type": "NodePort",
            "clusterIP": cluster_ip,
            "selector": {"app": name},
            "ports": [port],
        },
    }


def endpoints(ready: list[str], not_ready: tuple[str, ...] = (), name: str = "nginx") -> Obj:
    subset: Obj = {"ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}
    if ready:
        subset["addresses"] = [{"ip": ip} for ip in ready]
    if not_ready:
        subset["notReadyAddresses"] = [{"ip": ip} for ip in not_ready]
    return {"metadata": {"name": name, "namespace": "default"}, "subsets": [subset]}


def event(reason: str, message: str, last: str, count: int = 1, first: str | None = None) -> Obj:
    return {
        "type": "Warning" if reason == "Sync" else "Normal",
        "reason": reason,
        "message": message,
        "source": {"component": "loadbalancer-controller"},
        "count": count,
        "firstTimestamp": first or last,
        "lastTimestamp": last,
    }


def snapshot(obj: Obj | None, ready: list[str] | None = None, **extra: Any) -> Snapshot:
    """A member with `obj`, the nginx Service and Endpoints with `ready` addresses."""
    services = {"nginx": service()} if ready is not None else {}
    found = {"nginx": endpoints(ready)} if ready is not None else {}
    fields: dict[str, Any] = {"services": services, "endpoints": found, **extra}
    return Snapshot(copy.deepcopy(obj), **fields)


def ok(cluster: str, snap: Snapshot) -> ClusterResult[Snapshot]:
    return ClusterResult(cluster, value=snap)


def unreachable(cluster: str) -> ClusterResult[Snapshot]:
    return ClusterResult(cluster, error=ClusterError(Reason.UNREACHABLE, "connection refused"))


def replicaset(desired: int, ready: int, total: int | None = 6, prefs: str | None = None) -> Obj:
    annotations: dict[str, str] = {}
    if total is not None:
        annotations["kubectl-fed.io/total-replicas"] = str(total)
    if prefs is not None:
        annotations["federation.kubernetes.io/replica-set-preferences"] = prefs
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": "nginx",
            "namespace": "default",
            "creationTimestamp": CREATED,
            "annotations": annotations,
        },
        "spec": {
            "replicas": desired,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}},
        },
        "status": {"replicas": desired, "readyReplicas": ready, "availableReplicas": ready},
    }
