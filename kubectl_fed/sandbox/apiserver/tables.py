"""`as=Table` responses: the meta.k8s.io/v1 Table kube-apiserver v1.32 builds for each kind.

Columns, their order and the cell formats follow upstream's printers, so the real kubectl shows
the same columns against the sandbox as against a real cluster. Like kube-apiserver, the Table
always carries every column; kubectl hides priority-1 columns unless asked for `-o wide`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

JsonObject = dict[str, Any]
Cells = list[Any]

TABLE_API_VERSION = "meta.k8s.io/v1"
INCLUDE_OBJECT_CHOICES = ("None", "Object", "Metadata")

_NAME_DOC = (
    "Name must be unique within a namespace. Is required when creating resources, although "
    "some resources may allow a client to request the generation of an appropriate name "
    "automatically. Name is primarily intended for creation idempotence and configuration "
    "definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
)
_AGE_DOC = (
    "CreationTimestamp is a timestamp representing the server time when this object was "
    "created. It is not guaranteed to be set in happens-before order across separate "
    "operations. Clients may not set this value. It is represented in RFC3339 form and is in "
    "UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
)
_LOAD_BALANCER_WIDTH = 16


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    type: str = "string"
    priority: int = 0
    format: str = ""

    def definition(self) -> JsonObject:
        return {
            "name": self.name,
            "type": self.type,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        }


NAME = Column("Name", _NAME_DOC, format="name")
AGE = Column("Age", _AGE_DOC)


def _wide(name: str, description: str) -> Column:
    return Column(name, description, priority=1)


# ---------------------------------------------------------------- durations and timestamps


def human_duration(delta: timedelta) -> str:
    """kubectl's AGE format (apimachinery's HumanDuration): `5s`, `3m10s`, `7h`, `2d3h`, `3y`."""
    total = delta.total_seconds()
    seconds = int(total)  # truncates toward zero, as Go's int() does
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 120:
        return f"{seconds}s"
    return _minutes_or_more(int(total // 60), seconds % 60)


def _minutes_or_more(minutes: int, second_of_minute: int) -> str:
    if minutes < 10:
        return f"{minutes}m{second_of_minute}s" if second_of_minute else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if hours < 24 * 8:
        return f"{days}d{hours % 24}h" if hours % 24 else f"{days}d"
    if hours < 24 * 365 * 2:
        return f"{days}d"
    if hours < 24 * 365 * 8:
        years, day_of_year = divmod(days, 365)
        return f"{years}y{day_of_year}d" if day_of_year else f"{years}y"
    return f"{days // 365}y"


def parse_timestamp(value: object) -> datetime | None:
    """An RFC 3339 API timestamp (`...Z`, optionally with fractional seconds), or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def since(value: object, now: datetime) -> str:
    """How long ago an API timestamp was, or `<unknown>` when it is unset."""
    moment = parse_timestamp(value)
    return "<unknown>" if moment is None else human_duration(now - moment)


# ---------------------------------------------------------------- labels and selectors


def format_labels(labels: dict[str, str] | None) -> str:
    """A label map as `a=b,c=d` (sorted by key), `<none>` when empty."""
    pairs = sorted((labels or {}).items())
    return ",".join(f"{key}={value}" for key, value in pairs) or "<none>"


def format_label_selector(selector: JsonObject | None) -> str:
    """A metav1.LabelSelector as kubectl prints it: `app=web,tier in (a,b)`; `<none>` if empty."""
    if not selector:
        return "<none>"
    requirements = [
        (key, f"{key}={value}") for key, value in (selector.get("matchLabels") or {}).items()
    ]
    for expression in selector.get("matchExpressions") or []:
        text = _format_expression(expression)
        if text is None:
            return "<error>"
        requirements.append((str(expression.get("key", "")), text))
    requirements.sort(key=lambda requirement: requirement[0])
    return ",".join(text for _, text in requirements) or "<none>"


