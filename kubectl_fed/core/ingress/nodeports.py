"""Identical node ports in every member, as a shared Google Cloud load balancer needs.

A federated Service of type NodePort or LoadBalancer must expose each port on the same
node port in every member. Before anything is written:

- a port that asks for a `nodePort` keeps it, unless another Service in some member (or
  another Service planned in the same run) already uses it: that is a conflict naming
  every holder;
- a port without one keeps the node port the federated Service already has in the
  members (an update), when that port is free everywhere else;
- otherwise it gets the lowest port of the range free in all members. Lowest-first is
  deterministic and matches Kubernetes' own split of the range (KEP-3668): clusters
  allocate dynamically from the top of the range, so explicitly chosen ports from the
  bottom are the least likely to collide with them later;
- as kube-apiserver does, ports of one Service sharing a `port` number (TCP and UDP of
  the same port) share one node port.

Everything here is data in, data out; expected outcomes are returned, not raised.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kubectl_fed.core.model.objects import KubeObject, key_of
from kubectl_fed.errors import UsageError

Identity = tuple[str, str]
NODE_PORT_TYPES = ("NodePort", "LoadBalancer")
_HEALTH_CHECK = "healthCheckNodePort"


@dataclass(frozen=True)
class PortRange:
    low: int
    high: int

    @classmethod
    def parse(cls, text: str) -> PortRange:
        """`30000-32767` (as kube-apiserver's --service-node-port-range) or `30000+2768`."""
        low_text, sep, high_text = text.strip().partition("-")
        try:
            if sep:
                low, high = int(low_text), int(high_text)
            else:
                low_text, plus, size_text = text.strip().partition("+")
                low = int(low_text)
                high = low + int(size_text) - 1 if plus else low
        except ValueError:
            raise UsageError(f"invalid node port range {text!r}: expected LOW-HIGH") from None
        if not 1 <= low <= high <= 65535:
            raise UsageError(f"invalid node port range {text!r}: need 1 <= LOW <= HIGH <= 65535")
        return cls(low, high)

    def __str__(self) -> str:
        return f"{self.low}-{self.high}"


DEFAULT_NODE_PORT_RANGE = PortRange(30000, 32767)


@dataclass(frozen=True, order=True)
class Holder:
    """A Service using a node port: in a member, or (cluster None) planned in this run."""

    cluster: str | None
    namespace: str
    name: str
    field: str = "nodePort"

    def describe(self) -> str:
        what = f"service {self.namespace}/{self.name}" if self.name else "another service"
        if self.field != "nodePort":
            what += f" (as its {self.field})"
        return what if self.cluster else f"{what}, planned in this same run"


class Source(StrEnum):
    REQUESTED = "requested"
    KEPT = "kept"
    ALLOCATED = "allocated"


@dataclass(frozen=True)
class Assignment:
    index: int  # position in spec.ports
    port: str  # the port's name, else PORT/PROTOCOL
    node_port: int
    source: Source


@dataclass(frozen=True)
class Conflict:
    port: str
    node_port: int
    holders: tuple[Holder, ...]


@dataclass(frozen=True)
class NodePortPlan:
    namespace: str
    name: str
    port_range: PortRange
    assignments: tuple[Assignment, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    exhausted: tuple[str, ...] = ()  # ports for which no node port is free in every member

    @property
    def ok(self) -> bool:
        return not self.conflicts and not self.exhausted

    def node_ports(self) -> dict[int, int]:
        """spec.ports index -> the node port it gets."""
        return {item.index: item.node_port for item in self.assignments}

    def errors(self) -> list[str]:
        """One line per problem, naming cluster, Service and port (no "error: " prefix)."""
        this = f"service {self.namespace}/{self.name}"
        lines = [
            _conflict_line(this, conflict, holder)
            for conflict in self.conflicts
            for holder in conflict.holders
        ]
        lines += [
            f"{this}: port {port}: no node port in {self.port_range} is free in every member"
            for port in self.exhausted
        ]
        return lines


def _conflict_line(this: str, conflict: Conflict, holder: Holder) -> str:
    where = f"cluster {holder.cluster}: " if holder.cluster else ""
    used = f"nodePort {conflict.node_port} (port {conflict.port})"
    return f"{where}{this}: {used} is already used by {holder.describe()}"


class NodePortIndex:
    """Who uses which node port in every member, built once per run from their Services."""

    def __init__(self, members: Mapping[str, Iterable[Mapping[str, Any]]]) -> None:
        # Hot path (every Service of every member): plain tuples, no helper calls.
        self.holders: dict[int, list[tuple[str, Identity, str]]] = {}
        self.services: dict[Identity, dict[str, Mapping[str, Any]]] = {}
        for cluster, services in members.items():
            for service in services:
                self._add(cluster, service)

    def _add(self, cluster: str, service: Mapping[str, Any]) -> None:
        who = key_of(service)
        self.services.setdefault(who, {})[cluster] = service
        spec = service.get("spec") or {}
        for port in spec.get("ports") or ():
            node_port = port.get("nodePort") if isinstance(port, dict) else None
            if type(node_port) is int and node_port > 0:
                self.holders.setdefault(node_port, []).append((cluster, who, "nodePort"))
        health = spec.get(_HEALTH_CHECK)
        if type(health) is int and health > 0:
            self.holders.setdefault(health, []).append((cluster, who, _HEALTH_CHECK))

    def held_by_others(self, node_port: int, service: Identity) -> list[Holder]:
        return [
            Holder(cluster, who[0], who[1], field)
            for cluster, who, field in self.holders.get(node_port, ())
            if who != service
        ]

    def existing(self, service: Identity) -> Mapping[str, Mapping[str, Any]]:
        """The federated Service as the members have it now, by cluster, in member order."""
        return self.services.get(service, {})


def needs_node_ports(service: Mapping[str, Any]) -> bool:
    spec = service.get("spec") or {}
    if spec.get("type") not in NODE_PORT_TYPES:
        return False
    return not (
        spec.get("type") == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is False
    )


def port_label(port: Mapping[str, Any]) -> str:
    return str(port.get("name") or f"{port.get('port')}/{port.get('protocol') or 'TCP'}")


def _ports(service: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [port for _, port in _indexed_ports(service)]


def _indexed_ports(service: Mapping[str, Any]) -> list[tuple[int, Mapping[str, Any]]]:
    """(position in spec.ports, port) for every well-formed port."""
    ports = (service.get("spec") or {}).get("ports") or []
    return [(index, port) for index, port in enumerate(ports) if isinstance(port, Mapping)]


def _existing_node_port(port: Mapping[str, Any]) -> int | None:
    value = port.get("nodePort")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _requested(port: Mapping[str, Any], where: str) -> int | None:
    value = port.get("nodePort")
    if value in (None, 0):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise UsageError(f"{where}: port {port_label(port)}: invalid nodePort {value!r}")
    return value


def _same_port(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Ports are matched as server-side apply does, by port number and protocol."""
    return a.get("port") == b.get("port") and (a.get("protocol") or "TCP") == (
        b.get("protocol") or "TCP"
    )


class _Planner:
    """Decides the node ports of one Service; holds the state of that decision."""

    def __init__(
        self,
        service: Mapping[str, Any],
        index: NodePortIndex,
        port_range: PortRange,
        taken: Mapping[int, Holder],
        default_namespace: str,
    ) -> None:
        self.me = key_of(service, default_namespace)
        self.ports = _indexed_ports(service)
        self.index = index
        self.port_range = port_range
        self.taken = taken
        self.chosen: set[int] = set()
        self.chosen_with_protocol: set[tuple[int, Any]] = set()
        self.by_number: dict[Any, Assignment] = {}
        self.assignments: list[Assignment] = []
        self.conflicts: list[Conflict] = []
        self.exhausted: list[str] = []

    def run(self) -> NodePortPlan:
        where = f"service {self.me[0]}/{self.me[1]}"
        for index, port in self.ports:
            requested = _requested(port, where)
            if requested is not None:
                self._request(index, port, requested)
        for index, port in self.ports:
            if _requested(port, where) is None:
                self._fill(index, port)
        return NodePortPlan(
            self.me[0],
            self.me[1],
            self.port_range,
            tuple(sorted(self.assignments, key=lambda item: item.index)),
            tuple(self.conflicts),
            tuple(self.exhausted),
        )

    def _request(self, index: int, port: Mapping[str, Any], node_port: int) -> None:
        if not self.port_range.low <= node_port <= self.port_range.high:
            raise UsageError(
                f"service {self.me[0]}/{self.me[1]}: port {port_label(port)}: nodePort "
                f"{node_port} is outside the node port range {self.port_range} of the members"
            )
        protocol = (node_port, port.get("protocol") or "TCP")
        if protocol in self.chosen_with_protocol:
            where = f"service {self.me[0]}/{self.me[1]}"
            raise UsageError(f"{where}: nodePort {node_port} is given to two ports")
        holders = list(dict.fromkeys(self.index.held_by_others(node_port, self.me)))
        if node_port in self.taken:
            holders.append(self.taken[node_port])
        if holders:
            self.conflicts.append(Conflict(port_label(port), node_port, tuple(holders)))
            return
        self._assign(index, port, node_port, Source.REQUESTED)

    def _fill(self, index: int, port: Mapping[str, Any]) -> None:
        sibling = self.by_number.get(port.get("port"))
        if sibling is not None:
            self._assign(index, port, sibling.node_port, sibling.source)
            return
        kept = self._kept(port)
        if kept is not None:
            self._assign(index, port, kept, Source.KEPT)
            return
        fresh = self._lowest_free()
        if fresh is None:
            self.exhausted.append(port_label(port))
        else:
            self._assign(index, port, fresh, Source.ALLOCATED)

    def _kept(self, port: Mapping[str, Any]) -> int | None:
        for existing in self.index.existing(self.me).values():
            for candidate in _ports(existing):
                node_port = _existing_node_port(candidate)
                if node_port and _same_port(candidate, port) and self._free_for_me(node_port):
                    return node_port
        return None

    def _free_for_me(self, node_port: int) -> bool:
        return (
            node_port not in self.chosen
            and node_port not in self.taken
            and not self.index.held_by_others(node_port, self.me)
        )

    def _lowest_free(self) -> int | None:
        used = self.index.holders
        for node_port in range(self.port_range.low, self.port_range.high + 1):
            if (
                node_port not in used
                and node_port not in self.taken
                and node_port not in self.chosen
            ):
                return node_port
        return None

    def _assign(self, index: int, port: Mapping[str, Any], node_port: int, source: Source) -> None:
        assignment = Assignment(index, port_label(port), node_port, source)
        self.assignments.append(assignment)
        self.chosen.add(node_port)
        self.chosen_with_protocol.add((node_port, port.get("protocol") or "TCP"))
        self.by_number.setdefault(port.get("port"), assignment)


def plan_node_ports(
    service: Mapping[str, Any],
    index: NodePortIndex,
    *,
    port_range: PortRange = DEFAULT_NODE_PORT_RANGE,
    taken: Mapping[int, Holder] | Collection[int] | None = None,
    default_namespace: str = "default",
) -> NodePortPlan:
    """The node port of every port of `service` (empty when its type needs none).

    `taken`: node ports already given to other Services in this run, ideally mapped to
    them (so a conflict can name them); `plan_services` keeps it for you.
    Raises `UsageError` only for a malformed `nodePort` value (bad input).
    """
    namespace, name = key_of(service, default_namespace)
    if not needs_node_ports(service):
        return NodePortPlan(namespace, name, port_range)
    claimed = _claimed(taken or {})
    return _Planner(service, index, port_range, claimed, default_namespace).run()


def _claimed(taken: Mapping[int, Holder] | Collection[int]) -> Mapping[int, Holder]:
    if isinstance(taken, Mapping):
        return taken
    return {node_port: Holder(None, "", "") for node_port in taken}


def plan_services(
    services: Sequence[Mapping[str, Any]],
    members: Mapping[str, Iterable[Mapping[str, Any]]] | NodePortIndex,
    *,
    port_range: PortRange = DEFAULT_NODE_PORT_RANGE,
    default_namespace: str = "default",
) -> list[NodePortPlan]:
    """Plan several Services written in one run, so they never get the same node port."""
    index = members if isinstance(members, NodePortIndex) else NodePortIndex(members)
    taken: dict[int, Holder] = {}
    plans = []
    for service in services:
        result = plan_node_ports(
            service, index, port_range=port_range, taken=taken, default_namespace=default_namespace
        )
        for item in result.assignments:
            taken.setdefault(item.node_port, Holder(None, result.namespace, result.name))
        plans.append(result)
    return plans


def apply_node_ports(service: Mapping[str, Any], plan: NodePortPlan) -> KubeObject:
    """A copy of `service` with every planned node port written into `spec.ports`."""
    if not plan.ok:
        raise ValueError("a node port plan with conflicts must not be applied")
    result: KubeObject = copy.deepcopy(dict(service))
    ports = (result.get("spec") or {}).get("ports") or []
    for index, node_port in plan.node_ports().items():
        ports[index]["nodePort"] = node_port
    return result


@dataclass(frozen=True)
class NodePortMismatch:
    """One port of a federated Service whose node port differs between members."""

    port: str
    by_cluster: tuple[tuple[str, int | None], ...]  # None: no node port (or no such port)

    def message(self) -> str:
        groups: dict[int | None, list[str]] = {}
        for cluster, node_port in self.by_cluster:
            groups.setdefault(node_port, []).append(cluster)
        parts = [
            f"{'none' if value is None else value} in {', '.join(clusters)}"
            for value, clusters in groups.items()
        ]
        return f"port {self.port}: node ports differ: {'; '.join(parts)}"


def node_port_mismatches(members: Mapping[str, Mapping[str, Any]]) -> list[NodePortMismatch]:
    """Every port of one federated Service (as each member has it) whose node port is not
    the same in all members. Members without the Service should simply be left out."""
    seen: dict[tuple[Any, str], str] = {}
    by_key: dict[tuple[Any, str], dict[str, int | None]] = {}
    for cluster, service in members.items():
        for port in _ports(service):
            key = (port.get("port"), str(port.get("protocol") or "TCP"))
            seen.setdefault(key, port_label(port))
            node_port = port.get("nodePort")
            by_key.setdefault(key, {})[cluster] = node_port if node_port else None
    mismatches = []
    for key, values in by_key.items():
        row = tuple((cluster, values.get(cluster)) for cluster in members)
        if len({value for _, value in row}) > 1:
            mismatches.append(NodePortMismatch(seen[key], row))
    return mismatches
