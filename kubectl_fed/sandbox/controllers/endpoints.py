"""Endpoints controller: one Endpoints object per selector Service, from matching pods."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from typing import Any

from kubectl_fed.sandbox.apiserver.errors import ApiError
from kubectl_fed.sandbox.apiserver.store import Store
from kubectl_fed.sandbox.controllers.pods import is_active, is_ready

JSON = dict[str, Any]
PortKey = tuple[tuple[str, int, str], ...]  # (name, port, protocol) per service port


class EndpointsController:
    resources = frozenset({"services", "pods", "endpoints"})

    def __init__(self, store: Store) -> None:
        self._store = store
        self._managed: set[tuple[str, str]] = set()

    def reconcile(self) -> None:
        # read-only views: nothing here changes a listed object
        pods = [p for p in self._store.list("pods", copies=False) if is_active(p) and _pod_ip(p)]
        existing = {
            (e["metadata"]["namespace"], e["metadata"]["name"]): e
            for e in self._store.list("endpoints", copies=False)
        }
        wanted: set[tuple[str, str]] = set()
        for service in self._store.list("services", copies=False):
            selector = (service.get("spec") or {}).get("selector") or {}
            if not selector:
                continue  # endpoints of selector-less services belong to their user
            key = (service["metadata"]["namespace"], service["metadata"]["name"])
            wanted.add(key)
            with contextlib.suppress(ApiError):  # changed meanwhile: the next pass retries
                self._write(service, endpoint_subsets(service, pods), existing.get(key))
        for namespace, name in self._managed - wanted:
            with contextlib.suppress(ApiError):
                self._store.delete("endpoints", namespace, name)
        self._managed = wanted

    def _write(self, service: JSON, subsets: list[JSON], seen: JSON | None) -> None:
        """Create or update the service's Endpoints; `seen` is their stored state (not a copy)."""
        meta = service["metadata"]
        if seen is None:
            body: JSON = {"metadata": {"name": meta["name"], "labels": meta.get("labels") or {}}}
            if subsets:
                body["subsets"] = subsets
            self._store.create("endpoints", meta["namespace"], body)
            return
        if (seen.get("subsets") or []) != subsets:
            current = self._store.get("endpoints", meta["namespace"], meta["name"])
            current["subsets"] = subsets
            if not subsets:
                del current["subsets"]
            self._store.update("endpoints", meta["namespace"], meta["name"], current)


def endpoint_subsets(service: JSON, pods: list[JSON]) -> list[JSON]:
    """Ready pods in `addresses`, the others in `notReadyAddresses`, grouped by the ports
    their containers resolve the service's target ports to (sorted, as upstream)."""
    namespace = service["metadata"]["namespace"]
    selector = service["spec"]["selector"]
    groups: dict[PortKey, dict[str, list[JSON]]] = defaultdict(lambda: {"ready": [], "not": []})
    for pod in pods:
        labels = pod["metadata"].get("labels") or {}
        if pod["metadata"]["namespace"] != namespace or any(
            labels.get(k) != v for k, v in selector.items()
        ):
            continue
        ports = _resolve_ports(service, pod)
        if ports:
            groups[ports]["ready" if is_ready(pod) else "not"].append(_address(pod))
    subsets = []
    for ports, addresses in sorted(groups.items()):
        subset: JSON = {}
        if addresses["ready"]:
            subset["addresses"] = sorted(addresses["ready"], key=lambda a: a["ip"])
        if addresses["not"]:
            subset["notReadyAddresses"] = sorted(addresses["not"], key=lambda a: a["ip"])
        subset["ports"] = [_port(name, number, protocol) for name, number, protocol in ports]
        subsets.append(subset)
    return subsets


def _resolve_ports(service: JSON, pod: JSON) -> PortKey:
    resolved = []
    for port in service["spec"].get("ports") or []:
        target = port.get("targetPort", port.get("port"))
        number = target if isinstance(target, int) else _named_port(pod, str(target))
        if number is not None:
            resolved.append(
                (str(port.get("name", "")), int(number), str(port.get("protocol", "TCP")))
            )
    return tuple(resolved)


def _named_port(pod: JSON, name: str) -> int | None:
    if name.isdigit():
        return int(name)
    for container in pod["spec"].get("containers") or []:
        for port in container.get("ports") or []:
            if port.get("name") == name:
                return int(port["containerPort"])
    return None


def _port(name: str, number: int, protocol: str) -> JSON:
    port: JSON = {"port": number, "protocol": protocol}
    if name:
        port["name"] = name
    return port


def _address(pod: JSON) -> JSON:
    meta = pod["metadata"]
    return {
        "ip": _pod_ip(pod),
        "nodeName": pod["spec"].get("nodeName", ""),
        "targetRef": {
            "kind": "Pod",
            "namespace": meta["namespace"],
            "name": meta["name"],
            "uid": meta["uid"],
        },
    }


def _pod_ip(pod: JSON) -> str:
    return str((pod.get("status") or {}).get("podIP") or "")