def _format_expression(expression: JsonObject) -> str | None:
    key, operator = expression.get("key", ""), expression.get("operator")
    values = sorted(expression.get("values") or [])
    if operator in ("In", "NotIn") and values:
        word = "in" if operator == "In" else "notin"
        return f"{key} {word} ({','.join(values)})"
    if operator in ("Exists", "DoesNotExist") and not values:
        return key if operator == "Exists" else f"!{key}"
    return None


# ---------------------------------------------------------------- small shared helpers


def _get(obj: JsonObject, *path: str) -> Any:
    """obj[path[0]][path[1]]..., None where any step is missing."""
    value: Any = obj
    for step in path:
        if not isinstance(value, dict):
            return None
        value = value.get(step)
    return value


def _name(obj: JsonObject) -> str:
    return str(_get(obj, "metadata", "name") or "")


def _age(obj: JsonObject, now: datetime) -> str:
    return since(_get(obj, "metadata", "creationTimestamp"), now)


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


# ---------------------------------------------------------------- pods


@dataclass
class _PodState:
    reason: str
    ready: int = 0
    restarts: int = 0
    last_restart: datetime | None = None
    sidecar_restarts: int = 0
    sidecar_last_restart: datetime | None = None


def _later(current: datetime | None, status: JsonObject) -> datetime | None:
    finished = parse_timestamp(_get(status, "lastState", "terminated", "finishedAt"))
    if finished is None or (current is not None and finished <= current):
        return current
    return finished


def _is_sidecar(container: JsonObject | None) -> bool:
    return bool(container) and (container or {}).get("restartPolicy") == "Always"


def _has_condition(pod: JsonObject, kind: str, reason: str | None = None) -> bool:
    for condition in _get(pod, "status", "conditions") or []:
        if condition.get("type") != kind:
            continue
        if reason is None and condition.get("status") == "True":
            return True
        if reason is not None and condition.get("reason") == reason:
            return True
    return False


def _terminated_reason(terminated: JsonObject, prefix: str = "") -> str:
    if terminated.get("reason"):
        return prefix + str(terminated["reason"])
    if terminated.get("signal"):
        return f"{prefix}Signal:{terminated['signal']}"
    return f"{prefix}ExitCode:{terminated.get('exitCode', 0)}"


def _scan_init_containers(pod: JsonObject, state: _PodState) -> bool:
    """Accounts init containers; True while the pod is still initializing."""
    specs = _get(pod, "spec", "initContainers") or []
    by_name = {c.get("name"): c for c in specs}
    for index, status in enumerate(_get(pod, "status", "initContainerStatuses") or []):
        sidecar = _is_sidecar(by_name.get(status.get("name")))
        state.restarts += int(status.get("restartCount", 0))
        state.last_restart = _later(state.last_restart, status)
        if sidecar:
            state.sidecar_restarts += int(status.get("restartCount", 0))
            state.sidecar_last_restart = _later(state.sidecar_last_restart, status)
        terminated = _get(status, "state", "terminated")
        waiting_reason = _get(status, "state", "waiting", "reason")
        if terminated is not None and terminated.get("exitCode", 0) == 0:
            continue
        if sidecar and status.get("started"):
            state.ready += 1 if status.get("ready") else 0
            continue
        if terminated is not None:
            state.reason = _terminated_reason(terminated, "Init:")
        elif waiting_reason and waiting_reason != "PodInitializing":
            state.reason = f"Init:{waiting_reason}"
        else:
            state.reason = f"Init:{index}/{len(specs)}"
        return True
    return False


def _scan_containers(pod: JsonObject, state: _PodState) -> None:
    state.restarts, state.last_restart = state.sidecar_restarts, state.sidecar_last_restart
    has_running = False
    for status in reversed(_get(pod, "status", "containerStatuses") or []):
        state.restarts += int(status.get("restartCount", 0))
        state.last_restart = _later(state.last_restart, status)
        terminated = _get(status, "state", "terminated")
        waiting_reason = _get(status, "state", "waiting", "reason")
        if waiting_reason:
            state.reason = str(waiting_reason)
        elif terminated is not None:
            state.reason = _terminated_reason(terminated)
        elif status.get("ready") and _get(status, "state", "running") is not None:
            has_running = True
            state.ready += 1
    if state.reason == "Completed" and has_running:
        state.reason = "Running" if _has_condition(pod, "Ready") else "NotReady"


