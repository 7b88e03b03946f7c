"""`describe -o json|yaml`: the FederatedObject document (docs/describe.md; its schema is
docs/federated-object.schema.json).

    {"apiVersion": "kubectl-fed/v1", "kind": "FederatedObject",
     "metadata": {"name", "namespace"}, "target": {"apiVersion", "kind"},
     "federatedStatus": {...per kind...},
     "clusters": [{"cluster", "presence", "object" | "error", "status", "events"}]}

Clusters are in member order; a member lacking the object has `error.reason` NotFound.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from kubectl_fed.core.ingress.loadbalancer import LoadBalancerView
from kubectl_fed.core.model.markers import DESIRED_ANNOTATION
from kubectl_fed.core.status.copies import CopiesStatus
from kubectl_fed.core.status.federated import FederatedObject
from kubectl_fed.core.status.fold import ClusterRow, Member, MergedEvent, Presence
from kubectl_fed.core.status.ingress import IngressStatus
from kubectl_fed.core.status.replicas import ReplicaSetStatus
from kubectl_fed.core.status.service import ServiceStatus
from kubectl_fed.render.machine import API_VERSION, without_managed_fields

Document = dict[str, Any]


def federated_object(fed: FederatedObject, load_balancer: LoadBalancerView | None) -> Document:
    return {
        "apiVersion": API_VERSION,
        "kind": "FederatedObject",
        "metadata": {"name": fed.name, "namespace": fed.namespace},
        "target": {"apiVersion": fed.kind.api_version, "kind": fed.kind.kind},
        "federatedStatus": _status(fed, load_balancer),
        "clusters": [_cluster(fed, member) for member in fed.members],
    }


def _status(fed: FederatedObject, load_balancer: LoadBalancerView | None) -> Document:
    status = fed.status
    if isinstance(status, IngressStatus):
        document = _ingress(status)
        if load_balancer is not None:
            document["loadBalancer"] = _load_balancer(load_balancer)
        return document
    if isinstance(status, ServiceStatus):
        return _service(status)
    if isinstance(status, CopiesStatus):
        return {"drifted": status.drifted}
    return _replicaset(status)


def _shards(rows: tuple[ClusterRow, ...]) -> Document:
    return {
        "healthyShards": [r.cluster for r in rows if r.shard.health.value == "Healthy"],
        "unhealthyShards": [
            {"cluster": r.cluster, "reason": r.shard.reason}
            for r in rows
            if r.shard.health.value == "Unhealthy"
        ],
    }


def _ingress(status: IngressStatus) -> Document:
    return {
        "address": status.address,
        "addressAgreed": status.agreed,
        "addresses": [{"cluster": c, "address": a} for c, a in status.addresses],
        "pending": list(status.pending),
        "rollout": status.rollout,
        **_shards(status.rows),
        "tls": [{"hosts": list(t.hosts), "secretName": t.secret} for t in status.tls],
        "rules": [
            {
                "host": rule.host,
                "path": rule.path,
                "backend": {"service": rule.backend.service, "port": rule.backend.port},
                "endpoints": [{"cluster": c, "ready": list(r)} for c, r in rule.endpoints],
            }
            for rule in status.rules
        ],
    }


def _service(status: ServiceStatus) -> Document:
    return {
        "type": status.type,
        "selector": status.selector,
        "ports": [
            {
                "name": port.name,
                "port": port.port,
                "protocol": port.protocol,
                "targetPort": port.target_port,
                "nodePort": port.node_port,
                "nodePortsAgree": port.agreed,
                "nodePorts": [{"cluster": c, "nodePort": n} for c, n in port.node_ports],
            }
            for port in status.ports
        ],
        **_shards(status.rows),
    }


def _replicaset(status: ReplicaSetStatus) -> Document:
    document: Document = {
        "replicas": status.total,
        "replicasFrom": "annotation" if status.total_from_annotation else "members",
        "preferences": status.preferences,
        "current": status.sum("current"),
        "ready": status.sum("ready"),
        "available": status.sum("available"),
        "planned": {m.cluster: m.planned for m in status.members if m.planned is not None},
        "drifted": status.drifted,
    }
    if status.plan_error:
        document["planError"] = status.plan_error
    return document


def _load_balancer(view: LoadBalancerView) -> Document:
    if not view.inspected:
        return {"inspected": False, "message": view.message}
    firewall = view.firewall
    return {
        "inspected": True,
        "project": view.project,
        "ips": list(view.ips),
        "forwardingRules": [
            {"name": r.name, "ip": r.ip, "portRange": r.port_range} for r in view.forwarding_rules
        ],
        "mismatched": [{"cluster": c, "address": a} for c, a in view.mismatched],
        "backendServices": [
            {
                "name": b.name,
                "nodePort": b.node_port,
                "clusters": [asdict(c) for c in b.clusters],
            }
            for b in view.backends
        ],
        "firewall": {
            "rules": list(firewall.rules) if firewall else [],
            "uncovered": list(firewall.uncovered) if firewall else [],
        },
        "problems": list(view.problems),
    }


def _cluster(fed: FederatedObject, member: Member) -> Document:
    entry: Document = {"cluster": member.cluster, "presence": member.presence.value}
    if member.error is not None:
        entry["error"] = {"reason": member.error.reason.value, "message": member.error.message}
    elif member.presence is Presence.MISSING:
        message = f'{fed.kind.qualified_plural} "{fed.name}" not found'
        entry["error"] = {"reason": "NotFound", "message": message}
    else:
        shown = member.obj and without_managed_fields(member.obj)
        entry["object"] = _without_values(shown) if fed.kind.secret_data and shown else shown
        entry["status"] = _row_of(fed, member.cluster)
        entry["events"] = [_event(e) for e in fed.events if e.cluster == member.cluster]
    return entry


def _without_values(obj: Document) -> Document:
    """A Secret as describe shows it: each key's size in bytes instead of its value, and no
    desired-state record (it holds the values)."""
    sizes = {
        key: f"<{len(str(value))} bytes base64>" for key, value in (obj.get("data") or {}).items()
    }
    metadata = dict(obj.get("metadata") or {})
    annotations = {
        k: v for k, v in (metadata.get("annotations") or {}).items() if k != DESIRED_ANNOTATION
    }
    metadata["annotations"] = annotations
    shown = {k: v for k, v in obj.items() if k not in ("data", "stringData")}
    return {**shown, "metadata": metadata, **({"data": sizes} if sizes else {})}


def _row_of(fed: FederatedObject, cluster: str) -> Document:
    status = fed.status
    if isinstance(status, ReplicaSetStatus):
        member = next(m for m in status.members if m.cluster == cluster)
        keys = ("desired", "planned", "current", "ready", "available", "note")
        return {key: getattr(member, key) for key in keys}
    if isinstance(status, CopiesStatus):
        copy = next(r for r in status.rows if r.cluster == cluster)
        return {"sameContent": copy.same, "note": copy.note}
    row = next(r for r in status.rows if r.cluster == cluster)
    return {
        "address": row.address,
        "shardHealth": row.shard.health.value,
        "readyEndpoints": row.shard.ready,
        "endpoints": row.shard.total,
        "note": row.note,
    }


def _event(event: MergedEvent) -> Document:
    return {
        "type": event.type,
        "reason": event.reason,
        "message": event.message,
        "from": event.source,
        "count": event.count,
        "firstTimestamp": event.first,
        "lastTimestamp": event.last,
    }
