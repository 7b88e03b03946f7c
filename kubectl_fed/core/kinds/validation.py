"""The API server's validation rules that can be checked before anything is sent.

Each function returns a problem in the API server's words, or None when valid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kubectl_fed.core.model.limits import INT32_MAX
from kubectl_fed.core.model.objects import labels_of

if TYPE_CHECKING:  # the kinds' modules import this one for their rules
    from kubectl_fed.core.kinds.spec import Kind, NameRule

_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_LABEL_RE = re.compile(_LABEL)
_SUBDOMAIN_RE = re.compile(rf"{_LABEL}(\.{_LABEL})*")

_LABEL_HINT = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
_SUBDOMAIN_HINT = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
    "'-' or '.', and must start and end with an alphanumeric character"
)
_SERVICE_TYPES = ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")
_PROTOCOLS = ("TCP", "UDP", "SCTP")
_PATH_TYPES = ("Exact", "Prefix", "ImplementationSpecific")


def dns1123_label_problem(value: object) -> str | None:
    if not isinstance(value, str) or not _LABEL_RE.fullmatch(value):
        return _LABEL_HINT
    if len(value) > 63:
        return "must be no more than 63 characters"
    return None


def dns1123_subdomain_problem(value: object) -> str | None:
    if not isinstance(value, str) or not _SUBDOMAIN_RE.fullmatch(value):
        return _SUBDOMAIN_HINT
    if len(value) > 253:
        return "must be no more than 253 characters"
    return None


def name_problem(name: object, rule: NameRule) -> str | None:
    if name is None or name == "":
        return "metadata.name: Required value: name is required"
    check = dns1123_label_problem if rule.value == "label" else dns1123_subdomain_problem
    problem = check(name)
    return f'metadata.name: Invalid value: "{name}": {problem}' if problem else None


def namespace_problem(namespace: object) -> str | None:
    problem = dns1123_label_problem(namespace)
    return f'metadata.namespace: Invalid value: "{namespace}": {problem}' if problem else None


# Where an object's fields must be maps, lists or maps of strings (the API's types), parents
# first; checked before the rules below read them.
STRING_MAP = "map of strings"
_COMMON_SHAPES = (
    ("metadata.labels", STRING_MAP),
    ("metadata.annotations", STRING_MAP),
)
# Of a kind whose spec holds a selector and a pod template (ReplicaSet, Deployment).
POD_TEMPLATE_SHAPES: tuple[tuple[str, object], ...] = (
    ("spec.selector", dict),
    ("spec.selector.matchLabels", STRING_MAP),
    ("spec.selector.matchExpressions", list),
    ("spec.selector.matchExpressions[]", dict),
    ("spec.selector.matchExpressions[].values", list),
    ("spec.template", dict),
    ("spec.template.metadata", dict),
    ("spec.template.metadata.labels", STRING_MAP),
    ("spec.template.spec", dict),
    ("spec.template.spec.containers", list),
)

_WANTED: dict[object, str] = {dict: "an object", list: "a list", STRING_MAP: "a map of strings"}


def shape_problem(kind: Kind, obj: Mapping[str, Any]) -> str | None:
    """The first field that is not of its API type (a map where a list is due, ...)."""
    for path, expected in (*_COMMON_SHAPES, *kind.shapes):
        for where, value in _values_at(obj, path):
            if value is None or _has_shape(value, expected):
                continue
            return f"{where}: Invalid value: must be {_WANTED[expected]}"
    return None


def _has_shape(value: object, expected: object) -> bool:
    if expected == STRING_MAP:
        return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    return isinstance(value, dict if expected is dict else list)


def _values_at(obj: object, path: str) -> list[tuple[str, object]]:
    """(concrete path, value) for `path`, where `name[]` walks every item of a list."""
    found: list[tuple[str, object]] = [("", obj)]
    for part in path.split("."):
        step: list[tuple[str, object]] = []
        name = part.removesuffix("[]")
        for where, value in found:
            child = value.get(name) if isinstance(value, dict) else None
            here = f"{where}.{name}" if where else name
            if part.endswith("[]"):
                items = child if isinstance(child, list) else []
                step.extend((f"{here}[{index}]", item) for index, item in enumerate(items))
            elif child is not None:
                step.append((here, child))
        found = step
    return found


def spec_problem(kind: Kind, spec: object) -> str | None:
    if kind.spec_check is None:
        return None
    if not isinstance(spec, dict):
        return "spec: Required value"
    return kind.spec_check(spec)


def ingress_problem(spec: dict[str, Any]) -> str | None:
    rules = spec.get("rules") or []
    if not rules and not spec.get("defaultBackend"):
        return "spec: Invalid value: either `defaultBackend` or `rules` must be specified"
    if not isinstance(rules, list):
        return "spec.rules: Invalid value: must be a list"
    for index, rule in enumerate(rules):
        paths = ((rule or {}).get("http") or {}).get("paths") or []
        for number, path in enumerate(paths):
            problem = _path_problem(path or {})
            if problem:
                return f"spec.rules[{index}].http.paths[{number}].{problem}"
    return None


def _path_problem(path: dict[str, Any]) -> str | None:
    if path.get("pathType") not in _PATH_TYPES:
        return f"pathType: Unsupported value: {path.get('pathType')!r}: supported values: " + (
            ", ".join(f'"{value}"' for value in _PATH_TYPES)
        )
    backend = path.get("backend") or {}
    service = backend.get("service")
    if not service and not backend.get("resource"):
        return "backend: Invalid value: one of service or resource must be specified"
    if service and (not service.get("name") or not service.get("port")):
        return "backend.service: Required value: name and port are required"
    return None


def service_problem(spec: dict[str, Any]) -> str | None:
    service_type = spec.get("type", "ClusterIP")
    if service_type not in _SERVICE_TYPES:
        return f'spec.type: Unsupported value: "{service_type}"'
    ports = spec.get("ports") or []
    if not isinstance(ports, list):
        return "spec.ports: Invalid value: must be a list"
    if not ports and service_type != "ExternalName" and spec.get("clusterIP") != "None":
        return "spec.ports: Required value"
    for index, port in enumerate(ports):
        problem = _port_problem(port if isinstance(port, dict) else {}, len(ports))
        if problem:
            return f"spec.ports[{index}].{problem}"
    return _node_ports_problem(service_type, ports)


def _node_ports_problem(service_type: str, ports: list[dict[str, Any]]) -> str | None:
    """As the API server: no nodePort on a ClusterIP service, none given to two ports."""
    seen: set[tuple[int, str]] = set()
    for index, port in enumerate(ports):
        node_port = port.get("nodePort")
        if not node_port:
            continue
        if service_type == "ClusterIP":
            return (
                f"spec.ports[{index}].nodePort: Forbidden: "
                "may not be used when `type` is 'ClusterIP'"
            )
        key = (node_port, str(port.get("protocol", "TCP")))
        if key in seen:
            return f"spec.ports[{index}].nodePort: Duplicate value: {node_port}"
        seen.add(key)
    return None


def _port_problem(port: dict[str, Any], count: int) -> str | None:
    if not _is_port(port.get("port")):
        return f"port: Invalid value: {port.get('port')!r}: must be between 1 and 65535"
    if "nodePort" in port and not _is_port(port["nodePort"]):
        return f"nodePort: Invalid value: {port['nodePort']!r}: must be between 1 and 65535"
    if port.get("protocol", "TCP") not in _PROTOCOLS:
        return f"protocol: Unsupported value: {port.get('protocol')!r}"
    if count > 1 and not port.get("name"):
        return "name: Required value: when there are multiple ports"
    return None


def _is_port(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 65535


def replicated_pods_problem(spec: dict[str, Any]) -> str | None:
    replicas = spec.get("replicas", 1)
    if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
        return f"spec.replicas: Invalid value: {replicas!r}: must be a non-negative integer"
    if replicas > INT32_MAX:
        return f"spec.replicas: Invalid value: {replicas}: must be no more than {INT32_MAX}"
    selector = spec.get("selector")
    if not isinstance(selector, dict) or not (
        selector.get("matchLabels") or selector.get("matchExpressions")
    ):
        return "spec.selector: Required value"
    problem = _expressions_problem(selector.get("matchExpressions") or [])
    if problem:
        return problem
    template = spec.get("template") or {}
    labels = labels_of(template)
    if not selector_matches(selector, labels):
        return (
            f"spec.template.metadata.labels: Invalid value: {labels}: "
            "`selector` does not match template `labels`"
        )
    containers = (template.get("spec") or {}).get("containers") or []
    if not containers:
        return "spec.template.spec.containers: Required value"
    for index, container in enumerate(containers):
        if not isinstance(container, dict) or not container.get("name"):
            return f"spec.template.spec.containers[{index}].name: Required value"
        if not container.get("image"):
            return f"spec.template.spec.containers[{index}].image: Required value"
    return None


def _expressions_problem(expressions: list[dict[str, Any]]) -> str | None:
    for index, expression in enumerate(expressions):
        where = f"spec.selector.matchExpressions[{index}]"
        operator, values = expression.get("operator"), expression.get("values") or []
        if operator not in ("In", "NotIn", "Exists", "DoesNotExist"):
            return f'{where}.operator: Invalid value: "{operator}": not a valid selector operator'
        if operator in ("In", "NotIn") and not values:
            return (
                f"{where}.values: Required value: must be specified when `operator` is {operator}"
            )
        if operator in ("Exists", "DoesNotExist") and values:
            return f"{where}.values: Forbidden: may not be specified when `operator` is {operator}"
    return None


def selector_matches(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    """A `LabelSelector` (matchLabels and matchExpressions) against a label map."""
    match_labels = selector.get("matchLabels") or {}
    if any(labels.get(key) != value for key, value in match_labels.items()):
        return False
    return all(_expression_matches(expr, labels) for expr in selector.get("matchExpressions") or [])


def _expression_matches(expression: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    key, operator = expression.get("key", ""), expression.get("operator")
    values = expression.get("values") or []
    if operator == "In":
        return key in labels and labels[key] in values
    if operator == "NotIn":
        return key not in labels or labels[key] not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    return False
