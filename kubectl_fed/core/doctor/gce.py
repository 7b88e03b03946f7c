"""The `gce` and `gce-*` checks (docs/doctor.md): the Google Cloud load balancer behind
each federated ingress, as GCE reports it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kubectl_fed.core.doctor.gce_firewall import firewall_check
from kubectl_fed.core.doctor.model import Check, Status, passed, skipped
from kubectl_fed.core.ingress.loadbalancer import ClusterHealth, LoadBalancerFacts, LoadBalancerView

RESERVED = ("RESERVED", "IN_USE")


def not_inspected(label: str, reason: str) -> list[Check]:
    return [skipped("gce", reason, obj=label)]


def gce_checks(
    label: str,
    facts: LoadBalancerFacts,
    view: LoadBalancerView,
    members: Sequence[str],
    glbc_rules: Mapping[str, str] | None = None,
    default_ports: Mapping[str, frozenset[int]] | None = None,
) -> list[Check]:
    """`members`: the members holding the ingress, whose instance groups must be in it;
    `glbc_rules`: the firewall rule each of their GLBCs keeps; `default_ports`: the node
    ports of each member's default backend, whose backend service is that member's alone."""
    return [
        _forwarding_rule(label, view),
        _static_ip(label, facts, view),
        *_backend_services(label, view, members, default_ports or {}),
        *_backend_health(label, view, members),
        firewall_check(label, facts, view, glbc_rules or {}),
    ]


def _forwarding_rule(label: str, view: LoadBalancerView) -> Check:
    if not view.forwarding_rules:
        return Check(
            "gce-forwarding-rule",
            Status.FAIL,
            None,
            label,
            "no forwarding rule found",
            "look at GLBC's events: kubectl fed describe ingress " + label.split("/")[-1],
        )
    if view.mismatched:
        off = ", ".join(c for c, _ in view.mismatched)
        text = "; ".join(f"{a} in {c}" for c, a in view.mismatched)
        return Check(
            "gce-forwarding-rule",
            Status.FAIL,
            off,
            label,
            f"forwarding rule IP {', '.join(view.ips)} is not the ingress address ({text})",
            _after_agreement("GLBC UIDs differ", label, view.mismatched[0][0]),
        )
    return passed(
        "gce-forwarding-rule",
        f"forwarding rule IP {', '.join(view.ips)} is every member's address",
        obj=label,
    )


def _static_ip(label: str, facts: LoadBalancerFacts, view: LoadBalancerView) -> Check:
    reserved = {a.ip for a in facts.addresses if a.status in RESERVED}
    loose = [ip for ip in view.ips if ip not in reserved]
    if not loose:
        return passed(
            "gce-static-ip",
            f"{', '.join(view.ips) or 'no IP'} reserved as a global static IP",
            obj=label,
        )
    return Check(
        "gce-static-ip",
        Status.WARN,
        None,
        label,
        f"{', '.join(loose)} is not a reserved global address: it may change",
        f"reserve it: gcloud compute addresses create NAME --global --addresses {loose[0]}",
    )


def _backend_services(
    label: str,
    view: LoadBalancerView,
    members: Sequence[str],
    default_ports: Mapping[str, frozenset[int]],
) -> list[Check]:
    checks = []
    for backend in view.backends:
        covered = {c.cluster for c in backend.clusters if c.total}
        owners = [m for m in members if backend.node_port in default_ports.get(m, ())]
        missing = [m for m in owners or members if m not in covered]
        if not missing:
            whose = (
                f"the instance groups of {', '.join(owners)}, whose default backend it is "
                "(its node port differs per member, as on GKE)"
                if owners
                else "every member's instance groups"
            )
            checks.append(passed("gce-backend-services", f"{backend.name} has {whose}", obj=label))
            continue
        checks.append(
            Check(
                "gce-backend-services",
                Status.FAIL,
                ", ".join(missing),
                label,
                f"backend service {backend.name} has no instance group of {', '.join(missing)}",
                _after_agreement("node ports or GLBC UIDs differ", label, missing[0]),
            )
        )
    return checks


def _after_agreement(disagreement: str, label: str, cluster: str) -> str:
    """With UIDs and node ports agreed, GLBC (not --fix) rebuilds what it owns."""
    namespace, name = label.split(" ", 1)[-1].split("/", 1)
    return (
        f"if the {disagreement}: kubectl fed doctor --fix; if they agree, GLBC restores it on "
        f"its next sync, else see its events: kubectl --context={cluster} -n {namespace} "
        f"describe ingress {name}"
    )


def _backend_health(label: str, view: LoadBalancerView, members: Sequence[str]) -> list[Check]:
    checks = []
    for backend in view.backends:
        for health in backend.clusters:
            if health.total and not health.healthy and health.cluster not in members:
                checks.append(_unknown_zones(label, backend.name, health))
            elif health.total and not health.healthy:
                checks.append(
                    Check(
                        "gce-backend-health",
                        Status.WARN,
                        health.cluster,
                        label,
                        f"backend service {backend.name}: 0/{health.total} instances "
                        f"healthy in {health.cluster}",
                        "look at the pods and the health check: "
                        f"kubectl --context={health.cluster} get pods,endpoints",
                    )
                )
    if not checks:
        checks.append(
            passed("gce-backend-health", "every member's instances are healthy", obj=label)
        )
    return checks


def _unknown_zones(label: str, backend: str, health: ClusterHealth) -> Check:
    """Instance groups in zones of no member that answered (e.g. an unreachable one)."""
    return Check(
        "gce-backend-health",
        Status.WARN,
        None,
        label,
        f"backend service {backend}: 0/{health.total} instances healthy in {health.cluster}",
        "those zones belong to no member that answered: see the connectivity checks",
    )
