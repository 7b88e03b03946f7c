"""GLBC UID agreement: which UID every member ends with, and what each member does."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubectl_fed.core.ingress.glbc_uid import (
    Controller,
    IngressRef,
    MemberUidDecision,
    MemberUidState,
    UidAction,
    classify_controller,
    is_gce_ingress,
    plan_uid_agreement,
    updated_uid_configmap,
)
from tests.support.manifests import ingress_object

GCE = Controller.GCE


def ingress(
    name: str,
    namespace: str = "default",
    federated: bool = False,
    annotations: dict[str, str] | None = None,
    class_name: str | None = None,
) -> dict[str, Any]:
    """An Ingress of the web Service, with no class annotation unless `annotations` has one."""
    obj = ingress_object(name, "web", namespace, ingress_class=None)
    labels = {"app.kubernetes.io/managed-by": "kubectl-fed"} if federated else {}
    obj["metadata"].update(labels=labels, annotations=annotations or {})
    if class_name is not None:
        obj["spec"]["ingressClassName"] = class_name
    return obj


def configmap(uid: str | None, provider_uid: str = "p") -> dict[str, Any]:
    data = {"provider-uid": provider_uid}
    if uid is not None:
        data["uid"] = uid
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "ingress-uid", "namespace": "kube-system", "resourceVersion": "7"},
        "data": data,
    }


def member(
    cluster: str,
    uid: str | None,
    *ingresses: dict[str, Any],
    controller: Controller = GCE,
) -> MemberUidState:
    return MemberUidState.from_objects(cluster, controller, configmap(uid), ingresses)


def actions(plan: Any) -> dict[str, UidAction]:
    return {decision.cluster: decision.action for decision in plan.members}


def test_three_different_uids_without_ingresses_take_the_first_members() -> None:
    plan = plan_uid_agreement([member("a", "aaa"), member("b", "bbb"), member("c", "ccc")])
    assert plan.ok and plan.target == "aaa"
    assert plan.describe() == [
        "a: keep: GLBC UID is already 'aaa' (the first member's (a))",
        "b: update: GLBC UID 'bbb' -> 'aaa' (the first member's (a))",
        "c: update: GLBC UID 'ccc' -> 'aaa' (the first member's (a))",
    ]
    assert [d.cluster for d in plan.updates] == ["b", "c"]


def test_uid_used_by_federated_ingresses_wins_over_the_first_member() -> None:
    plan = plan_uid_agreement(
        [member("a", "aaa"), member("b", "bbb", ingress("shop", federated=True)), member("c", None)]
    )
    assert plan.ok and plan.target == "bbb"
    assert plan.members[0] == MemberUidDecision(
        "a",
        UidAction.UPDATE,
        "aaa",
        "bbb",
        "GLBC UID 'aaa' -> 'bbb' (used by the GCE ingresses in b)",
    )
    assert plan.members[2].reason == (
        "GLBC UID set to 'bbb' (was unset) (used by the GCE ingresses in b)"
    )


def test_members_with_ingresses_sharing_a_uid_agree() -> None:
    plan = plan_uid_agreement(
        [
            member("a", "new"),
            member("b", "old", ingress("x", federated=True)),
            member("c", "old", ingress("y")),
        ]
    )
    assert plan.ok and plan.target == "old"
    assert actions(plan) == {"a": UidAction.UPDATE, "b": UidAction.KEEP, "c": UidAction.KEEP}


def test_disagreeing_members_with_ingresses_are_refused_with_an_explanation() -> None:
    plan = plan_uid_agreement(
        [
            member("a", "one", ingress("x")),
            member("b", "two", ingress("y", federated=True)),
            member("c", "one", ingress("z")),
            member("d", "zzz", controller=Controller.OTHER),
        ]
    )
    assert not plan.ok and plan.target is None
    assert plan.errors() == [
        "members with GCE ingresses use different GLBC UIDs ('one' in a, c; 'two' in b): "
        "changing any of them would break their load balancers; "
        "make kube-system/ingress-uid agree by hand first"
    ]
    assert actions(plan)["d"] is UidAction.SKIP
    assert plan.updates == ()


def test_forced_plan_still_refuses_when_uids_in_use_disagree() -> None:
    states = [member("a", "one", ingress("x")), member("b", "two", ingress("y"))]
    assert not plan_uid_agreement(states, force=True).ok


def test_member_with_plain_gce_ingresses_keeps_its_uid_and_others_follow() -> None:
    states = [
        member("a", "aaa"),
        member("b", None),
        member("c", "ccc", ingress("legacy", "shop", class_name="gce")),
    ]
    # c has a GCE ingress, so its UID is the one in use: a and b follow c instead.
    plan = plan_uid_agreement(states)
    assert plan.ok and plan.target == "ccc"


def test_non_federated_ingress_where_the_uid_must_change_is_refused_unless_forced() -> None:
    states = [
        member("a", "aaa", ingress("shop", federated=True)),
        member("b", None, *[ingress(f"old{n}") for n in range(7)]),
    ]
    # b's UID is unknown, so its ingresses do not vote, but they would be broken.
    plan = plan_uid_agreement(states)
    assert not plan.ok and plan.target == "aaa"
    assert plan.errors() == [
        "cluster b: GLBC UID set to 'aaa' (was unset) would break the load balancers of "
        "7 ingress(es) not managed by kubectl-fed: default/old0, default/old1, default/old2, "
        "default/old3, default/old4 and 2 more; move them first or use --force"
    ]
    forced = plan_uid_agreement(states, force=True)
    assert forced.ok
    assert forced.members[1].action is UidAction.UPDATE
    assert "forced: the load balancers of default/old0" in forced.members[1].reason


def test_the_ingress_being_adopted_does_not_block() -> None:
    states = [member("a", "aaa"), member("b", None, ingress("web", "prod"))]
    assert not plan_uid_agreement(states).ok
    assert plan_uid_agreement(states, ingress=("prod", "web")).ok


def test_ingresses_of_other_controllers_neither_vote_nor_block() -> None:
    nginx = ingress("n", annotations={"kubernetes.io/ingress.class": "nginx"})
    traefik = ingress("t", class_name="traefik")
    plan = plan_uid_agreement([member("a", "aaa"), member("b", "bbb", nginx, traefik)])
    assert plan.ok and plan.target == "aaa"
    assert actions(plan) == {"a": UidAction.KEEP, "b": UidAction.UPDATE}


def test_non_gce_and_unknown_members_are_reported_and_skipped() -> None:
    plan = plan_uid_agreement(
        [
            member("eks", "x", ingress("i"), controller=Controller.OTHER),
            member("gke", "ggg"),
            member("odd", None, controller=Controller.UNKNOWN),
        ]
    )
    assert plan.ok and plan.target == "ggg"
    assert plan.describe() == [
        "eks: skip: ingress controller is not GCE: GLBC UID left alone",
        "gke: keep: GLBC UID is already 'ggg' (the first member's (gke))",
        "odd: skip: ingress controller unknown (no kube-system/ingress-uid ConfigMap): "
        "GLBC UID left alone",
    ]


def test_no_gce_member_means_nothing_to_do() -> None:
    plan = plan_uid_agreement([member("a", None, controller=Controller.OTHER)])
    assert plan.ok and plan.target is None and plan.updates == ()


def test_gce_members_without_any_uid_are_refused() -> None:
    plan = plan_uid_agreement([member("a", None), member("b", None)])
    assert not plan.ok
    assert plan.errors() == [
        "no GLBC UID to agree on: kube-system/ingress-uid has no 'uid' key in a, b"
    ]


def test_empty_uid_is_a_real_value() -> None:
    plan = plan_uid_agreement([member("a", "", ingress("x")), member("b", "bbb")])
    assert plan.target == ""
    assert plan.members[1].reason == "GLBC UID 'bbb' -> '' (used by the GCE ingresses in a)"


def test_plan_never_mentions_or_targets_provider_uid() -> None:
    state = member("a", "aaa")
    assert state.provider_uid == "p"
    written = updated_uid_configmap(configmap("old", provider_uid="keep-me"), "aaa")
    assert written["data"] == {"provider-uid": "keep-me", "uid": "aaa"}
    assert written["metadata"]["resourceVersion"] == "7"


def test_updated_configmap_leaves_the_input_alone_and_creates_when_missing() -> None:
    original = configmap("old")
    updated_uid_configmap(original, "new")
    assert original["data"]["uid"] == "old"
    assert updated_uid_configmap(None, "new") == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "ingress-uid", "namespace": "kube-system"},
        "data": {"uid": "new"},
    }


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (ingress("plain"), True),
        (ingress("gce", annotations={"kubernetes.io/ingress.class": "gce"}), True),
        (ingress("ilb", annotations={"kubernetes.io/ingress.class": "gce-internal"}), True),
        (ingress("nginx", annotations={"kubernetes.io/ingress.class": "nginx"}), False),
        (ingress("cls", class_name="gce"), True),
        (ingress("cls", class_name="nginx"), False),
        (
            ingress("both", annotations={"kubernetes.io/ingress.class": "gce"}, class_name="x"),
            True,
        ),
    ],
)
def test_which_ingresses_glbc_serves(obj: dict[str, Any], expected: bool) -> None:
    assert is_gce_ingress(obj) is expected


def test_ingress_ref_reads_markers() -> None:
    assert IngressRef.from_object(ingress("w", "prod", federated=True)) == IngressRef(
        "prod", "w", federated=True, gce=True
    )
    assert str(IngressRef("prod", "w", federated=False)) == "prod/w"


def test_classify_controller() -> None:
    assert classify_controller(configmap("u")) is Controller.GCE
    assert classify_controller(None, ["aws:///us-east-1a/i-1"]) is Controller.OTHER
    assert classify_controller(None, ["gce://p/us-central1-a/n1"]) is Controller.UNKNOWN
    assert classify_controller(None) is Controller.UNKNOWN


@st.composite
def federations(draw: st.DrawFn) -> list[MemberUidState]:
    states = []
    for index in range(draw(st.integers(1, 5))):
        refs = tuple(
            IngressRef("default", f"i{n}", federated=draw(st.booleans()), gce=draw(st.booleans()))
            for n in range(draw(st.integers(0, 2)))
        )
        states.append(
            MemberUidState(
                cluster=f"c{index}",
                controller=draw(st.sampled_from(list(Controller))),
                uid=draw(st.none() | st.sampled_from(["", "u1", "u2", "u3"])),
                provider_uid="p",
                ingresses=refs,
            )
        )
    return states


@settings(max_examples=300, deadline=None)
@given(federations(), st.booleans())
def test_an_accepted_plan_leaves_every_gce_member_on_one_uid(
    states: list[MemberUidState], force: bool
) -> None:
    plan = plan_uid_agreement(states, force=force)
    assert [d.cluster for d in plan.members] == [s.cluster for s in states]
    for state, decision in zip(states, plan.members, strict=True):
        if state.controller is not Controller.GCE:
            assert decision.action is UidAction.SKIP
        assert "\n" not in decision.reason
    if not plan.ok:
        assert plan.errors() and all("\n" not in line for line in plan.errors())
        return
    after = {
        d.cluster: d.target if d.action is UidAction.UPDATE else d.current for d in plan.members
    }
    gce_uids = {after[s.cluster] for s in states if s.controller is Controller.GCE}
    assert gce_uids <= {plan.target}
    for state, decision in zip(states, plan.members, strict=True):
        if decision.action is UidAction.UPDATE and not force:
            assert all(ref.federated for ref in state.gce_ingresses)
        if state.gce_ingresses and state.uid is not None:
            assert decision.action is UidAction.KEEP  # a UID in use is never changed
