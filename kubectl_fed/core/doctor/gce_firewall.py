"""The `gce-firewall` check (docs/doctor.md): Google's health checkers reach every
member's node ports.

A rule admitting them somewhere is not enough: GLBC's rule of each member targets that
member's nodes only (by network tag, which doctor cannot see), so each member's own rule,
`k8s-fw-l7--<provider-uid, else uid>`, must admit them too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_fed.core.doctor.model import Check, Status, passed
from kubectl_fed.core.ingress.glbc_uid import PROVIDER_UID_KEY, UID_KEY
from kubectl_fed.core.ingress.loadbalancer import LoadBalancerFacts, LoadBalancerView, firewall_view

CREATE_RULE = (
    "gcloud compute firewall-rules create k8s-health-checks --allow tcp:30000-32767 "
    "--source-ranges 130.211.0.0/22,35.191.0.0/16"
)


def glbc_firewall_rule(uid_configmap: Mapping[str, Any] | None) -> str | None:
    """The L7 firewall rule a member's GLBC keeps, named as GLBC names it."""
    data = (uid_configmap or {}).get("data") or {}
    suffix = data.get(PROVIDER_UID_KEY) or data.get(UID_KEY)
    return f"k8s-fw-l7--{suffix}" if suffix else None


def firewall_check(
    label: str, facts: LoadBalancerFacts, view: LoadBalancerView, glbc_rules: Mapping[str, str]
) -> Check:
    """`glbc_rules`: member holding the ingress -> the firewall rule its GLBC keeps."""
    if view.firewall is not None and not view.firewall.ok:
        return Check(
            "gce-firewall",
            Status.FAIL,
            None,
            label,
            f"no firewall rule admits {', '.join(view.firewall.uncovered)}",
            CREATE_RULE,
        )
    unguarded = _without_own_rule(facts, view, glbc_rules)
    if not unguarded:
        return passed(
            "gce-firewall", "firewall admits the health checkers to every node port", obj=label
        )
    clusters = ", ".join(unguarded)
    rules = ", ".join(glbc_rules[c] for c in unguarded)
    namespace, name = label.split(" ", 1)[-1].split("/", 1)
    return Check(
        "gce-firewall",
        Status.WARN,
        clusters,
        label,
        f"GLBC's firewall rule for {clusters} ({rules}) is missing or does not admit the "
        "health checkers to every node port: unless another rule targets its nodes, "
        "they fail their health checks",
        f"GLBC restores it on its next sync, else see its events: kubectl --context="
        f"{unguarded[0]} -n {namespace} describe ingress {name}; or: {CREATE_RULE}",
    )


def _without_own_rule(
    facts: LoadBalancerFacts, view: LoadBalancerView, glbc_rules: Mapping[str, str]
) -> list[str]:
    """Members whose own rule does not admit the node ports of the backend services
    their instance groups are in (a member in none is gce-backend-services' case)."""
    rules = {rule.name: rule for rule in facts.firewalls}
    return [
        cluster
        for cluster, name in glbc_rules.items()
        if name not in rules or not firewall_view([rules[name]], _ports_of(view, cluster)).ok
    ]


def _ports_of(view: LoadBalancerView, cluster: str) -> list[int]:
    return [
        backend.node_port
        for backend in view.backends
        if any(health.cluster == cluster and health.total for health in backend.clusters)
    ]
