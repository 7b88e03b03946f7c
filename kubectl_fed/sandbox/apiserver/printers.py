"""Table cells per kind, computed as upstream's printers (pkg/printers/internalversion) do.

Each cell function returns the cells of every column, priority-1 ones included: kube-apiserver
always builds the wide table and leaves it to kubectl to hide the wide columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from kubectl_fed.sandbox.apiserver.humanize import format_label_selector, format_labels, since

JsonObject = dict[str, Any]
Cells = list[Any]


def nested(obj: JsonObject, *path: str) -> Any:
    """obj[path[0]][path[1]]..., None where any step is missing."""
    value: Any = obj
    for step in path:
        if not isinstance(value, dict):
            return None
        value = value.get(step)
    return value


def object_name(obj: JsonObject) -> str:
    return str(nested(obj, "metadata", "name") or "")


def object_age(obj: JsonObject, now: datetime) -> str:
    return since(nested(obj, "metadata", "creationTimestamp"), now)


def _more(items: list[str], count: int, limit: int = 3) -> str:
    """Up to `limit` items, then upstream's ` + N more...` suffix."""
    text = ",".join(items[:limit])
    return f"{text} + {count - limit} more..." if count > limit else text


def _load_balancer_addresses(status: JsonObject | None) -> str:
    ingress = (status or {}).get("ingress") or []
    addresses = {entry.get("ip") or entry.get("hostname") or "" for entry in ingress}
    return ",".join(sorted(addresses - {""}))


def _containers(template_spec: JsonObject | None) -> tuple[str, str]:
    containers = (template_spec or {}).get("containers") or []
    names = ",".join(str(c.get("name", "")) for c in containers)
    images = ",".join(str(c.get("image", "")) for c in containers)
    return names, images


# ---------------------------------------------------------------- services and endpoints


def _service_external_ip(service: JsonObject) -> str:
    spec = service.get("spec") or {}
    kind = spec.get("type") or "ClusterIP"
    external_ips = [str(ip) for ip in spec.get("externalIPs") or []]
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external_ips) or "<none>"
    if kind == "LoadBalancer":
        balancer = _load_balancer_addresses(nested(service, "status", "loadBalancer"))
        addresses = [*(balancer.split(",") if balancer else []), *external_ips]
        return ",".join(addresses) or "<pending>"
    if kind == "ExternalName":
        return str(spec.get("externalName") or "")
    return "<unknown>"


def format_service_ports(ports: Iterable[JsonObject]) -> str:
    """`80/TCP`, or `80:30301/TCP` with a node port, comma-joined; `<none>` without ports."""
    pieces = []
    for port in ports:
        protocol = port.get("protocol") or "TCP"
        node_port = f":{port['nodePort']}" if port.get("nodePort") else ""
        pieces.append(f"{port.get('port')}{node_port}/{protocol}")
    return ",".join(pieces) or "<none>"


def service_cells(service: JsonObject, now: datetime) -> Cells:
    spec = service.get("spec") or {}
    cluster_ips = spec.get("clusterIPs") or [spec.get("clusterIP")]
    return [
        object_name(service),
        spec.get("type") or "ClusterIP",
        cluster_ips[0] or "<none>",
        _service_external_ip(service),
        format_service_ports(spec.get("ports") or []),
        object_age(service, now),
        format_labels(spec.get("selector")),
    ]


def _host_port(host: str, port: object) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def format_endpoints(endpoints: JsonObject) -> str:
    """`10.0.0.1:8080,10.0.0.2:8080` with upstream's ` + N more...` after three."""
    subsets = endpoints.get("subsets") or []
    if not subsets:
        return "<none>"
    shown: list[str] = []
    count = 0
    for subset in subsets:
        ips = [str(address.get("ip", "")) for address in subset.get("addresses") or []]
        ports = subset.get("ports") or []
        for port in ports:
            shown.extend(_host_port(ip, port.get("port")) for ip in ips)
        if not ports:
            shown.extend(ips)
        count += len(ips) * max(len(ports), 1)
    return _more(shown, count)


