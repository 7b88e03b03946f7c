"""Node topology of a sandbox cluster: zones, pod capacity and per-node pod networks."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from kubectl_fed.sandbox.apiserver.store import Store

JSON = dict[str, Any]
ZONE_LABEL = "topology.kubernetes.io/zone"
REGION_LABEL = "topology.kubernetes.io/region"
DEFAULT_CAPACITY = 20


@dataclass(frozen=True)
class Topology:
    """`capacity` is the cluster's total in pods, spread evenly over its nodes; `zones`
    (full names such as "us-central1-a"), when given, relabel the nodes round-robin."""

    capacity: int = DEFAULT_CAPACITY
    zones: tuple[str, ...] = ()


def node_capacities(total: int, nodes: int) -> list[int]:
    """`total` split over `nodes` as evenly as possible, larger shares first."""
    return [total // nodes + (1 if i < total % nodes else 0) for i in range(nodes)]


def pod_network(store: Store, node_index: int) -> str:
    """A /24 per node from a /16 per cluster, away from the cluster's service network."""
    cluster_octet = int(str(store.services.network.network_address).split(".")[1])
    return f"10.{(152 + cluster_octet) % 256}.{node_index % 256}.0/24"


def apply_topology(store: Store, topology: Topology) -> None:
    nodes = store.list("nodes")
    if not nodes:
        return
    for index, (node, pods) in enumerate(
        zip(nodes, node_capacities(topology.capacity, len(nodes)), strict=True)
    ):
        name = node["metadata"]["name"]
        labels: JSON = {}
        if topology.zones:
            zone = topology.zones[index % len(topology.zones)]
            labels = {ZONE_LABEL: zone, REGION_LABEL: zone.rsplit("-", 1)[0]}
        spec_patch: JSON = {"spec": {"podCIDR": pod_network(store, index)}}
        if labels:
            spec_patch["metadata"] = {"labels": labels}
        store.patch("nodes", None, name, spec_patch)
        status = {"capacity": {"pods": str(pods)}, "allocatable": {"pods": str(pods)}}
        store.patch("nodes", None, name, {"status": status}, subresource="status")


def allocatable_pods(node: JSON) -> int:
    return int(((node.get("status") or {}).get("allocatable") or {}).get("pods", "0"))


def is_ready(node: JSON) -> bool:
    if (node.get("spec") or {}).get("unschedulable"):
        return False
    conditions = (node.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def zone_of(node: JSON) -> str:
    return str((node["metadata"].get("labels") or {}).get(ZONE_LABEL, ""))


def internal_ip(node: JSON) -> str:
    for address in (node.get("status") or {}).get("addresses") or []:
        if address.get("type") == "InternalIP":
            return str(address.get("address", ""))
    return ""


def free_pod_ip(node: JSON, taken: set[str]) -> str:
    network = ipaddress.ip_network((node.get("spec") or {}).get("podCIDR") or "10.152.0.0/24")
    for host in list(network.hosts())[1:]:  # .1 is the node's bridge
        if str(host) not in taken:
            return str(host)
    return ""