def _pod_state(pod: JsonObject) -> _PodState:
    phase = str(_get(pod, "status", "phase") or "")
    state = _PodState(reason=str(_get(pod, "status", "reason") or phase))
    if _has_condition(pod, "PodScheduled", reason="SchedulingGated"):
        state.reason = "SchedulingGated"
    initializing = _scan_init_containers(pod, state)
    if not initializing or _has_condition(pod, "Initialized"):
        _scan_containers(pod, state)
    if _get(pod, "metadata", "deletionTimestamp"):
        if _get(pod, "status", "reason") == "NodeLost":
            state.reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            state.reason = "Terminating"
    return state


def _pod_total_containers(pod: JsonObject) -> int:
    sidecars = [c for c in _get(pod, "spec", "initContainers") or [] if _is_sidecar(c)]
    return len(_get(pod, "spec", "containers") or []) + len(sidecars)


def _readiness_gates(pod: JsonObject) -> str:
    gates = _get(pod, "spec", "readinessGates") or []
    if not gates:
        return "<none>"
    conditions = {c.get("type"): c.get("status") for c in _get(pod, "status", "conditions") or []}
    passing = sum(1 for gate in gates if conditions.get(gate.get("conditionType")) == "True")
    return f"{passing}/{len(gates)}"


def _pod_cells(pod: JsonObject, now: datetime) -> Cells:
    state = _pod_state(pod)
    restarts = str(state.restarts)
    if state.restarts and state.last_restart is not None:
        restarts = f"{state.restarts} ({human_duration(now - state.last_restart)} ago)"
    pod_ips = _get(pod, "status", "podIPs") or []
    pod_ip = pod_ips[0].get("ip") if pod_ips else _get(pod, "status", "podIP")
    return [
        _name(pod),
        f"{state.ready}/{_pod_total_containers(pod)}",
        state.reason,
        restarts,
        _age(pod, now),
        pod_ip or "<none>",
        _get(pod, "spec", "nodeName") or "<none>",
        _get(pod, "status", "nominatedNodeName") or "<none>",
        _readiness_gates(pod),
    ]


def _pod_conditions(pod: JsonObject) -> list[JsonObject]:
    phase = _get(pod, "status", "phase")
    messages = {"Succeeded": "The pod has completed successfully.", "Failed": "The pod failed."}
    if phase not in messages:
        return []
    return [{"type": "Completed", "status": "True", "reason": phase, "message": messages[phase]}]


# ---------------------------------------------------------------- services and endpoints


def _service_external_ip(service: JsonObject) -> str:
    spec = service.get("spec") or {}
    kind = spec.get("type") or "ClusterIP"
    external_ips = [str(ip) for ip in spec.get("externalIPs") or []]
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external_ips) or "<none>"
    if kind == "LoadBalancer":
        balancer = _load_balancer_addresses(_get(service, "status", "loadBalancer"))
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


