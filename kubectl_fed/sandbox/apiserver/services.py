"""Service defaulting, validation and the clusterIP / nodePort allocation of one cluster.

Allocations are derived from the services already stored, so a dry run or a rejected
request never leaks an address or a port.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Iterable
from typing import Any, TypeGuard

from kubectl_fed.sandbox.apiserver.errors import (
    FieldError,
    forbidden_field,
    invalid_value,
    required,
)

JSON = dict[str, Any]

NODE_PORT_MIN, NODE_PORT_MAX = 30000, 32767
_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
_NODE_PORT_TYPES = ("NodePort", "LoadBalancer")


class ServiceAllocator:
    """Allocates from `10.<cluster index>.0.0/16` and the node port range."""

    def __init__(self, cluster_index: int) -> None:
        self.network = ipaddress.ip_network(f"10.{cluster_index % 256}.0.0/16")
        self._random = random.Random()

    @property
    def kubernetes_ip(self) -> str:
        """The first address of the range, the `default/kubernetes` service's."""
        return str(self.network.network_address + 1)

    def prepare(self, svc: JSON, old: JSON | None, others: Iterable[JSON]) -> list[FieldError]:
        """Default, validate and allocate `svc` in place; `others` are the other services."""
        spec = svc.setdefault("spec", {})
        _default(spec)
        if old is not None:
            _keep_allocations(spec, old.get("spec") or {})
        errors = _validate(spec, old)
        if errors:
            return errors
        others = list(others)
        errors = self._allocate_node_ports(spec, others)
        if not errors and spec["type"] != "ExternalName":
            self._allocate_cluster_ip(spec, others)
        return errors

    def _allocate_cluster_ip(self, spec: JSON, others: list[JSON]) -> None:
        if spec.get("clusterIP"):
            spec.setdefault("clusterIPs", [spec["clusterIP"]])
            return
        used = {(o.get("spec") or {}).get("clusterIP") for o in others}
        while True:
            offset = self._random.randrange(2, self.network.num_addresses - 1)
            address = str(self.network.network_address + offset)
            if address not in used:
                break
        spec["clusterIP"], spec["clusterIPs"] = address, [address]

    def _allocate_node_ports(self, spec: JSON, others: list[JSON]) -> list[FieldError]:
        if spec["type"] not in _NODE_PORT_TYPES:
            return []
        used = set(_node_ports(others))
        errors = []
        for index, port in enumerate(spec.get("ports") or []):
            wanted = port.get("nodePort")
            if wanted and wanted in used:
                errors.append(
                    invalid_value(
                        f"spec.ports[{index}].nodePort",
                        wanted,
                        "provided port is already allocated",
                    )
                )
            if wanted:
                used.add(wanted)
        if errors:
            return errors
        for port in spec.get("ports") or []:
            if not port.get("nodePort"):
                port["nodePort"] = self._free_port(used)
                used.add(port["nodePort"])
        return []

    def _free_port(self, used: set[int]) -> int:
        while True:
            candidate = self._random.randint(NODE_PORT_MIN, NODE_PORT_MAX)
            if candidate not in used:
                return candidate


def _node_ports(services: Iterable[JSON]) -> Iterable[int]:
    for service in services:
        for port in (service.get("spec") or {}).get("ports") or []:
            if port.get("nodePort"):
                yield int(port["nodePort"])


def _default(spec: JSON) -> None:
    spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    if spec["type"] != "ExternalName":
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
        spec.setdefault("internalTrafficPolicy", "Cluster")
    if spec["type"] in _NODE_PORT_TYPES:
        spec.setdefault("externalTrafficPolicy", "Cluster")
    for port in spec.get("ports") or []:
        port.setdefault("protocol", "TCP")
        if "port" in port:
            port.setdefault("targetPort", port["port"])


def _keep_allocations(spec: JSON, old_spec: JSON) -> None:
    """What upstream does on update: an omitted clusterIP or nodePort keeps the old one."""
    if not spec.get("clusterIP") and old_spec.get("clusterIP"):
        spec["clusterIP"] = old_spec["clusterIP"]
        spec["clusterIPs"] = old_spec.get("clusterIPs", [old_spec["clusterIP"]])
    if spec["type"] not in _NODE_PORT_TYPES:
        return
    old_ports = {
        (p.get("port"), p.get("protocol", "TCP")): p.get("nodePort")
        for p in old_spec.get("ports") or []
    }
    for port in spec.get("ports") or []:
        if not port.get("nodePort"):
            kept = old_ports.get((port.get("port"), port.get("protocol", "TCP")))
            if kept:
                port["nodePort"] = kept


def _validate_port(index: int, port: JSON, svc_type: str, many: bool) -> list[FieldError]:
    field = f"spec.ports[{index}]"
    errors = []
    if many and not port.get("name"):
        errors.append(required(f"{field}.name"))
    number = port.get("port")
    if not _is_int(number) or not 1 <= number <= 65535:
        errors.append(
            invalid_value(f"{field}.port", number or 0, "must be between 1 and 65535, inclusive")
        )
    node_port = port.get("nodePort")
    if node_port and svc_type not in _NODE_PORT_TYPES:
        errors.append(
            forbidden_field(f"{field}.nodePort", f"may not be used when `type` is '{svc_type}'")
        )
    elif node_port and not (_is_int(node_port) and NODE_PORT_MIN <= node_port <= NODE_PORT_MAX):
        detail = (
            "provided port is not in the valid range. The range of valid ports is "
            f"{NODE_PORT_MIN}-{NODE_PORT_MAX}"
        )
        errors.append(invalid_value(f"{field}.nodePort", node_port, detail))
    return errors


def _is_int(value: object) -> TypeGuard[int]:
    """An integer as JSON has it: not a boolean, not a float (kube-apiserver refuses both)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _validate(spec: JSON, old: JSON | None) -> list[FieldError]:
    svc_type = spec["type"]
    if svc_type not in _TYPES:
        supported = ", ".join(f'"{t}"' for t in _TYPES)
        return [
            FieldError(
                "spec.type",
                "FieldValueNotSupported",
                f'Unsupported value: "{svc_type}": supported values: {supported}',
            )
        ]
    ports = spec.get("ports") or []
    errors: list[FieldError] = []
    if not ports and svc_type != "ExternalName" and spec.get("clusterIP") != "None":
        errors.append(required("spec.ports"))
    for index, port in enumerate(ports):
        errors += _validate_port(index, port, svc_type, len(ports) > 1)
    old_ip = ((old or {}).get("spec") or {}).get("clusterIP")
    if old_ip and spec.get("clusterIP") != old_ip:
        errors.append(invalid_value("spec.clusterIP", spec.get("clusterIP"), "field is immutable"))
    return errors
