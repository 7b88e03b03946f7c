"""Pure derivation of the GCE resources the GLBCs' load balancers consist of.

Resources are keyed by name, so load balancers of clusters that agree on a GLBC UID
(and hence produce the same names) merge into one shared set, as they do on GCP.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kubectl_fed.sandbox.gce import names
from kubectl_fed.sandbox.gce.model import Instance, LoadBalancerSpec

Body = dict[str, Any]
GLOBAL = "global"
HEALTH_CHECK_RANGES = ("130.211.0.0/22", "35.191.0.0/16")

# collection -> compute kind (singular); list kinds add "List".
KINDS = {
    "addresses": "address",
    "forwardingRules": "forwardingRule",
    "targetHttpProxies": "targetHttpProxy",
    "targetHttpsProxies": "targetHttpsProxy",
    "sslCertificates": "sslCertificate",
    "urlMaps": "urlMap",
    "backendServices": "backendService",
    "healthChecks": "healthCheck",
    "firewalls": "firewall",
    "instanceGroups": "instanceGroup",
}


@dataclass
class Links:
    """selfLink URLs, in the form GCP returns them."""

    project: str
    base: str = "https://www.googleapis.com/compute/v1"

    def of(self, collection: str, name: str, scope: str = GLOBAL) -> str:
        where = GLOBAL if scope == GLOBAL else f"zones/{scope}"
        return f"{self.base}/projects/{self.project}/{where}/{collection}/{name}"

    def zone(self, zone: str) -> str:
        return f"{self.base}/projects/{self.project}/zones/{zone}"

    def instance(self, instance: Instance) -> str:
        return f"{self.zone(instance.zone)}/instances/{instance.name}"

    def network(self) -> str:
        return f"{self.base}/projects/{self.project}/global/networks/default"


@dataclass
class Inventory:
    """Every derived resource: (collection, scope) -> name -> body (without id/timestamps)."""

    tables: dict[tuple[str, str], dict[str, Body]] = field(default_factory=dict)

    def put(self, collection: str, name: str, body: Body, scope: str = GLOBAL) -> Body:
        table = self.tables.setdefault((collection, scope), {})
        return table.setdefault(name, {"name": name, **body})


def derive(
    specs: Iterable[LoadBalancerSpec], addresses: Mapping[str, str], links: Links
) -> Inventory:
    inventory = Inventory()
    for spec in specs:
        _add_load_balancer(inventory, spec, addresses[spec.address_name], links)
    return inventory


def _add_load_balancer(inv: Inventory, spec: LoadBalancerSpec, ip: str, links: Links) -> None:
    address = inv.put("addresses", spec.address_name, _address(ip))
    um = _add_url_map(inv, spec, links)
    frontends = [(False, ())] if not spec.tls_secrets else [(False, ()), (True, spec.tls_secrets)]
    for https, secrets in frontends:
        proxy_collection = "targetHttpsProxies" if https else "targetHttpProxies"
        proxy = names.target_proxy(spec.lb_name, https)
        proxy_body: Body = {"urlMap": links.of("urlMaps", um)}
        if https:
            proxy_body["sslCertificates"] = [
                links.of("sslCertificates", _add_certificate(inv, spec, secret))
                for secret in secrets
            ]
        inv.put(proxy_collection, proxy, proxy_body)
        rule = names.forwarding_rule(spec.lb_name, https)
        target = links.of(proxy_collection, proxy)
        inv.put("forwardingRules", rule, _forwarding_rule(spec, ip, target, https))
        _append_unique(address.setdefault("users", []), links.of("forwardingRules", rule))
    for backend in spec.backends:
        _add_backend(inv, spec, backend.node_port, links)
    _add_firewall(inv, spec, links)


def _address(ip: str) -> Body:
    return {
        "address": ip,
        "addressType": "EXTERNAL",
        "ipVersion": "IPV4",
        "networkTier": "PREMIUM",
        "status": "IN_USE",
    }


def _forwarding_rule(spec: LoadBalancerSpec, ip: str, target: str, https: bool) -> Body:
    port = 443 if https else 80
    return {
        "IPAddress": ip,
        "IPProtocol": "TCP",
        "portRange": f"{port}-{port}",
        "target": target,
        "loadBalancingScheme": "EXTERNAL",
        "networkTier": "PREMIUM",
        "description": json.dumps({"kubernetes.io/ingress-name": f"{spec.namespace}/{spec.name}"}),
    }


def _add_certificate(inv: Inventory, spec: LoadBalancerSpec, secret: str) -> str:
    name = names.ssl_certificate(spec.lb_name, f"{spec.namespace}/{secret}", spec.uid)
    inv.put("sslCertificates", name, {"type": "SELF_MANAGED", "description": secret})
    return name


def _add_url_map(inv: Inventory, spec: LoadBalancerSpec, links: Links) -> str:
    name = names.url_map(spec.lb_name)

    def service(node_port: int) -> str:
        return links.of("backendServices", names.backend_service(node_port, spec.uid))

    hosts = sorted({route.host or "*" for route in spec.routes})
    matchers: list[Body] = []
    for index, host in enumerate(hosts):
        rules = [r for r in spec.routes if (r.host or "*") == host and r.path]
        default = next((r for r in spec.routes if (r.host or "*") == host and not r.path), None)
        port = default.node_port if default else spec.backends[0].node_port
        path_rules = [{"paths": [r.path], "service": service(r.node_port)} for r in rules]
        matchers.append({"name": f"host{index}", "defaultService": service(port)})
        if path_rules:
            matchers[-1]["pathRules"] = path_rules
    body: Body = {"defaultService": service(spec.backends[0].node_port)}
    if matchers:
        body["hostRules"] = [
            {"hosts": [host], "pathMatcher": f"host{i}"} for i, host in enumerate(hosts)
        ]
        body["pathMatchers"] = matchers
    inv.put("urlMaps", name, body)
    return name


def _add_backend(inv: Inventory, spec: LoadBalancerSpec, node_port: int, links: Links) -> None:
    name = names.backend_service(node_port, spec.uid)
    backend = next(b for b in spec.backends if b.node_port == node_port)
    inv.put("healthChecks", name, _health_check(node_port))
    service = inv.put(
        "backendServices",
        name,
        {
            "protocol": "HTTP",
            "port": node_port,
            "portName": names.named_port(node_port),
            "timeoutSec": 30,
            "loadBalancingScheme": "EXTERNAL",
            "healthChecks": [links.of("healthChecks", name)],
            "description": json.dumps(
                {
                    "kubernetes.io/service-name": backend.service,
                    "kubernetes.io/service-port": backend.port,
                }
            ),
        },
    )
    group_name = names.instance_group(spec.uid)
    for zone in spec.zones:
        group = _add_instance_group(inv, spec, zone, links)
        group_link = links.of("instanceGroups", group_name, zone)
        _append_unique(
            service.setdefault("backends", []),
            {
                "group": group_link,
                "balancingMode": "RATE",
                "maxRatePerInstance": 1.0,
                "capacityScaler": 1.0,
            },
        )
        _append_unique(
            group.setdefault("namedPorts", []),
            {"name": names.named_port(node_port), "port": node_port},
        )


def _health_check(node_port: int) -> Body:
    return {
        "type": "HTTP",
        "httpHealthCheck": {"port": node_port, "requestPath": "/", "proxyHeader": "NONE"},
        "checkIntervalSec": 60,
        "timeoutSec": 60,
        "healthyThreshold": 1,
        "unhealthyThreshold": 10,
    }


def _add_instance_group(inv: Inventory, spec: LoadBalancerSpec, zone: str, links: Links) -> Body:
    name = names.instance_group(spec.uid)
    body = inv.put(
        "instanceGroups",
        name,
        {"zone": links.zone(zone), "network": links.network(), "instances": []},
        scope=zone,
    )
    for instance in spec.instances:
        if instance.zone == zone:
            _append_unique(body["instances"], links.instance(instance))
    body["size"] = len(body["instances"])
    return body


def _add_firewall(inv: Inventory, spec: LoadBalancerSpec, links: Links) -> None:
    body = inv.put(
        "firewalls",
        names.firewall(spec.firewall_uid or spec.uid),
        {
            "network": links.network(),
            "direction": "INGRESS",
            "priority": 1000,
            "sourceRanges": list(HEALTH_CHECK_RANGES),
            "allowed": [{"IPProtocol": "tcp", "ports": []}],
            "targetTags": [],
        },
    )
    ports = body["allowed"][0]["ports"]
    for backend in spec.backends:
        _append_unique(ports, str(backend.node_port))
    ports.sort(key=int)
    _append_unique(body["targetTags"], f"gke-{spec.cluster}-node")


def _append_unique(items: list[Any], item: Any) -> None:
    if item not in items:
        items.append(item)
