"""Which member an Ingress goes to first, and what the others get (core.ingress_rollout)."""

from __future__ import annotations

from typing import Any

from kubectl_fed.core.ingress.rollout import (
    Rollout,
    for_follower,
    plan_rollout,
    plan_rollouts,
    ready_static_ip,
)
from kubectl_fed.core.kinds import INGRESS, SERVICE
from kubectl_fed.core.manifests.load import Manifest
from kubectl_fed.core.model.glbc_annotations import (
    GLOBAL_STATIC_IP_ANNOTATION,
    STATIC_IP_ANNOTATION,
)

MEMBERS = ["a", "b", "c"]


def ingress(annotations: dict[str, str] | None = None, name: str = "web") -> Manifest:
    obj = {"metadata": {"name": name, "namespace": "ns", "annotations": annotations or {}}}
    return Manifest(INGRESS, "ns", name, obj, "test")


def live(annotations: dict[str, str], ip: str | None = None) -> dict[str, Any]:
    status = {"loadBalancer": {"ingress": [{"ip": ip}]}} if ip else {}
    return {"metadata": {"annotations": annotations}, "status": status}


def test_by_default_the_first_member_goes_first_and_the_others_wait() -> None:
    rollout = plan_rollout(ingress(), MEMBERS, {}, wait=True)
    assert rollout == Rollout("ns", "web", leader="a")
    assert rollout.waits


def test_no_wait_dry_runs_and_other_controllers_go_everywhere_at_once() -> None:
    assert plan_rollout(ingress(), MEMBERS, {}, wait=False) == Rollout("ns", "web")
    nginx = ingress({"kubernetes.io/ingress.class": "nginx"})
    assert plan_rollout(nginx, MEMBERS, {}, wait=True) == Rollout("ns", "web")
    assert not plan_rollout(nginx, MEMBERS, {}, wait=True).waits


def test_a_user_given_static_ip_name_is_used_as_is() -> None:
    given = ingress({GLOBAL_STATIC_IP_ANNOTATION: "mine"})
    assert plan_rollout(given, MEMBERS, {}, wait=True) == Rollout("ns", "web")


def test_a_name_a_member_already_has_is_reused_without_waiting() -> None:
    copies = {"a": None, "b": live({STATIC_IP_ANNOTATION: "k8s-fw-web"}, "203.0.113.1")}
    rollout = plan_rollout(ingress(), MEMBERS, copies, wait=True)
    assert rollout == Rollout("ns", "web", leader="b", static_ip="k8s-fw-web")
    assert not rollout.waits
    follower = live({STATIC_IP_ANNOTATION: "k8s-fw-web", GLOBAL_STATIC_IP_ANNOTATION: "k8s-fw-web"})
    assert plan_rollout(ingress(), MEMBERS, {"c": follower}, wait=True).leader is None


def test_plan_rollouts_covers_ingresses_only() -> None:
    service = Manifest(SERVICE, "ns", "svc", {"metadata": {"name": "svc"}}, "test")
    rollouts = plan_rollouts([service, ingress()], MEMBERS, {}, wait=True)
    assert list(rollouts) == [("ns", "web")]


def test_followers_get_the_static_ip_name_and_keep_their_annotations() -> None:
    obj = {"metadata": {"name": "web", "annotations": {"x": "1"}}}
    assert for_follower(obj, "k8s-fw-web")["metadata"]["annotations"] == {
        "x": "1",
        GLOBAL_STATIC_IP_ANNOTATION: "k8s-fw-web",
    }
    assert obj["metadata"]["annotations"] == {"x": "1"}


def test_the_static_ip_counts_only_once_an_address_is_there() -> None:
    assert ready_static_ip(None) is None
    assert ready_static_ip(live({STATIC_IP_ANNOTATION: "k8s-fw-web"})) is None
    assert ready_static_ip(live({}, "203.0.113.1")) is None
    assert (
        ready_static_ip(live({STATIC_IP_ANNOTATION: "k8s-fw-web"}, "203.0.113.1")) == "k8s-fw-web"
    )
