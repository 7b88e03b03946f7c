"""The federation semantics create/apply decide before writing: node ports, GLBC UID,
replica shares (core.federate and core.uid_agreement), from plain member states."""

from __future__ import annotations

from typing import Any

from kubectl_fed.core.ingress.nodeports import PortRange
from kubectl_fed.core.kinds import INGRESS, REPLICASET, SERVICE, Kind
from kubectl_fed.core.manifests.load import Manifest
from kubectl_fed.core.model.markers import TOTAL_REPLICAS_ANNOTATION
from kubectl_fed.core.writes.federate import plan_federation
from kubectl_fed.core.writes.member_state import MemberState, needs_of

MEMBERS = ("a", "b", "c")


def manifest(kind: Kind, name: str, obj: dict[str, Any]) -> Manifest:
    obj = {"apiVersion": kind.api_version, "kind": kind.kind, **obj}
    obj.setdefault("metadata", {}).update(name=name, namespace="default")
    return Manifest(kind, "default", name, obj, "test")


def service(name: str, *ports: int, node_port: int | None = None) -> Manifest:
    spec_ports = [
        {"port": port, **({"nodePort": node_port} if node_port else {})} for port in ports
    ]
    return manifest(SERVICE, name, {"spec": {"type": "NodePort", "ports": spec_ports}})


def ingress(name: str = "web", annotations: dict[str, str] | None = None) -> Manifest:
    metadata = {"annotations": annotations} if annotations else {}
    return manifest(INGRESS, name, {"metadata": metadata, "spec": {}})


def replicaset(name: str, replicas: int, preferences: str | None = None) -> Manifest:
    annotations = (
        {"federation.kubernetes.io/replica-set-preferences": preferences} if preferences else {}
    )
    return manifest(
        REPLICASET, name, {"metadata": {"annotations": annotations}, "spec": {"replicas": replicas}}
    )


def live_service(name: str, node_port: int) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": node_port}]},
    }


def uid_configmap(uid: str) -> dict[str, Any]:
    return {
        "metadata": {"name": "ingress-uid", "namespace": "kube-system", "resourceVersion": "7"},
        "data": {"uid": uid, "provider-uid": f"p-{uid}"},
    }


def live_ingress(name: str, federated: bool = False) -> dict[str, Any]:
    labels = {"app.kubernetes.io/managed-by": "kubectl-fed"} if federated else {}
    return {"metadata": {"name": name, "namespace": "default", "labels": labels}}


def test_needs_only_what_the_manifests_use() -> None:
    assert not needs_of([manifest(SERVICE, "x", {"spec": {"ports": [{"port": 80}]}})]).anything
    needs = needs_of([service("a", 80), ingress(), replicaset("web", 3)])
    assert (needs.services, needs.ingresses, needs.replicated) == (
        True,
        True,
        ((REPLICASET, "default", "web"),),
    )


def test_services_of_one_run_get_distinct_ports_free_in_every_member() -> None:
    states = [
        MemberState("a", services=[live_service("old", 30000)]),
        MemberState("b", services=[live_service("older", 30002)]),
        MemberState("c"),
    ]
    plan = plan_federation([service("x", 80, 443), service("y", 80)], states)
    assert plan.errors == []
    x = plan.prepare(service("x", 80, 443), MEMBERS)
    y = plan.prepare(service("y", 80), MEMBERS)
    for cluster in MEMBERS:
        assert [port["nodePort"] for port in x[cluster]["spec"]["ports"]] == [30001, 30003]
        assert [port["nodePort"] for port in y[cluster]["spec"]["ports"]] == [30004]


def test_a_taken_node_port_is_an_error_per_holder() -> None:
    states = [
        MemberState("a", services=[live_service("one", 30100)]),
        MemberState("b", services=[live_service("two", 30100)]),
    ]
    plan = plan_federation([service("x", 80, node_port=30100)], states)
    assert plan.errors == [
        "cluster a: service default/x: nodePort 30100 (port 80/TCP) is already used by "
        "service default/one",
        "cluster b: service default/x: nodePort 30100 (port 80/TCP) is already used by "
        "service default/two",
    ]


def test_the_port_range_bounds_new_ports() -> None:
    plan = plan_federation(
        [service("x", 80)], [MemberState("a")], port_range=PortRange(31000, 31000)
    )
    assert plan.prepare(service("x", 80), ["a"])["a"]["spec"]["ports"][0]["nodePort"] == 31000
    full = plan_federation(
        [service("x", 80), service("y", 80)], [MemberState("a")], port_range=PortRange(31000, 31000)
    )
    assert full.errors == [
        "service default/y: port 80/TCP: no node port in 31000-31000 is free in every member"
    ]


