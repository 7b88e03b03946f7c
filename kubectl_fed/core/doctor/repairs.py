"""Repairs (what to write, where) and the two that need no desired-state record.

Agree GLBC UIDs when no ingress outside the federation would lose its load balancer,
and align node ports on a port free for the Service in every member. The whole plan,
which adds the repairs made from the recorded desired state, is core/converge/plan.py.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from kubectl_fed.core.doctor.facts import Facts, object_label
from kubectl_fed.core.doctor.glbc import has_federated_gce_ingress, uid_agreement
from kubectl_fed.core.doctor.ports import (
    common_node_port,
    copies,
    node_port_index,
    port_position,
)
from kubectl_fed.core.ingress.nodeports import node_port_mismatches
from kubectl_fed.core.kinds import SERVICE
from kubectl_fed.core.model.objects import KubeObject
from kubectl_fed.core.replicas.moves import Move


@dataclass(frozen=True)
class Write:
    """One write to one member; `subject` and `detail` are how reconcile reports it."""

    cluster: str
    action: str  # "create", "replace", "apply" or "move" (a ReplicaSet share, as rebalance)
    obj: KubeObject | None = None
    move: Move | None = None
    total: int = 0
    subject: str = ""  # "service default/nginx"
    detail: str = ""  # "nodePort 30080 (was 31999)"

    @property
    def verb(self) -> str:
        """The word reconcile prints for it, as kubectl's result lines do."""
        if self.action == "create" or (self.move is not None and not self.move.present):
            return "created"
        return "scaled" if self.action == "move" else "configured"


@dataclass(frozen=True)
class Repair:
    title: str  # "set node port 30080 of service default/nginx in asia-east1"
    writes: tuple[Write, ...]


def uid_repairs(facts: Facts) -> list[Repair]:
    if not has_federated_gce_ingress(facts):
        return []
    agreement = uid_agreement(facts)
    if agreement.errors or not agreement.changes:
        return []
    clusters = ", ".join(change.cluster for change in agreement.changes)
    title = f"set GLBC UID {agreement.plan.target} in kube-system/ingress-uid of {clusters}"
    writes = tuple(
        Write(
            c.cluster,
            "replace",
            c.configmap,
            subject="configmap kube-system/ingress-uid",
            detail=f"uid {agreement.plan.target}",
        )
        for c in agreement.changes
    )
    return [Repair(title, writes)]


def node_port_repairs(facts: Facts) -> list[Repair]:
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
                    detail = f"port {mismatch.port} nodePort {target} (was {value})"
                    label = object_label(SERVICE, key)
                    writes.append(Write(cluster, "replace", obj, subject=label, detail=detail))
            where = ", ".join(w.cluster for w in writes)
            label = object_label(SERVICE, key)
            title = f"set node port {target} of {label} port {mismatch.port} in {where}"
            repairs.append(Repair(title, tuple(writes)))
    return repairs