def endpoints_cells(endpoints: JsonObject, now: datetime) -> Cells:
    return [object_name(endpoints), format_endpoints(endpoints), object_age(endpoints, now)]


# ---------------------------------------------------------------- ingresses


def format_ingress_hosts(rules: list[JsonObject]) -> str:
    """Up to three rule hosts, `*` when no rule names a host (upstream's formatHosts)."""
    hosts: list[str] = []
    more = False
    for rule in rules:
        if len(hosts) == 3:
            more = True
        if not more and rule.get("host"):
            hosts.append(str(rule["host"]))
    if not hosts:
        return "*"
    text = ",".join(hosts)
    return f"{text} + {len(rules) - 3} more..." if more else text


def ingress_cells(ingress: JsonObject, now: datetime) -> Cells:
    spec = ingress.get("spec") or {}
    return [
        object_name(ingress),
        spec.get("ingressClassName") or "<none>",
        format_ingress_hosts(spec.get("rules") or []),
        _load_balancer_addresses(nested(ingress, "status", "loadBalancer")),
        "80, 443" if spec.get("tls") else "80",
        object_age(ingress, now),
    ]


def ingress_class_cells(ingress_class: JsonObject, now: datetime) -> Cells:
    parameters = nested(ingress_class, "spec", "parameters")
    reference = "<none>"
    if parameters:
        group = f".{parameters['apiGroup']}" if parameters.get("apiGroup") else ""
        reference = f"{parameters.get('kind', '')}{group}/{parameters.get('name', '')}"
    controller = nested(ingress_class, "spec", "controller") or ""
    return [object_name(ingress_class), controller, reference, object_age(ingress_class, now)]


# ---------------------------------------------------------------- namespaces, nodes, the rest


def namespace_cells(namespace: JsonObject, now: datetime) -> Cells:
    phase = nested(namespace, "status", "phase") or ""
    return [object_name(namespace), phase, object_age(namespace, now)]


def _node_status(node: JsonObject) -> str:
    ready = [c for c in nested(node, "status", "conditions") or [] if c.get("type") == "Ready"]
    status = ["Unknown"]
    if ready:
        status = ["Ready" if ready[-1].get("status") == "True" else "NotReady"]
    if nested(node, "spec", "unschedulable"):
        status.append("SchedulingDisabled")
    return ",".join(status)


def _node_roles(node: JsonObject) -> str:
    roles = set()
    for key, value in (nested(node, "metadata", "labels") or {}).items():
        if key.startswith("node-role.kubernetes.io/") and key != "node-role.kubernetes.io/":
            roles.add(key.removeprefix("node-role.kubernetes.io/"))
        elif key == "kubernetes.io/role" and value:
            roles.add(str(value))
    return ",".join(sorted(roles)) or "<none>"


def _node_address(node: JsonObject, kind: str) -> str:
    for address in nested(node, "status", "addresses") or []:
        if address.get("type") == kind:
            return str(address.get("address", ""))
    return "<none>"


def node_cells(node: JsonObject, now: datetime) -> Cells:
    info = nested(node, "status", "nodeInfo") or {}
    return [
        object_name(node),
        _node_status(node),
        _node_roles(node),
        object_age(node, now),
        info.get("kubeletVersion", ""),
        _node_address(node, "InternalIP"),
        _node_address(node, "ExternalIP"),
        info.get("osImage") or "<unknown>",
        info.get("kernelVersion") or "<unknown>",
        info.get("containerRuntimeVersion") or "<unknown>",
    ]


def config_map_cells(config_map: JsonObject, now: datetime) -> Cells:
    entries = len(config_map.get("data") or {}) + len(config_map.get("binaryData") or {})
    return [object_name(config_map), entries, object_age(config_map, now)]


def _event_source(event: JsonObject) -> str:
    component = nested(event, "source", "component") or event.get("reportingController") or ""
    host = nested(event, "source", "host") or event.get("reportingInstance") or ""
    return f"{component}, {host}" if host else str(component)