def test_members_adopt_the_first_uid_and_report_each_change() -> None:
    states = [MemberState(c, uid_configmap=uid_configmap(c * 3)) for c in MEMBERS]
    plan = plan_federation([ingress()], states)
    assert plan.errors == []
    assert [change.line for change in plan.uid_changes] == [
        "b: configmap kube-system/ingress-uid uid set to aaa (was bbb)",
        "c: configmap kube-system/ingress-uid uid set to aaa (was ccc)",
    ]
    assert plan.uid_changes[0].configmap["data"] == {"uid": "aaa", "provider-uid": "p-bbb"}
    assert plan.uid_changes[0].configmap["metadata"]["resourceVersion"] == "7"


def test_the_uid_of_existing_gce_ingresses_wins_and_copies_being_written_do_not_count() -> None:
    states = [
        MemberState("a", uid_configmap=uid_configmap("aaa"), ingresses=[live_ingress("web")]),
        MemberState("b", uid_configmap=uid_configmap("bbb"), ingresses=[live_ingress("other")]),
    ]
    plan = plan_federation([ingress("web")], states)
    assert [change.line for change in plan.uid_changes] == [
        "a: configmap kube-system/ingress-uid uid set to bbb (was aaa)"
    ]


def test_a_disagreement_is_refused_unless_forced_for_kubectl_fed_s_uid() -> None:
    states = [
        MemberState("a", uid_configmap=uid_configmap("aaa"), ingresses=[live_ingress("own", True)]),
        MemberState("b", uid_configmap=uid_configmap("bbb"), ingresses=[live_ingress("legacy")]),
    ]
    refused = plan_federation([ingress("web")], states)
    assert len(refused.errors) == 2
    assert refused.errors[0].startswith("members with GCE ingresses use different GLBC UIDs")
    assert refused.errors[1] == (
        "use --force to make every member use aaa "
        "(the other members' ingresses then get new load balancers)"
    )
    assert refused.uid_changes == []
    forced = plan_federation([ingress("web")], states, force=True)
    assert forced.errors == []
    assert forced.warnings == [
        "cluster b: forced: GLBC UID bbb -> aaa; the load balancers of default/legacy "
        "will be recreated"
    ]
    assert [change.cluster for change in forced.uid_changes] == ["b"]


def test_members_without_gce_are_reported_and_left_alone() -> None:
    states = [
        MemberState("a", uid_configmap=uid_configmap("aaa")),
        MemberState("b", node_provider_ids=["aws:///us-east-1a/i-1"]),
    ]
    plan = plan_federation([ingress()], states)
    assert plan.uid_changes == []
    assert plan.warnings == ["cluster b: ingress controller is not GCE: GLBC UID left alone"]


def test_non_gce_ingresses_need_no_uid_agreement() -> None:
    states = [MemberState(c, uid_configmap=uid_configmap(c)) for c in MEMBERS]
    plan = plan_federation([ingress(annotations={"kubernetes.io/ingress.class": "nginx"})], states)
    assert plan.uid is None and plan.uid_changes == []


def test_replica_shares_per_member_with_the_total_recorded() -> None:
    prefs = '{"clusters": {"a": {"weight": 1}, "b": {"weight": 2}, "c": {"weight": 2}}}'
    rs = replicaset("web", 10, prefs)
    objects = plan_federation([rs], [MemberState(c) for c in MEMBERS]).prepare(rs, MEMBERS)
    assert {c: obj["spec"]["replicas"] for c, obj in objects.items()} == {"a": 2, "b": 4, "c": 4}
    assert {
        obj["metadata"]["annotations"][TOTAL_REPLICAS_ANNOTATION] for obj in objects.values()
    } == {"10"}
    assert rs.obj["spec"]["replicas"] == 10  # the manifest itself is left alone


def test_replica_shares_keep_current_copies_without_rebalance() -> None:
    rs = replicaset("web", 6)
    live = {(REPLICASET, "default", "web"): {"spec": {"replicas": 5}}}
    states = [MemberState("a", replicated=live), MemberState("b"), MemberState("c")]
    objects = plan_federation([rs], states).prepare(rs, MEMBERS)
    shares = {c: obj["spec"]["replicas"] for c, obj in objects.items()}
    assert shares["a"] == 5 and sum(shares.values()) == 6
