"""Markers, conformance, and the per-member plan of create / apply."""

from __future__ import annotations

from typing import Any

from kubectl_fed.core.kinds import SERVICE
from kubectl_fed.core.members.results import Reason
from kubectl_fed.core.model.markers import conforms, mark
from kubectl_fed.core.model.objects import ObjectView, is_federated
from kubectl_fed.core.writes.plans import Action, Target, Verb, decide

TARGET = Target(SERVICE, "default", "web")


def desired() -> dict[str, Any]:
    obj = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]},
    }
    return mark(obj, "prod")


def live_copy(obj: dict[str, Any]) -> dict[str, Any]:
    """What a server stores: defaults and server-set fields added."""
    return {
        **obj,
        "metadata": {**obj["metadata"], "uid": "u-1", "resourceVersion": "12"},
        "spec": {
            **obj["spec"],
            "type": "ClusterIP",
            "clusterIP": "10.0.0.7",
            "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}],
        },
        "status": {"loadBalancer": {}},
    }


def test_mark_adds_markers_without_touching_the_input() -> None:
    original = {"metadata": {"name": "x", "labels": {"a": "b"}}}
    marked = mark(original, "prod")
    assert marked["metadata"]["labels"] == {"a": "b", "app.kubernetes.io/managed-by": "kubectl-fed"}
    assert marked["metadata"]["annotations"] == {"kubectl-fed.io/federation": "prod"}
    assert original == {"metadata": {"name": "x", "labels": {"a": "b"}}}
    assert is_federated(marked) and ObjectView(marked).federation == "prod"
    assert not is_federated(original)


def test_server_set_fields_do_not_break_conformance() -> None:
    want = desired()
    assert conforms(want, live_copy(want))


def test_changed_or_missing_fields_break_conformance() -> None:
    want = desired()
    live = live_copy(want)
    live["spec"]["selector"] = {"app": "other"}
    assert not conforms(want, live)
    live = live_copy(want)
    live["spec"]["ports"].append({"port": 443})
    assert not conforms(want, live)


def test_empty_values_match_absent_fields() -> None:
    want = desired()
    live = live_copy(want)
    want["metadata"]["creationTimestamp"] = None
    want["spec"]["externalIPs"] = []
    assert conforms(want, live)


def test_plan_create_when_absent() -> None:
    assert decide(Verb.APPLY, TARGET, desired(), None, adopt=True).action is Action.CREATE


def test_plan_apply_unchanged_or_configured() -> None:
    want = desired()
    assert decide(Verb.APPLY, TARGET, want, live_copy(want), adopt=True).action is Action.UNCHANGED
    changed = live_copy(want)
    changed["spec"]["selector"] = {}
    assert decide(Verb.APPLY, TARGET, want, changed, adopt=True).action is Action.UPDATE


def test_plan_create_of_a_federated_object_is_already_exists() -> None:
    want = desired()
    outcome = decide(Verb.CREATE, TARGET, want, live_copy(want), adopt=True)
    assert outcome.error is not None and outcome.action is None
    assert outcome.error.reason is Reason.ALREADY_EXISTS
    assert outcome.error.message == 'services "web" already exists'


def test_plan_adopts_unmarked_objects_unless_told_not_to() -> None:
    foreign = live_copy({**desired(), "metadata": {"name": "web", "namespace": "default"}})
    for verb in Verb:
        assert decide(verb, TARGET, desired(), foreign, adopt=True).action is Action.ADOPT
    refused = decide(Verb.APPLY, TARGET, desired(), foreign, adopt=False)
    assert refused.error is not None
    assert refused.error.message == (
        'services "web" already exists and is not managed by kubectl-fed (--no-adopt)'
    )
