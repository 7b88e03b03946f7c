"""The global load balancer behind a federated Ingress, as GCE reports it (pure).

`refs_of` names what to read from the GLBC annotations of every member's ingress; the
GCE backend fetches those resources into `LoadBalancerFacts`; `load_balancer_view`
shapes them for describe: the IP and whether every member shows it, each backend
service's healthy instances per cluster (instance groups mapped to clusters by zone),
and whether firewall rules admit Google's health checkers to every node port.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kubectl_fed.core.model.glbc_annotations import GLBC
from kubectl_fed.core.model.objects import annotations_of, key_of

HEALTH_CHECK_RANGES = ("130.211.0.0/22", "35.191.0.0/16")
HEALTHY = "HEALTHY"
# GKE's default backend: GLBC routes to it what no rule of an ingress matches (all of an
# ingress without `spec.defaultBackend`). Each cluster's has a node port of its own, so
# each member adds a backend service `k8s-be-<its port>--<uid>` with only its instance
# groups: normal, never a node-port mismatch.
DEFAULT_BACKEND = ("kube-system", "default-http-backend")


def default_backend_ports(services: Sequence[Mapping[str, Any]]) -> frozenset[int]:
    """The node ports of a member's default backend, from its Services (every namespace)."""
    for service in services:
        if key_of(service) == DEFAULT_BACKEND:
            ports = (service.get("spec") or {}).get("ports") or []
            return frozenset(int(p["nodePort"]) for p in ports if p.get("nodePort"))
    return frozenset()


@dataclass(frozen=True)
class LoadBalancerRefs:
    """GCE resource names the members' GLBCs wrote onto their ingresses, each once."""

    forwarding_rules: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    target_proxies: tuple[str, ...] = ()
    https_target_proxies: tuple[str, ...] = ()
    url_maps: tuple[str, ...] = ()
    backend_services: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.forwarding_rules)


@dataclass(frozen=True)
class ForwardingRule:
    name: str
    ip: str
    port_range: str = ""
    target: str = ""


@dataclass(frozen=True)
class GlobalAddress:
    name: str
    ip: str
    status: str = ""


@dataclass(frozen=True)
class InstanceHealth:
    instance: str  # link
    state: str


@dataclass(frozen=True)
class GroupHealth:
    group: str  # link: .../zones/<zone>/instanceGroups/<name>
    instances: tuple[InstanceHealth, ...] = ()
    error: str = ""

    @property
    def zone(self) -> str:
        parts = self.group.rstrip("/").split("/")
        return parts[parts.index("zones") + 1] if "zones" in parts[:-1] else ""


@dataclass(frozen=True)
class BackendService:
    name: str
    port: int
    groups: tuple[GroupHealth, ...] = ()
    health_checks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Firewall:
    name: str
    source_ranges: tuple[str, ...]
    tcp_ports: tuple[str, ...]  # "30301", "30000-32767"; ("all",) when every port
    disabled: bool = False


@dataclass(frozen=True)
class LoadBalancerFacts:
    """What the GCE backend read; `problems` are one-line reasons for what it could not."""

    project: str
    forwarding_rules: tuple[ForwardingRule, ...] = ()
    addresses: tuple[GlobalAddress, ...] = ()
    url_maps: tuple[str, ...] = ()
    backend_services: tuple[BackendService, ...] = ()
    firewalls: tuple[Firewall, ...] = ()
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClusterHealth:
    cluster: str  # a member, or "zone <zone>" for a group no member's nodes are in
    healthy: int
    total: int


@dataclass(frozen=True)
class BackendView:
    name: str
    node_port: int
    clusters: tuple[ClusterHealth, ...]


@dataclass(frozen=True)
class FirewallView:
    rules: tuple[str, ...]  # enabled rules admitting health checkers to some node port
    uncovered: tuple[str, ...]  # "tcp:30301 from 35.191.0.0/16"

    @property
    def ok(self) -> bool:
        return not self.uncovered


@dataclass(frozen=True)
class LoadBalancerView:
    inspected: bool
    message: str = ""  # why it was not inspected
    project: str = ""
    forwarding_rules: tuple[ForwardingRule, ...] = ()
    mismatched: tuple[tuple[str, str], ...] = ()  # (cluster, address) not the LB's IP
    backends: tuple[BackendView, ...] = ()
    firewall: FirewallView | None = None
    problems: tuple[str, ...] = ()

    @property
    def ips(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(rule.ip for rule in self.forwarding_rules if rule.ip))


