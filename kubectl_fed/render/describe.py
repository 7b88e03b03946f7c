"""`kubectl fed describe` text: kubectl's describe layout for the federated object, then
the per-cluster table, the load balancer (ingress) and every member's events in time order."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from kubectl_fed.core.escaping import escaped
from kubectl_fed.core.ingress.loadbalancer import LoadBalancerView
from kubectl_fed.core.kinds.cells import format_labels
from kubectl_fed.core.status.copies import CopiesStatus
from kubectl_fed.core.status.federated import FederatedObject
from kubectl_fed.core.status.fold import Presence, ShardedStatus
from kubectl_fed.core.status.ingress import IngressRule, IngressStatus
from kubectl_fed.core.status.service import PortStatus, ServiceStatus
from kubectl_fed.render.describe_common import (
    annotation_lines,
    cluster_table,
    event_lines,
)
from kubectl_fed.render.describe_copies import copies_lines
from kubectl_fed.render.describe_lb import load_balancer_lines
from kubectl_fed.render.describe_rs import replicaset_lines
from kubectl_fed.render.describe_text import INDENT, NONE, columns, fields, shortened, underlined

Pairs = list[tuple[str, str | list[str]]]


def describe_text(
    fed: FederatedObject, now: datetime, load_balancer: LoadBalancerView | None = None
) -> str:
    status = fed.status
    if isinstance(status, IngressStatus):
        body = _ingress(fed, status, now, load_balancer)
    elif isinstance(status, ServiceStatus):
        body = _service(fed, status, now)
    elif isinstance(status, CopiesStatus):
        body = copies_lines(fed, status, now)
    else:
        body = replicaset_lines(fed, status, now)
    return "\n".join([*body, *event_lines(fed.events, now)])


def _head(fed: FederatedObject) -> Pairs:
    return [("Name", fed.name), ("Namespace", fed.namespace)]


def _ingress(
    fed: FederatedObject, status: IngressStatus, now: datetime, lb: LoadBalancerView | None
) -> list[str]:
    pairs = [*_head(fed), ("Address", _address(status)), ("Shards", _shards(fed, status))]
    if status.rollout is not None:
        pairs.append(("Rollout", f"unfinished: {escaped(status.rollout)}"))
    if status.default_backend is not None:
        pairs.append(("Default backend", status.default_backend.text))
    if status.tls:  # kubectl leaves TLS out when there is none
        pairs.append(("TLS", []))
    pairs += [("Rules", []), ("Annotations", annotation_lines(fed.members))]
    lines = fields(pairs)
    rules_at = lines.index("Rules:") + 1
    lines[rules_at:rules_at] = _rules(status.rules)
    if status.tls:
        tls_at = lines.index("TLS:") + 1
        lines[tls_at:tls_at] = [INDENT + line for line in _tls(status)]
    lines += cluster_table(status.rows, now)
    if lb is not None:
        holders = [m.cluster for m in fed.members if m.presence is Presence.PRESENT]
        lines += load_balancer_lines(lb, holders, len(fed.members))
    return lines


def _address(status: IngressStatus) -> str:
    if status.address is not None:
        pending = f" (pending on {', '.join(status.pending)})" if status.pending else ""
        return status.address + pending
    if not status.addresses:
        return "<pending>"
    shown = ", ".join(f"{address} ({cluster})" for cluster, address in status.addresses)
    return f"{shown}: members disagree"


def _shards(fed: FederatedObject, status: ShardedStatus) -> str:
    total = len(fed.members)
    text = f"{len(status.healthy)} healthy of {total} member{'' if total == 1 else 's'}"
    unhealthy = ", ".join(row.cluster for row in status.unhealthy)
    others = [r.cluster for r in status.rows if r.presence is not Presence.PRESENT]
    parts = [text]
    if unhealthy:
        parts.append(f"unhealthy: {unhealthy}")
    if others:
        parts.append(f"absent: {', '.join(others)}")
    return "; ".join(parts)


def _tls(status: IngressStatus) -> list[str]:
    return [
        f"{tls.secret} terminates {','.join(tls.hosts)}".strip()
        if tls.secret
        else f"SNI routes {','.join(tls.hosts)}"
        for tls in status.tls
    ]


def _rules(rules: Sequence[IngressRule]) -> list[str]:
    lines = underlined(
        ["Host", "Path", "Backends"], [[r.host, r.path, r.backend.text] for r in rules]
    )
    if not rules:
        return [f"{INDENT}{NONE}"]
    backend_column = lines[0].index("Backends")
    out = lines[:2]
    for rule, line in zip(rules, lines[2:], strict=True):
        per_cluster = [[cluster, shortened(list(ready))] for cluster, ready in rule.endpoints]
        out.append(line)
        out += columns(per_cluster, indent=" " * (backend_column + 2))
    return out


def _service(fed: FederatedObject, status: ServiceStatus, now: datetime) -> list[str]:
    pairs: Pairs = [
        *_head(fed),
        ("Type", status.type),
        ("Selector", format_labels(status.selector)),
        ("Ports", [_port(port) for port in status.ports] or [NONE]),
        ("Shards", _shards(fed, status)),
        ("Annotations", annotation_lines(fed.members)),
    ]
    return [*fields(pairs), *cluster_table(status.rows, now)]


def _port(port: PortStatus) -> str:
    name = f"{port.name} " if port.name else ""
    text = f"{name}{port.port}/{port.protocol} -> {port.target_port}"
    if not port.node_ports or all(value is None for _, value in port.node_ports):
        return text
    if port.agreed:
        return f"{text}, node port {port.node_port} in every member"
    each = ", ".join(f"{cluster}={value or NONE}" for cluster, value in port.node_ports)
    return f"{text}, node ports differ: {each}"