def event_cells(event: JsonObject, now: datetime) -> Cells:
    first_seen = since(event.get("firstTimestamp") or event.get("eventTime"), now)
    last_seen = since(event["lastTimestamp"], now) if event.get("lastTimestamp") else first_seen
    count = event.get("count") or 1
    if event.get("series"):
        last_seen = since(nested(event, "series", "lastObservedTime"), now)
        count = nested(event, "series", "count") or 0
    involved = event.get("involvedObject") or {}
    target = str(involved.get("kind", "")).lower()
    if involved.get("name"):
        target = f"{target}/{involved['name']}"
    return [
        last_seen,
        event.get("type", ""),
        event.get("reason", ""),
        target,
        involved.get("fieldPath", ""),
        _event_source(event),
        str(event.get("message", "")).strip(),
        first_seen,
        int(count),
        object_name(event),
    ]


def quota_cells(quota: JsonObject, now: datetime) -> Cells:
    hard = nested(quota, "status", "hard") or {}
    used = nested(quota, "status", "used") or {}
    requests: list[str] = []
    limits: list[str] = []
    for resource in sorted(hard):
        column = limits if resource.startswith("limits.") else requests
        column.append(f"{resource}: {used.get(resource, '0')}/{hard[resource]}")
    return [object_name(quota), ", ".join(requests), ", ".join(limits), object_age(quota, now)]


def _workload_cells(workload: JsonObject, now: datetime, counts: Cells) -> Cells:
    """NAME, the kind's replica counts, AGE, then the wide CONTAINERS, IMAGES and SELECTOR."""
    spec = workload.get("spec") or {}
    names, images = _containers(nested(spec, "template", "spec"))
    selector = format_label_selector(spec.get("selector"))
    return [object_name(workload), *counts, object_age(workload, now), names, images, selector]


def replica_set_cells(replica_set: JsonObject, now: datetime) -> Cells:
    spec = replica_set.get("spec") or {}
    status = replica_set.get("status") or {}
    desired, current = int(spec.get("replicas", 1)), int(status.get("replicas", 0))
    ready = int(status.get("readyReplicas", 0))
    return _workload_cells(replica_set, now, [desired, current, ready])


def deployment_cells(deployment: JsonObject, now: datetime) -> Cells:
    spec = deployment.get("spec") or {}
    status = deployment.get("status") or {}
    ready = f"{int(status.get('readyReplicas', 0))}/{int(spec.get('replicas', 1))}"
    updated = int(status.get("updatedReplicas", 0))
    available = int(status.get("availableReplicas", 0))
    return _workload_cells(deployment, now, [ready, updated, available])


# ---------------------------------------------------------------- access, secrets, leases


def secret_cells(secret: JsonObject, now: datetime) -> Cells:
    entries = len(secret.get("data") or {})
    return [object_name(secret), secret.get("type", ""), entries, object_age(secret, now)]


def service_account_cells(account: JsonObject, now: datetime) -> Cells:
    return [object_name(account), len(account.get("secrets") or []), object_age(account, now)]


def role_cells(role: JsonObject, now: datetime) -> Cells:
    """Upstream prints a Role's creation time as an RFC 3339 date, not an age."""
    return [object_name(role), nested(role, "metadata", "creationTimestamp")]


def _subjects(binding: JsonObject, kind: str) -> str:
    names = []
    for subject in binding.get("subjects") or []:
        if subject.get("kind") != kind:
            continue
        name = str(subject.get("name", ""))
        if kind == "ServiceAccount":
            name = f"{subject.get('namespace', '')}:{name}"
        names.append(name)
    return ", ".join(names)


def role_binding_cells(binding: JsonObject, now: datetime) -> Cells:
    reference = binding.get("roleRef") or {}
    return [
        object_name(binding),
        f"{reference.get('kind', '')}/{reference.get('name', '')}",
        object_age(binding, now),
        _subjects(binding, "User"),
        _subjects(binding, "Group"),
        _subjects(binding, "ServiceAccount"),
    ]


def lease_cells(lease: JsonObject, now: datetime) -> Cells:
    holder = nested(lease, "spec", "holderIdentity") or ""
    return [object_name(lease), holder, object_age(lease, now)]
