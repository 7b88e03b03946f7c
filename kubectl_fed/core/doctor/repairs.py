"""The safe repairs of `doctor --fix`, planned from the facts (nothing is written here).

Only what cannot break anything: agree GLBC UIDs when no ingress outside the federation
would lose its load balancer, align node ports on a port free for the Service in every
member, recreate federated Ingresses and Services a member lacks from another member's
copy, and rebalance ReplicaSets as `kubectl fed rebalance` would.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from kubectl_fed.core.doctor.facts import Facts, object_label
from kubectl_fed.core.doctor.glbc import uid_agreement
from kubectl_fed.core.doctor.ports import (
    common_node_port,
    copies,
    node_port_index,
    port_position,
)
from kubectl_fed.core.doctor.replicas import replica_plan
from kubectl_fed.core.ingress_rollout import GLOBAL_STATIC_IP_ANNOTATION, STATIC_IP_ANNOTATION
from kubectl_fed.core.kinds import INGRESS, REPLICASET, SERVICE, Kind
from kubectl_fed.core.manifests import SERVER_METADATA
from kubectl_fed.core.nodeports import node_port_mismatches
from kubectl_fed.core.replica_moves import Move

KubeObject = dict[str, Any]
GLBC_ANNOTATIONS = "ingress.kubernetes.io/"
_SERVICE_SERVER_FIELDS = ("clusterIP", "clusterIPs", "healthCheckNodePort")


@dataclass(frozen=True)
class Write:
    cluster: str
    action: str  # "create", "replace" or "move" (a ReplicaSet share, as rebalance writes it)
    obj: KubeObject | None = None
    move: Move | None = None
    total: int = 0


@dataclass(frozen=True)
class Repair:
    title: str  # "set node port 30080 of service default/nginx in asia-east1"
    writes: tuple[Write, ...]


def plan_repairs(facts: Facts) -> list[Repair]:
    return [
        *_uid_repairs(facts),
        *_node_port_repairs(facts),
        *_missing_repairs(facts, INGRESS),
        *_missing_repairs(facts, SERVICE),
        *_rebalance_repairs(facts),
    ]


def _uid_repairs(facts: Facts) -> list[Repair]:
    agreement = uid_agreement(facts)
    if agreement.errors or not agreement.changes:
        return []
    clusters = ", ".join(change.cluster for change in agreement.changes)
    title = f"set GLBC UID {agreement.plan.target} in kube-system/ingress-uid of {clusters}"
    writes = tuple(Write(c.cluster, "replace", c.configmap) for c in agreement.changes)
    return [Repair(title, writes)]


def _node_port_repairs(facts: Facts) -> list[Repair]:
    index = node_port_index(facts)
    repairs = []
    for key in facts.target.services:
        members = copies(key, facts)
        for mismatch in node_port_mismatches(members):
            target = common_node_port(key, mismatch, index)
            if target is None:
                continue
            writes = []
            for cluster, value in mismatch.by_cluster:
                position = port_position(members[cluster], mismatch.port)
                if value != target and position is not None:
                    obj = copy.deepcopy(members[cluster])
                    obj["spec"]["ports"][position]["nodePort"] = target
                    writes.append(Write(cluster, "replace", obj))
            where = ", ".join(w.cluster for w in writes)
            label = object_label(SERVICE, key)
            title = f"set node port {target} of {label} port {mismatch.port} in {where}"
            repairs.append(Repair(title, tuple(writes)))
    return repairs


def _missing_repairs(facts: Facts, kind: Kind) -> list[Repair]:
    repairs = []
    for key in facts.target.of(kind):
        holders = [(m.cluster, obj) for m in facts.answered if (obj := m.find(kind, key))]
        missing = [m.cluster for m in facts.answered if m.find(kind, key) is None]
        if not holders or not missing:
            continue
        source, live = holders[0]
        fresh = fresh_copy(kind, live)
        writes = tuple(Write(cluster, "create", fresh) for cluster in missing)
        title = f"create {object_label(kind, key)} in {', '.join(missing)} from {source}'s copy"
        repairs.append(Repair(title, writes))
    return repairs


def fresh_copy(kind: Kind, live: KubeObject) -> KubeObject:
    """Another member's copy without what its server or controllers set."""
    obj = copy.deepcopy(live)
    obj.pop("status", None)
    metadata = obj.setdefault("metadata", {})
    for field in (*SERVER_METADATA, "ownerReferences", "finalizers"):
        metadata.pop(field, None)
    annotations = dict(metadata.get("annotations") or {})
    if kind == INGRESS:
        static_ip = annotations.get(STATIC_IP_ANNOTATION)
        annotations = {k: v for k, v in annotations.items() if not k.startswith(GLBC_ANNOTATIONS)}
        if static_ip and GLOBAL_STATIC_IP_ANNOTATION not in annotations:
            annotations[GLOBAL_STATIC_IP_ANNOTATION] = static_ip  # share the leader's IP
        metadata["annotations"] = annotations
    if kind == SERVICE:
        for field in _SERVICE_SERVER_FIELDS:
            obj.get("spec", {}).pop(field, None)
    return obj


def _rebalance_repairs(facts: Facts) -> list[Repair]:
    repairs = []
    for key in facts.target.replicasets:
        planned = replica_plan(key, facts)
        if planned is None:
            continue
        plan = planned[0]
        moves = [m for m in plan.moves if m.changes]
        if moves:
            split = ", ".join(
                f"{m.cluster} {m.after}{'' if m.present else ' (recreated)'}" for m in moves
            )
            title = f"rebalance {object_label(REPLICASET, key)}: {split}"
            writes = tuple(Write(m.cluster, "move", move=m, total=plan.total) for m in moves)
            repairs.append(Repair(title, writes))
    return repairs