def _service_cells(service: JsonObject, now: datetime) -> Cells:
    spec = service.get("spec") or {}
    cluster_ips = spec.get("clusterIPs") or [spec.get("clusterIP")]
    return [
        _name(service),
        spec.get("type") or "ClusterIP",
        cluster_ips[0] or "<none>",
        _service_external_ip(service),
        format_service_ports(spec.get("ports") or []),
        _age(service, now),
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


def _endpoints_cells(endpoints: JsonObject, now: datetime) -> Cells:
    return [_name(endpoints), format_endpoints(endpoints), _age(endpoints, now)]


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


def _ingress_cells(ingress: JsonObject, now: datetime) -> Cells:
    spec = ingress.get("spec") or {}
    return [
        _name(ingress),
        spec.get("ingressClassName") or "<none>",
        format_ingress_hosts(spec.get("rules") or []),
        _load_balancer_addresses(_get(ingress, "status", "loadBalancer")),
        "80, 443" if spec.get("tls") else "80",
        _age(ingress, now),
    ]


def _ingress_class_cells(ingress_class: JsonObject, now: datetime) -> Cells:
    parameters = _get(ingress_class, "spec", "parameters")
    reference = "<none>"
    if parameters:
        group = f".{parameters['apiGroup']}" if parameters.get("apiGroup") else ""
        reference = f"{parameters.get('kind', '')}{group}/{parameters.get('name', '')}"
    controller = _get(ingress_class, "spec", "controller") or ""
    return [_name(ingress_class), controller, reference, _age(ingress_class, now)]


# ---------------------------------------------------------------- namespaces, nodes, the rest


def _namespace_cells(namespace: JsonObject, now: datetime) -> Cells:
    phase = _get(namespace, "status", "phase") or ""
    return [_name(namespace), phase, _age(namespace, now)]


def _node_status(node: JsonObject) -> str:
    ready = [c for c in _get(node, "status", "conditions") or [] if c.get("type") == "Ready"]
    status = ["Unknown"]
    if ready:
        status = ["Ready" if ready[-1].get("status") == "True" else "NotReady"]
    if _get(node, "spec", "unschedulable"):
        status.append("SchedulingDisabled")
    return ",".join(status)


def _node_roles(node: JsonObject) -> str:
    roles = set()
    for key, value in (_get(node, "metadata", "labels") or {}).items():
        if key.startswith("node-role.kubernetes.io/") and key != "node-role.kubernetes.io/":
            roles.add(key.removeprefix("node-role.kubernetes.io/"))
        elif key == "kubernetes.io/role" and value:
            roles.add(str(value))
    return ",".join(sorted(roles)) or "<none>"


def _node_address(node: JsonObject, kind: str) -> str:
    for address in _get(node, "status", "addresses") or []:
        if address.get("type") == kind:
            return str(address.get("address", ""))
    return "<none>"


def _node_cells(node: JsonObject, now: datetime) -> Cells:
    info = _get(node, "status", "nodeInfo") or {}
    return [
        _name(node),
        _node_status(node),
        _node_roles(node),
        _age(node, now),
        info.get("kubeletVersion", ""),
        _node_address(node, "InternalIP"),
        _node_address(node, "ExternalIP"),
        info.get("osImage") or "<unknown>",
        info.get("kernelVersion") or "<unknown>",
        info.get("containerRuntimeVersion") or "<unknown>",
    ]


def _config_map_cells(config_map: JsonObject, now: datetime) -> Cells:
    entries = len(config_map.get("data") or {}) + len(config_map.get("binaryData") or {})
    return [_name(config_map), entries, _age(config_map, now)]


def _event_source(event: JsonObject) -> str:
    component = _get(event, "source", "component") or event.get("reportingController") or ""
    host = _get(event, "source", "host") or event.get("reportingInstance") or ""
    return f"{component}, {host}" if host else str(component)


def _event_cells(event: JsonObject, now: datetime) -> Cells:
    first_seen = since(event.get("firstTimestamp") or event.get("eventTime"), now)
    last_seen = since(event["lastTimestamp"], now) if event.get("lastTimestamp") else first_seen
    count = event.get("count") or 1
    if event.get("series"):
        last_seen = since(_get(event, "series", "lastObservedTime"), now)
        count = _get(event, "series", "count") or 0
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
        _name(event),
    ]


def _quota_cells(quota: JsonObject, now: datetime) -> Cells:
    hard = _get(quota, "status", "hard") or {}
    used = _get(quota, "status", "used") or {}
    requests: list[str] = []
    limits: list[str] = []
    for resource in sorted(hard):
        column = limits if resource.startswith("limits.") else requests
        column.append(f"{resource}: {used.get(resource, '0')}/{hard[resource]}")
    return [_name(quota), _age(quota, now), ", ".join(requests), ", ".join(limits)]


