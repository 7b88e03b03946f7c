"""The load balancer view: refs from GLBC annotations, health per cluster, firewall coverage."""

from __future__ import annotations

from kubectl_fed.core.ingress.loadbalancer import (
    BackendService,
    ClusterHealth,
    Firewall,
    ForwardingRule,
    GroupHealth,
    InstanceHealth,
    LoadBalancerFacts,
    firewall_view,
    load_balancer_view,
    refs_of,
)
from tests.support.status_objects import UID, ingress

BASE = "https://www.googleapis.com/compute/v1/projects/p"
RANGES = ("130.211.0.0/22", "35.191.0.0/16")


def group(zone: str, *states: str) -> GroupHealth:
    link = f"{BASE}/zones/{zone}/instanceGroups/k8s-ig--{UID}"
    return GroupHealth(
        link,
        tuple(
            InstanceHealth(f"{BASE}/zones/{zone}/instances/n{i}", s) for i, s in enumerate(states)
        ),
    )


def test_refs_name_each_resource_once_in_member_order() -> None:
    other = "0123456789abcdef"
    refs = refs_of([ingress(), ingress(), ingress("203.0.113.9", uid=other), ingress(ip=None)])
    assert refs.forwarding_rules == (
        f"k8s-fw-default-myingress--{UID}",
        f"k8s-fw-default-myingress--{other}",
    )
    assert refs.backend_services == (f"k8s-be-30301--{UID}", f"k8s-be-30301--{other}")
    assert refs.url_maps[0] == f"k8s-um-default-myingress--{UID}"
    assert not refs_of([ingress(ip=None)])


def test_instance_groups_map_to_clusters_by_zone() -> None:
    facts = LoadBalancerFacts(
        project="p",
        forwarding_rules=(ForwardingRule("fw", "130.211.5.194", "80-80"),),
        backend_services=(
            BackendService(
                "k8s-be-30301",
                30301,
                (
                    group("us-central1-a", "HEALTHY", "HEALTHY"),
                    group("us-central1-b", "UNHEALTHY"),
                    group("europe-west1-b", "UNHEALTHY", "UNHEALTHY"),
                    group("asia-east1-a", "HEALTHY"),
                    group("asia-east1-b", "UNHEALTHY"),
                ),
            ),
        ),
        firewalls=(Firewall("k8s-fw-l7", RANGES, ("30301",)),),
    )
    zones = {"us-central1": ["us-central1-a", "us-central1-b"], "europe-west1": ["europe-west1-b"]}
    view = load_balancer_view(
        facts, [("us-central1", "130.211.5.194"), ("europe-west1", "130.211.9.9")], zones
    )
    assert view.ips == ("130.211.5.194",)
    assert view.mismatched == (("europe-west1", "130.211.9.9"),)
    assert view.backends[0].clusters == (
        ClusterHealth("us-central1", 2, 3),
        ClusterHealth("europe-west1", 0, 2),
        ClusterHealth("zones asia-east1-a,asia-east1-b", 1, 2),
    )
    assert view.firewall is not None and view.firewall.ok
    assert view.firewall.rules == ("k8s-fw-l7",)


def test_firewall_coverage_needs_both_ranges_on_every_node_port() -> None:
    rules = [
        Firewall("wide", ("0.0.0.0/0",), ("30000-30400",)),
        Firewall("narrow", ("130.211.0.0/22",), ("all",)),
        Firewall("off", RANGES, ("30500",), disabled=True),
    ]
    view = firewall_view(rules, [30301, 30500, 30301])
    assert view.rules == ("narrow", "wide")
    assert view.uncovered == ("tcp:30500 from 35.191.0.0/16",)
    assert firewall_view([], [30301]).uncovered == (
        "tcp:30301 from 130.211.0.0/22",
        "tcp:30301 from 35.191.0.0/16",
    )


def test_http_and_https_rules_on_one_ip_are_one_load_balancer() -> None:
    facts = LoadBalancerFacts(
        project="p",
        forwarding_rules=(
            ForwardingRule(f"k8s-fw-default-myingress--{UID}", "130.211.5.194", "80-80"),
            ForwardingRule(f"k8s-fws-default-myingress--{UID}", "130.211.5.194", "443-443"),
        ),
    )
    view = load_balancer_view(facts, [("us-central1", "130.211.5.194")], {"us-central1": []})
    assert view.ips == ("130.211.5.194",)
    assert view.mismatched == ()
    assert view.firewall is not None and view.firewall.uncovered == ()
