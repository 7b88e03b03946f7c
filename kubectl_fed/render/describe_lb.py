"""describe's "Load balancer" section: what GCE says about the federated ingress."""

from __future__ import annotations

from collections.abc import Sequence

from kubectl_fed.core.ingress.loadbalancer import HEALTH_CHECK_RANGES, BackendView, LoadBalancerView
from kubectl_fed.render.describe_text import INDENT, columns, fields

TITLE = "Load balancer"


def load_balancer_lines(view: LoadBalancerView, holders: Sequence[str], members: int) -> list[str]:
    """`holders`: the members that have a copy, of `members` in the federation."""
    if not view.inspected:
        return fields([(TITLE, view.message)])
    pairs: list[tuple[str, str | list[str]]] = [
        ("Project", view.project),
        ("IP", _ip(view, holders, members)),
        ("Forwarding rules", _rules(view) or ["<none found>"]),
        ("Firewall", _firewall(view)),
    ]
    lines = [f"{TITLE}:", *(INDENT + line for line in fields(pairs))]
    lines.append(f"{INDENT}Backend services:" + ("" if view.backends else "  <none found>"))
    width = max((len(c.cluster) for b in view.backends for c in b.clusters), default=0)
    for backend in view.backends:
        lines.extend(_backend(backend, width))
    if view.problems:
        lines.append(f"{INDENT}Problems:")
        lines.extend(f"{INDENT * 2}{problem}" for problem in view.problems)
    return lines


def _ip(view: LoadBalancerView, holders: Sequence[str], members: int) -> str:
    ips = view.ips
    if not ips:
        return "<none>"
    text = ", ".join(ips)
    if len(ips) > 1:
        return f"{text} (members use {len(ips)} separate load balancers)"
    if view.mismatched:
        others = ", ".join(f"{cluster} has {address}" for cluster, address in view.mismatched)
        return f"{text} (differs from the members' address: {others})"
    if len(holders) < members:
        return f"{text} (the address of {len(holders)} of {members} members: {', '.join(holders)})"
    return f"{text} (every member's address)"


def _rules(view: LoadBalancerView) -> list[str]:
    rows = [[rule.name, rule.ip, rule.port_range] for rule in view.forwarding_rules]
    return [line.strip() for line in columns(rows, indent="")]


def _firewall(view: LoadBalancerView) -> str:
    firewall = view.firewall
    if firewall is None or not view.backends:
        return "<nothing to check>"
    ranges = ", ".join(HEALTH_CHECK_RANGES)
    if firewall.ok:
        return f"{', '.join(firewall.rules)} admits {ranges} to every node port"
    return "health checks blocked: " + "; ".join(firewall.uncovered)


def _backend(backend: BackendView, width: int) -> list[str]:
    """The service, then `cluster  healthy/total HEALTHY` lines aligned across services."""
    head = f"{INDENT * 2}{backend.name} (node port {backend.node_port})"
    if not backend.clusters:
        return [f"{head}: no instance groups"]
    return [
        head,
        *(
            f"{INDENT * 3}{c.cluster.ljust(width)}  {c.healthy}/{c.total} HEALTHY"
            for c in backend.clusters
        ),
    ]