def _replica_set_cells(replica_set: JsonObject, now: datetime) -> Cells:
    spec = replica_set.get("spec") or {}
    status = replica_set.get("status") or {}
    names, images = _containers(_get(spec, "template", "spec"))
    return [
        _name(replica_set),
        int(spec.get("replicas", 1)),
        int(status.get("replicas", 0)),
        int(status.get("readyReplicas", 0)),
        _age(replica_set, now),
        names,
        images,
        format_label_selector(spec.get("selector")),
    ]


# ---------------------------------------------------------------- the printers, by plural

CellFunction = Callable[[JsonObject, datetime], Cells]


@dataclass(frozen=True)
class Printer:
    columns: tuple[Column, ...]
    cells: CellFunction
    conditions: Callable[[JsonObject], list[JsonObject]] | None = None


_CONTAINERS = _wide("Containers", "Names of each container in the template.")
_IMAGES = _wide("Images", "Images referenced by each container in the template.")

PRINTERS: dict[str, Printer] = {
    "namespaces": Printer(
        (NAME, Column("Status", "The status of the namespace"), AGE), _namespace_cells
    ),
    "nodes": Printer(
        (
            NAME,
            Column("Status", "The status of the node"),
            Column("Roles", "The roles of the node"),
            AGE,
            Column("Version", "Kubelet Version reported by the node."),
            _wide("Internal-IP", "List of addresses reachable to the node."),
            _wide("External-IP", "List of addresses reachable to the node."),
            _wide("OS-Image", "OS Image reported by the node from /etc/os-release."),
            _wide("Kernel-Version", "Kernel Version reported by the node from 'uname -r'."),
            _wide("Container-Runtime", "ContainerRuntime Version reported by the node."),
        ),
        _node_cells,
    ),
    "pods": Printer(
        (
            NAME,
            Column("Ready", "The aggregate readiness state of this pod for accepting traffic."),
            Column("Status", "The aggregate status of the containers in this pod."),
            Column(
                "Restarts",
                "The number of times the containers in this pod have been restarted and when "
                "the last container in this pod has restarted.",
            ),
            AGE,
            _wide("IP", "IP address allocated to the pod."),
            _wide("Node", "NodeName is a request to schedule this pod onto a specific node."),
            _wide("Nominated Node", "nominatedNodeName is set when this pod preempts others."),
            _wide("Readiness Gates", "If specified, all readiness gates will be evaluated."),
        ),
        _pod_cells,
        _pod_conditions,
    ),
    "services": Printer(
        (
            NAME,
            Column("Type", "type determines how the Service is exposed."),
            Column("Cluster-IP", "clusterIP is the IP address of the service."),
            Column("External-IP", "externalIPs is a list of IP addresses for this service."),
            Column("Port(s)", "The list of ports that are exposed by this service."),
            AGE,
            _wide("Selector", "Route service traffic to pods with label keys and values."),
        ),
        _service_cells,
    ),
    "endpoints": Printer(
        (NAME, Column("Endpoints", "The set of all endpoints is the union of all subsets."), AGE),
        _endpoints_cells,
    ),
    "configmaps": Printer(
        (NAME, Column("Data", "Data contains the configuration data."), AGE), _config_map_cells
    ),
    "events": Printer(
        (
            Column("Last Seen", "The time at which the most recent occurrence was recorded."),
            Column("Type", "Type of this event (Normal, Warning)."),
            Column("Reason", "The reason for the transition into the object's current status."),
            Column("Object", "The object that this event is about."),
            _wide("Subobject", "The field of the object this event is about."),
            _wide("Source", "The component reporting this event."),
            Column("Message", "A human-readable description of the status of this operation."),
            _wide("First Seen", "The time at which the event was first recorded."),
            _wide("Count", "The number of times this event has occurred."),
            Column("Name", _NAME_DOC, priority=1, format="name"),
        ),
        _event_cells,
    ),
    "resourcequotas": Printer(
        (
            NAME,
            AGE,
            Column(
                "Request",
                "Request represents a minimum amount of cpu/memory that a container may consume.",
            ),
            Column(
                "Limit",
                "Limits control the maximum amount of cpu/memory that a container may use "
                "independent of contention on the node.",
            ),
        ),
        _quota_cells,
    ),
    "replicasets": Printer(
        (
            NAME,
            Column("Desired", "Replicas is the number of desired replicas.", type="integer"),
            Column("Current", "Replicas is the most recently observed number.", type="integer"),
            Column("Ready", "The number of ready replicas.", type="integer"),
            AGE,
            _CONTAINERS,
            _IMAGES,
            _wide("Selector", "Selector is a label query over pods that should match."),
        ),
        _replica_set_cells,
    ),
    "ingresses": Printer(
        (
            NAME,
            Column(
                "Class",
                "The name of the IngressClass resource that should be used for additional "
                "configuration",
            ),
            Column("Hosts", "Hosts that incoming requests are matched against before the rule"),
            Column("Address", "Address is a list containing ingress points for the load-balancer"),
            Column("Ports", "Ports of TLS configurations that open"),
            AGE,
        ),
        _ingress_cells,
    ),
    "ingressclasses": Printer(
        (
            NAME,
            Column("Controller", "Controller that is responsible for handling this class"),
            Column("Parameters", "A reference to a resource with additional parameters"),
            AGE,
        ),
        _ingress_class_cells,
    ),
}


