"""The `node-ports` check (docs/doctor.md): every Service behind a federated ingress on
the same node ports everywhere."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from kubectl_fed.core.doctor.facts import Facts, object_label
from kubectl_fed.core.doctor.model import Check, Status, passed
from kubectl_fed.core.ingress.nodeports import (
    DEFAULT_NODE_PORT_RANGE,
    NodePortIndex,
    NodePortMismatch,
    needs_node_ports,
    node_port_mismatches,
    port_label,
)
from kubectl_fed.core.kinds import SERVICE
from kubectl_fed.core.model.objects import Key, KubeObject


def copies(key: Key, facts: Facts) -> dict[str, KubeObject]:
    """The Service as each answering member has it, member order, where it has node ports:
    a ClusterIP copy can hold none (the backend-type check names it), so it is left out."""
    return {
        m.cluster: obj
        for m in facts.answered
        if (obj := m.find(SERVICE, key)) is not None and needs_node_ports(obj)
    }


def common_node_port(key: Key, mismatch: NodePortMismatch, index: NodePortIndex) -> int | None:
    """A node port this Service's port can have in every member: one it already has
    somewhere (most used first) that no other Service holds, else the lowest free one."""
    votes: dict[int, int] = {}
    for _, value in mismatch.by_cluster:
        if value is not None:
            votes[value] = votes.get(value, 0) + 1
    for candidate in sorted(votes, key=lambda port: -votes[port]):
        if not index.held_by_others(candidate, key):
            return candidate
    for candidate in range(DEFAULT_NODE_PORT_RANGE.low, DEFAULT_NODE_PORT_RANGE.high + 1):
        if candidate not in index.holders:
            return candidate
    return None


def node_port_index(facts: Facts) -> NodePortIndex:
    return NodePortIndex({m.cluster: m.services for m in facts.answered})


def port_position(service: Mapping[str, Any], label: str) -> int | None:
    for position, port in enumerate((service.get("spec") or {}).get("ports") or []):
        if port_label(port) == label:
            return position
    return None


def patch_command(cluster: str, key: Key, position: int, node_port: int) -> str:
    patch = [{"op": "replace", "path": f"/spec/ports/{position}/nodePort", "value": node_port}]
    return (
        f"kubectl --context={cluster} -n {key[0]} patch service {key[1]} --type=json "
        f"-p '{json.dumps(patch, separators=(',', ':'))}'"
    )


def node_ports(key: Key, facts: Facts, index: NodePortIndex) -> list[Check]:
    label = object_label(SERVICE, key)
    members = copies(key, facts)
    if not members:
        return []
    mismatches = node_port_mismatches(members)
    if not mismatches:
        return [passed("node-ports", "the same node ports in every member", obj=label)]
    return [_mismatch(key, label, members, m, index) for m in mismatches]


def _mismatch(
    key: Key,
    label: str,
    members: Mapping[str, KubeObject],
    mismatch: NodePortMismatch,
    index: NodePortIndex,
) -> Check:
    target = common_node_port(key, mismatch, index)
    off = [cluster for cluster, value in mismatch.by_cluster if value != target]
    if target is None:
        fix = "free a node port in every member, then kubectl fed apply -f <its manifest>"
    else:
        first = off[0]
        position = port_position(members[first], mismatch.port) or 0
        command = patch_command(first, key, position, target)
        fix = f"kubectl fed doctor --fix (sets {target} in {', '.join(off)}), or: {command}"
    return Check("node-ports", Status.FAIL, ", ".join(off), label, mismatch.message(), fix)


def node_port_checks(facts: Facts) -> list[Check]:
    index = node_port_index(facts)
    return [check for key in facts.target.services for check in node_ports(key, facts, index)]
