"""What a simulated GLBC asks of the emulated cloud: one load balancer per ingress."""

from __future__ import annotations

from dataclasses import dataclass, field

from kubectl_fed.sandbox.gce import names

HEALTHY = "HEALTHY"
UNHEALTHY = "UNHEALTHY"


@dataclass(frozen=True)
class Instance:
    """A node of a member cluster, seen from GCE as a VM in a zone."""

    name: str
    zone: str
    ip: str = ""


@dataclass(frozen=True)
class Backend:
    """A Service port exposed on every node, served by one GCE backend service."""

    node_port: int
    service: str  # "namespace/name"
    port: str  # the Service port, as written in the ingress


@dataclass(frozen=True)
class Route:
    host: str  # "" for any host
    path: str  # "" for the host's default
    node_port: int


@dataclass(frozen=True)
class LoadBalancerSpec:
    """Everything one cluster's GLBC knows about one of its ingresses."""

    cluster: str
    namespace: str
    name: str
    uid: str
    firewall_uid: str
    backends: tuple[Backend, ...]  # the first one is the default backend
    routes: tuple[Route, ...] = ()
    tls_secrets: tuple[str, ...] = ()
    static_ip_name: str = ""
    instances: tuple[Instance, ...] = ()
    ready_ports: frozenset[int] = field(default_factory=frozenset)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.cluster, self.namespace, self.name)

    @property
    def lb_name(self) -> str:
        return names.load_balancer(self.namespace, self.name, self.uid)

    @property
    def forwarding_rule(self) -> str:
        return names.forwarding_rule(self.lb_name)

    @property
    def address_name(self) -> str:
        """A named static IP when the ingress asks for one, else GLBC's own reservation."""
        return self.static_ip_name or self.forwarding_rule

    @property
    def zones(self) -> tuple[str, ...]:
        return tuple(sorted({instance.zone for instance in self.instances}))


@dataclass(frozen=True)
class LoadBalancerStatus:
    """What GLBC writes back onto the ingress once its load balancer exists."""

    ip: str
    static_ip: str
    forwarding_rule: str
    target_proxy: str
    url_map: str
    backends: tuple[str, ...]
    https_forwarding_rule: str = ""
    https_target_proxy: str = ""
    ssl_certificates: tuple[str, ...] = ()


class AddressInUseError(Exception):
    """The requested static IP already fronts another load balancer."""