def not_inspected(message: str) -> LoadBalancerView:
    return LoadBalancerView(inspected=False, message=message)


def refs_of(ingresses: Sequence[Mapping[str, Any]]) -> LoadBalancerRefs:
    def names(*keys: str) -> tuple[str, ...]:
        found = [_annotations(obj).get(GLBC + key, "") for obj in ingresses for key in keys]
        return tuple(dict.fromkeys(name for name in found if name))

    backends = [name for obj in ingresses for name in _backend_names(obj)]
    return LoadBalancerRefs(
        forwarding_rules=names("forwarding-rule", "https-forwarding-rule"),
        addresses=names("static-ip"),
        target_proxies=names("target-proxy"),
        https_target_proxies=names("https-target-proxy"),
        url_maps=names("url-map"),
        backend_services=tuple(dict.fromkeys(backends)),
    )


def load_balancer_view(
    facts: LoadBalancerFacts,
    addresses: Sequence[tuple[str, str]],
    zones: Mapping[str, Sequence[str]],
) -> LoadBalancerView:
    """`addresses`: (cluster, ingress address) of members that have one; `zones`: each
    member's node zones, in member order."""
    ips = {rule.ip for rule in facts.forwarding_rules}
    return LoadBalancerView(
        inspected=True,
        project=facts.project,
        forwarding_rules=facts.forwarding_rules,
        mismatched=tuple((c, a) for c, a in addresses if a not in ips),
        backends=tuple(_backend(service, zones) for service in facts.backend_services),
        firewall=firewall_view(facts.firewalls, [s.port for s in facts.backend_services]),
        problems=facts.problems,
    )


def _backend(service: BackendService, zones: Mapping[str, Sequence[str]]) -> BackendView:
    """Instances per member; groups in no member's zones (e.g. of a member that did not
    answer) together under "zones <zone>,<zone>"."""
    counts: dict[str, list[int]] = {cluster: [0, 0] for cluster in zones}
    unmapped: dict[str, None] = {}
    for group in service.groups:
        owner = next((c for c, z in zones.items() if group.zone in z), None)
        if owner is None:
            unmapped[group.zone] = None
        count = counts.setdefault(owner or "", [0, 0])
        count[0] += sum(1 for i in group.instances if i.state == HEALTHY)
        count[1] += len(group.instances)
    label = ("zone " if len(unmapped) == 1 else "zones ") + ",".join(unmapped)
    clusters = tuple(
        ClusterHealth(cluster or label, healthy, total)
        for cluster, (healthy, total) in counts.items()
        if total
    )
    return BackendView(service.name, service.port, clusters)


def firewall_view(firewalls: Sequence[Firewall], node_ports: Sequence[int]) -> FirewallView:
    """Which (node port, health-check range) pairs no enabled rule admits."""
    admitting: dict[str, None] = {}
    uncovered = []
    for port in sorted(set(node_ports)):
        for source in HEALTH_CHECK_RANGES:
            rules = [f.name for f in firewalls if _admits(f, port, source)]
            admitting.update(dict.fromkeys(rules))
            if not rules:
                uncovered.append(f"tcp:{port} from {source}")
    return FirewallView(tuple(sorted(admitting)), tuple(uncovered))


def _admits(rule: Firewall, port: int, source: str) -> bool:
    if rule.disabled or not any(_within(source, allowed) for allowed in rule.source_ranges):
        return False
    return any(_port_in(port, spec) for spec in rule.tcp_ports)


def _within(source: str, allowed: str) -> bool:
    try:
        inner = ipaddress.IPv4Network(source)
        outer = ipaddress.IPv4Network(allowed, strict=False)
    except ValueError:
        return False  # an IPv6 range cannot hold the IPv4 health-check ranges
    return inner.subnet_of(outer)


def _port_in(port: int, spec: str) -> bool:
    if spec == "all":
        return True
    low, _, high = spec.partition("-")
    try:
        return int(low) <= port <= int(high or low)
    except ValueError:
        return False


def _annotations(obj: Mapping[str, Any]) -> dict[str, str]:
    return annotations_of(obj)


def _backend_names(obj: Mapping[str, Any]) -> list[str]:
    try:
        states = json.loads(_annotations(obj).get(GLBC + "backends") or "{}")
    except (ValueError, RecursionError):
        return []
    return [str(name) for name in states] if isinstance(states, dict) else []
