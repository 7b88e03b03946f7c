"""Node-port agreement: one node port per Service port, free and identical in every member."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubectl_fed.core.ingress.nodeports import (
    DEFAULT_NODE_PORT_RANGE,
    Assignment,
    Holder,
    NodePortIndex,
    NodePortMismatch,
    PortRange,
    Source,
    apply_node_ports,
    node_port_mismatches,
    plan_node_ports,
    plan_services,
)
from kubectl_fed.errors import UsageError


def service(
    name: str,
    ports: list[dict[str, Any]],
    kind: str = "NodePort",
    namespace: str = "default",
    **spec: Any,
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"type": kind, "ports": ports, **spec},
    }


def port(number: int, node_port: int | None = None, **extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"port": number, **extra}
    if node_port is not None:
        entry["nodePort"] = node_port
    return entry


MEMBERS = {
    "us-central1": [
        service("other", [port(80, 30000)]),
        service("dns", [port(53, 30002, protocol="UDP")], namespace="kube-system"),
    ],
    "europe-west1": [service("other", [port(80, 30000)]), service("legacy", [port(8080, 30001)])],
    "asia-east1": [],
}


def test_lowest_port_free_in_every_member_is_chosen() -> None:
    plan = plan_node_ports(service("web", [port(80)]), NodePortIndex(MEMBERS))
    assert plan.ok
    assert plan.assignments == (Assignment(0, "80/TCP", 30003, Source.ALLOCATED),)


def test_two_services_in_one_run_get_distinct_ports() -> None:
    plans = plan_services(
        [
            service("web", [port(80, name="http"), port(443, name="https")]),
            service("api", [port(8080)], kind="LoadBalancer"),
        ],
        MEMBERS,
    )
    assert [p.node_ports() for p in plans] == [{0: 30003, 1: 30004}, {0: 30005}]
    assert [a.port for a in plans[0].assignments] == ["http", "https"]


def test_requested_port_used_elsewhere_is_a_conflict_naming_every_holder() -> None:
    plan = plan_node_ports(service("web", [port(80, 30000)]), NodePortIndex(MEMBERS))
    assert not plan.ok
    assert plan.assignments == ()
    assert plan.conflicts[0].holders == (
        Holder("us-central1", "default", "other"),
        Holder("europe-west1", "default", "other"),
    )
    assert plan.errors() == [
        "cluster us-central1: service default/web: nodePort 30000 (port 80/TCP) "
        "is already used by service default/other",
        "cluster europe-west1: service default/web: nodePort 30000 (port 80/TCP) "
        "is already used by service default/other",
    ]


def test_requested_free_port_is_kept() -> None:
    plan = plan_node_ports(service("web", [port(80, 31500)]), NodePortIndex(MEMBERS))
    assert plan.assignments == (Assignment(0, "80/TCP", 31500, Source.REQUESTED),)


def test_requested_port_claimed_earlier_in_the_same_run_conflicts() -> None:
    plans = plan_services(
        [service("a", [port(80)]), service("b", [port(80, 30003)])], NodePortIndex(MEMBERS)
    )
    assert plans[0].node_ports() == {0: 30003}
    assert plans[1].errors() == [
        "service default/b: nodePort 30003 (port 80/TCP) is already used by "
        "service default/a, planned in this same run"
    ]


def test_a_plain_set_of_taken_ports_is_avoided_and_reported() -> None:
    index = NodePortIndex(MEMBERS)
    fresh = plan_node_ports(service("web", [port(80)]), index, taken={30003, 30004})
    assert fresh.node_ports() == {0: 30005}
    clash = plan_node_ports(service("web", [port(80, 30004)]), index, taken={30003, 30004})
    assert clash.errors() == [
        "service default/web: nodePort 30004 (port 80/TCP) is already used by "
        "another service, planned in this same run"
    ]


def test_health_check_node_port_counts_as_used() -> None:
    members = {"a": [service("lb", [port(80, 30000)], "LoadBalancer", healthCheckNodePort=30001)]}
    plan = plan_node_ports(service("web", [port(80, 30001)]), NodePortIndex(members))
    assert plan.errors() == [
        "cluster a: service default/web: nodePort 30001 (port 80/TCP) is already used by "
        "service default/lb (as its healthCheckNodePort)"
    ]
    fresh = plan_node_ports(service("web", [port(80)]), NodePortIndex(members))
    assert fresh.node_ports() == {0: 30002}


def test_update_keeps_the_ports_the_members_already_have() -> None:
    members = {
        "a": [service("web", [port(80, 30500, name="http"), port(443, 30501, name="https")])],
        "b": [service("web", [port(80, 30500, name="http")])],
    }
    desired = service("web", [port(80, name="http"), port(443, name="https"), port(8443)])
    plan = plan_node_ports(desired, NodePortIndex(members))
    assert plan.assignments == (
        Assignment(0, "http", 30500, Source.KEPT),
        Assignment(1, "https", 30501, Source.KEPT),
        Assignment(2, "8443/TCP", 30000, Source.ALLOCATED),
    )


def test_updating_with_its_own_requested_port_is_not_a_conflict() -> None:
    members = {"a": [service("web", [port(80, 30500)])], "b": [service("web", [port(80, 30500)])]}
    plan = plan_node_ports(service("web", [port(80, 30500)]), NodePortIndex(members))
    assert plan.ok and plan.node_ports() == {0: 30500}


def test_kept_port_taken_by_another_service_elsewhere_is_replaced() -> None:
    members = {
        "a": [service("web", [port(80, 30000)])],
        "b": [service("web", [port(80, 30001)]), service("intruder", [port(9, 30000)])],
    }
    plan = plan_node_ports(service("web", [port(80)]), NodePortIndex(members))
    assert plan.assignments == (Assignment(0, "80/TCP", 30001, Source.KEPT),)


def test_same_service_name_in_another_namespace_is_another_service() -> None:
    members = {"a": [service("web", [port(80, 30000)], namespace="prod")]}
    plan = plan_node_ports(service("web", [port(80, 30000)]), NodePortIndex(members))
    assert [c.holders for c in plan.conflicts] == [(Holder("a", "prod", "web"),)]


def test_tcp_and_udp_of_one_port_share_a_node_port() -> None:
    desired = service("dns", [port(53, protocol="UDP"), port(53, protocol="TCP"), port(54)])
    assert plan_node_ports(desired, NodePortIndex(MEMBERS)).node_ports() == {
        0: 30003,
        1: 30003,
        2: 30004,
    }
    requested = service("dns", [port(53, protocol="UDP"), port(53, 31000, protocol="TCP")])
    assert plan_node_ports(requested, NodePortIndex({})).node_ports() == {0: 31000, 1: 31000}


@pytest.mark.parametrize(
    "desired",
    [
        service("c", [port(80)], kind="ClusterIP"),
        service("e", [], kind="ExternalName"),
        service("l", [port(80)], kind="LoadBalancer", allocateLoadBalancerNodePorts=False),
        {"metadata": {"name": "bare"}},
    ],
)
def test_services_without_node_ports_get_no_assignment(desired: dict[str, Any]) -> None:
    plan = plan_node_ports(desired, NodePortIndex(MEMBERS))
    assert plan.ok and plan.assignments == ()


def test_exhausted_range_is_reported_not_raised() -> None:
    full = {"a": [service(f"s{n}", [port(80, n)]) for n in (30000, 30001)]}
    plan = plan_node_ports(
        service("web", [port(80, name="http")]),
        NodePortIndex(full),
        port_range=PortRange(30000, 30001),
    )
    assert plan.errors() == [
        "service default/web: port http: no node port in 30000-30001 is free in every member"
    ]


@pytest.mark.parametrize("bad", [0.5, "30000", 70000, -1, True])
def test_malformed_node_port_is_a_usage_error(bad: Any) -> None:
    with pytest.raises(UsageError, match=r"service default/web: port 80/TCP: invalid nodePort"):
        plan_node_ports(service("web", [{"port": 80, "nodePort": bad}]), NodePortIndex({}))


def test_one_node_port_for_two_ports_of_the_same_protocol_is_a_usage_error() -> None:
    desired = service("web", [port(80, 30100), port(81, 30100)])
    with pytest.raises(UsageError, match="nodePort 30100 is given to two ports"):
        plan_node_ports(desired, NodePortIndex({}))


def test_namespace_defaults_when_the_manifest_has_none() -> None:
    desired = {"metadata": {"name": "web"}, "spec": {"type": "NodePort", "ports": [port(80)]}}
    plan = plan_node_ports(desired, NodePortIndex({}), default_namespace="prod")
    assert (plan.namespace, plan.name) == ("prod", "web")


def test_apply_writes_the_plan_into_a_copy() -> None:
    desired = service("web", [port(80), port(443, 31443)])
    plan = plan_node_ports(desired, NodePortIndex(MEMBERS))
    written = apply_node_ports(desired, plan)
    assert [p["nodePort"] for p in written["spec"]["ports"]] == [30003, 31443]
    assert "nodePort" not in desired["spec"]["ports"][0]


def test_assignment_indexes_are_positions_in_spec_ports() -> None:
    desired = service("web", ["junk", port(80)])  # type: ignore[list-item]
    plan = plan_node_ports(desired, NodePortIndex({}))
    assert plan.node_ports() == {1: 30000}
    assert apply_node_ports(desired, plan)["spec"]["ports"] == [
        "junk",
        {"port": 80, "nodePort": 30000},
    ]


def test_apply_refuses_a_plan_with_conflicts() -> None:
    desired = service("web", [port(80, 30000)])
    with pytest.raises(ValueError, match="conflicts"):
        apply_node_ports(desired, plan_node_ports(desired, NodePortIndex(MEMBERS)))


def test_port_range_parsing() -> None:
    assert PortRange.parse("30000-32767") == DEFAULT_NODE_PORT_RANGE
    assert PortRange.parse(" 31000+10 ") == PortRange(31000, 31009)
    assert str(PortRange.parse("40000")) == "40000-40000"
    for bad in ("abc", "32767-30000", "0-10", "30000-70000", "1-2-3"):
        with pytest.raises(UsageError, match="invalid node port range"):
            PortRange.parse(bad)


def test_mismatches_list_every_port_that_differs() -> None:
    members = {
        "a": service("web", [port(80, 30080, name="http"), port(443, 30443, name="https")]),
        "b": service("web", [port(80, 30080, name="http"), port(443, 31443, name="https")]),
        "c": service("web", [port(80, 30081, name="http")]),
    }
    mismatches = node_port_mismatches(members)
    assert mismatches == [
        NodePortMismatch("http", (("a", 30080), ("b", 30080), ("c", 30081))),
        NodePortMismatch("https", (("a", 30443), ("b", 31443), ("c", None))),
    ]
    assert [m.message() for m in mismatches] == [
        "port http: node ports differ: 30080 in a, b; 30081 in c",
        "port https: node ports differ: 30443 in a; 31443 in b; none in c",
    ]


def test_identical_members_have_no_mismatch() -> None:
    same = service("web", [port(80, 30080)])
    assert node_port_mismatches({"a": same, "b": same, "c": same}) == []


# --- properties ---------------------------------------------------------------------------

RANGE = PortRange(30000, 30063)


# the Services of each member, and the new Services to place
Federation = tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]


def owners_of(members: dict[str, list[dict[str, Any]]]) -> dict[int, set[tuple[str, str]]]:
    """Node port -> the Services (namespace, name) that hold it in some member."""
    owners: dict[int, set[tuple[str, str]]] = {}
    for services in members.values():
        for s in services:
            for p in s["spec"]["ports"]:
                owners.setdefault(p["nodePort"], set()).add(("default", s["metadata"]["name"]))
    return owners


@st.composite
def federations(draw: st.DrawFn) -> Federation:
    members: dict[str, list[dict[str, Any]]] = {}
    for cluster in range(draw(st.integers(1, 4))):
        used = draw(st.lists(st.integers(RANGE.low, RANGE.high), max_size=30, unique=True))
        members[f"c{cluster}"] = [service(f"s{n}", [port(80, n)]) for n in used]
    new = [
        service(f"new{index}", [port(80 + p) for p in range(draw(st.integers(1, 3)))])
        for index in range(draw(st.integers(1, 5)))
    ]
    return members, new


@settings(max_examples=200, deadline=None)
@given(federations())
def test_chosen_ports_are_free_everywhere_and_distinct(
    case: Federation,
) -> None:
    members, new = case
    used = set(owners_of(members))
    plans = plan_services(new, members, port_range=RANGE)
    chosen = [a.node_port for plan in plans for a in plan.assignments]
    assert len(chosen) == len(set(chosen))
    assert not set(chosen) & used
    assert all(RANGE.low <= p <= RANGE.high for p in chosen)
    free = RANGE.high - RANGE.low + 1 - len(used)
    wanted = sum(len(s["spec"]["ports"]) for s in new)
    assert len(chosen) == min(wanted, free)
    assert all(plan.ok for plan in plans) == (wanted <= free)


@st.composite
def updates(draw: st.DrawFn) -> Federation:
    """Members already holding some of the new Services (updates) and requested ports."""
    members, new = draw(federations())
    for services in members.values():
        for desired in new:
            if draw(st.booleans()):
                ports = [
                    port(p["port"], draw(st.integers(RANGE.low, RANGE.high)))
                    for p in desired["spec"]["ports"]
                ]
                services.append(service(desired["metadata"]["name"], ports))
    for desired in new:
        for entry in desired["spec"]["ports"]:
            if draw(st.integers(0, 4)) == 0:
                entry["nodePort"] = draw(st.integers(RANGE.low, RANGE.high))
    return members, new


@settings(max_examples=200, deadline=None)
@given(updates())
def test_assigned_ports_never_belong_to_another_service_and_conflicts_are_real(
    case: Federation,
) -> None:
    members, new = case
    owners = owners_of(members)
    try:
        plans = plan_services(new, members, port_range=RANGE)
    except UsageError as err:  # two ports of one Service asked for the same node port
        assert "is given to two ports" in str(err)
        return
    chosen: list[int] = []
    for plan in plans:
        me = (plan.namespace, plan.name)
        for a in plan.assignments:
            assert owners.get(a.node_port, set()) <= {me}
            chosen.append(a.node_port)
        for conflict in plan.conflicts:
            for holder in conflict.holders:
                if holder.cluster is not None:
                    assert (holder.namespace, holder.name) in owners[conflict.node_port]
                    assert (holder.namespace, holder.name) != me
    assert len(chosen) == len(set(chosen))
