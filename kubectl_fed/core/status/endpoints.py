"""Ready and not-ready endpoints of a Service port, read from its Endpoints object."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kubectl_fed.core.model.objects import KubeObject
from kubectl_fed.core.status.fold import Health, Shard


@dataclass(frozen=True)
class EndpointSet:
    ready: tuple[str, ...] = ()  # "ip:port"
    not_ready: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return len(self.ready) + len(self.not_ready)


def service_port(service: KubeObject | None, wanted: str) -> KubeObject | None:
    """The port of `service` an ingress backend names, by number or by name."""
    for port in ((service or {}).get("spec") or {}).get("ports") or []:
        if wanted in (str(port.get("port")), str(port.get("name") or "")):
            return dict(port)
    return None


def endpoint_set(endpoints: KubeObject | None, port_name: str | None = None) -> EndpointSet:
    """Addresses behind one named Service port ("" for an unnamed one); every address
    once, with its first port, when `port_name` is None."""
    ready: list[str] = []
    not_ready: list[str] = []
    for subset in (endpoints or {}).get("subsets") or []:
        ports = [
            p for p in subset.get("ports") or [] if port_name in (None, str(p.get("name") or ""))
        ]
        if port_name is None:
            ports = ports[:1]
        for port in ports or ([{}] if port_name is None else []):
            suffix = f":{port['port']}" if port.get("port") else ""
            ready += [f"{a.get('ip')}{suffix}" for a in subset.get("addresses") or []]
            not_ready += [f"{a.get('ip')}{suffix}" for a in subset.get("notReadyAddresses") or []]
    return EndpointSet(tuple(ready), tuple(not_ready))


def services_shard(
    names: list[str],
    services: Mapping[str, KubeObject],
    endpoints: Mapping[str, KubeObject],
    forbidden: Sequence[str] = (),
) -> Shard:
    """Healthy when every named Service exists and has at least one ready endpoint;
    Unknown when there is none to judge by or they could not be read."""
    if not names:
        return Shard(Health.UNKNOWN, reason="no backend services")
    if "services" in forbidden or "endpoints" in forbidden:
        return Shard(Health.UNKNOWN)
    ready = total = 0
    problems: list[str] = []
    for name in names:
        found = endpoint_set(endpoints.get(name))
        ready += len(found.ready)
        total += found.total
        if name not in services:
            problems.append(f"service {name} not found")
        elif not found.ready:
            detail = f" ({found.total} not ready)" if found.total else ""
            problems.append(f"service {name} has no ready endpoints{detail}")
    health = Health.UNHEALTHY if problems else Health.HEALTHY
    return Shard(health, ready, total, "; ".join(problems))