def _default_printer() -> Printer:
    """kube-apiserver's fallback for kinds without a printer: name and creation time."""
    created = Column("Created At", _AGE_DOC, type="date")

    def cells(obj: JsonObject, now: datetime) -> Cells:
        return [_name(obj), _get(obj, "metadata", "creationTimestamp")]

    return Printer((NAME, created), cells)


# ---------------------------------------------------------------- the Table


def _row_object(obj: JsonObject, include_object: str) -> JsonObject | None:
    if include_object == "None":
        return None
    if include_object == "Object":
        return obj
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": TABLE_API_VERSION,
        "metadata": obj.get("metadata") or {},
    }


def _row(printer: Printer, obj: JsonObject, now: datetime, include_object: str) -> JsonObject:
    row: JsonObject = {"cells": printer.cells(obj, now)}
    conditions = printer.conditions(obj) if printer.conditions else []
    if conditions:
        row["conditions"] = conditions
    row["object"] = _row_object(obj, include_object)
    return row


def to_table(
    plural: str,
    objects: list[JsonObject],
    *,
    wide: bool = False,
    now: datetime,
    include_object: str = "Metadata",
    no_headers: bool = False,
) -> JsonObject:
    """The Table kube-apiserver answers `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`.

    Every column is present whatever `wide` says: kube-apiserver always builds the wide table
    and kubectl drops priority-1 columns itself unless run with `-o wide`, so `wide` changes
    nothing here. `include_object` is the `includeObject` query parameter (`""` means
    Metadata); `no_headers` leaves out the column definitions (TableOptions.noHeaders).
    Unknown kinds get the name/creation-time fallback table. The caller fills in
    `metadata.resourceVersion`.
    """
    del wide  # see the docstring: the table is always the wide one
    include = include_object or "Metadata"
    if include not in INCLUDE_OBJECT_CHOICES:
        raise ValueError(f"includeObject must be one of {', '.join(INCLUDE_OBJECT_CHOICES)}")
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    printer = PRINTERS.get(plural) or _default_printer()
    columns = [] if no_headers else [column.definition() for column in printer.columns]
    return {
        "kind": "Table",
        "apiVersion": TABLE_API_VERSION,
        "metadata": {},
        "columnDefinitions": columns,
        "rows": [_row(printer, obj, now, include) for obj in objects],
    }
