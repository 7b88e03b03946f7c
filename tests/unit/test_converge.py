"""The recorded desired state, the converge plan and failover timing, without any server."""

from __future__ import annotations

from typing import Any

from kubectl_fed.core.converge.availability import Availability
from kubectl_fed.core.converge.plan import ConvergeOptions, plan_convergence
from kubectl_fed.core.doctor.facts import Facts, MemberFacts, choose_target
from kubectl_fed.core.model.desired import (
    new_record,
    newest,
    read_record,
    stamped,
)
from kubectl_fed.core.model.markers import (
    DESIRED_ANNOTATION,
    HASH_ANNOTATION,
    WRITTEN_AT_ANNOTATION,
    conforms,
    mark,
)
from kubectl_fed.core.replicas.shares import with_share

MARKED = {"app.kubernetes.io/managed-by": "kubectl-fed"}


def replicaset(replicas: int = 6, image: str = "nginx") -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"spec": {"containers": [{"name": "web", "image": image}]}},
        },
    }


def copy_of(federated: dict[str, Any], share: int, written_at: str) -> dict[str, Any]:
    record = new_record(federated, written_at)
    total = federated["spec"]["replicas"]
    return with_share(stamped(mark(federated, "default"), record), share, total)


def facts(*members: MemberFacts) -> Facts:
    return Facts(members, None, choose_target(members, None, (), "default"))


def test_the_newest_record_wins_then_the_larger_hash() -> None:
    old = copy_of(replicaset(6, "old"), 2, "2026-01-01T00:00:00.000000Z")
    new = copy_of(replicaset(6, "new"), 2, "2026-01-02T00:00:00.000000Z")
    chosen = newest([("a", new), ("b", old)])
    assert chosen is not None and chosen.source == "a"
    assert chosen.desired["spec"]["template"]["spec"]["containers"][0]["image"] == "new"
    same_time = copy_of(replicaset(6, "other"), 2, "2026-01-02T00:00:00.000000Z")
    first = newest([("a", new), ("c", same_time)])
    second = newest([("c", same_time), ("a", new)])
    assert first is not None and second is not None and first.hash == second.hash


def test_a_copy_without_a_record_is_a_guess_and_loses_to_any_record() -> None:
    bare = mark(replicaset(6, "bare"), "default")
    recorded = copy_of(replicaset(6, "kept"), 2, "2020-01-01T00:00:00.000000Z")
    chosen = newest([("a", bare), ("b", recorded)])
    assert chosen is not None and (chosen.source, chosen.guessed) == ("b", False)
    guess = newest([("a", bare)])
    assert guess is not None and guess.guessed and "uid" not in guess.desired["metadata"]


def test_the_write_time_is_no_difference_but_the_hash_is() -> None:
    live = copy_of(replicaset(), 2, "2026-01-01T00:00:00.000000Z")
    again = copy_of(replicaset(), 2, "2026-02-01T00:00:00.000000Z")
    assert conforms(again, live)
    changed = copy_of(replicaset(6, "v2"), 2, "2026-02-01T00:00:00.000000Z")
    assert not conforms(changed, live)


def test_scaling_records_a_new_total() -> None:
    live = copy_of(replicaset(6), 2, "2026-01-01T00:00:00.000000Z")
    scaled = with_share(live, 4, 12)
    record = read_record(scaled)
    assert record is not None and record.desired["spec"]["replicas"] == 12
    annotations = scaled["metadata"]["annotations"]
    assert annotations[WRITTEN_AT_ANNOTATION] > "2026-01-01T00:00:00.000000Z"
    assert annotations[HASH_ANNOTATION] == record.hash
    assert (
        with_share(live, 3, 6)["metadata"]["annotations"][DESIRED_ANNOTATION]
        == (live["metadata"]["annotations"][DESIRED_ANNOTATION])
    )


def test_the_plan_restores_drift_recreates_and_places_replicas() -> None:
    stamp = "2026-01-01T00:00:00.000000Z"
    good = copy_of(replicaset(6), 2, stamp)
    drifted = copy_of(replicaset(6), 2, stamp)
    drifted["spec"]["template"]["spec"]["containers"][0]["image"] = "evil"
    found = facts(
        MemberFacts("a", listed={"replicasets": (good,)}),
        MemberFacts("b", listed={"replicasets": (drifted,)}),
        MemberFacts("c"),
    )
    writes = plan_convergence(found).writes
    assert [(w.cluster, w.action, w.verb) for w in writes] == [
        ("c", "create", "created"),
        ("b", "apply", "configured"),
    ]
    created, restored = writes
    assert created.obj is not None and created.obj["spec"]["replicas"] == 2
    assert "spec.template.spec.containers" in restored.detail
    again = facts(
        MemberFacts("a", listed={"replicasets": (good,)}),
        MemberFacts("b", listed={"replicasets": (good,)}),
        MemberFacts("c", listed={"replicasets": (good,)}),
    )
    assert plan_convergence(again).writes == []


def test_replicas_held_while_a_member_fails_briefly_and_drained_when_back() -> None:
    stamp = "2026-01-01T00:00:00.000000Z"
    copies = tuple(copy_of(replicaset(6), 2, stamp) for _ in range(3))
    found = facts(
        MemberFacts("a", listed={"replicasets": (copies[0],)}),
        MemberFacts("b", listed={"replicasets": (copies[1],)}),
        MemberFacts("c", listed={"replicasets": (copies[2],)}),
    )
    assert plan_convergence(found, ConvergeOptions(hold_replicas=True)).writes == []
    drained = plan_convergence(found, ConvergeOptions(drained=frozenset({"c"}))).writes
    assert sorted((w.cluster, w.detail) for w in drained) == [
        ("a", "replicas 2 -> 3 of 6"),
        ("b", "replicas 2 -> 3 of 6"),
        ("c", "replicas 2 -> 0 of 6"),
    ]


def test_failover_and_failback_wait_their_delays() -> None:
    tracker = Availability(failover_after=30, failback_after=20)
    assert tracker.observe(0, ["a", "b"], ["c"]).hold
    assert tracker.observe(29, ["a", "b"], ["c"]).hold
    moved = tracker.observe(30, ["a", "b"], ["c"])
    assert (moved.hold, moved.events) == (
        False,
        ("c failing for 30s: its replicas move to the others",),
    )
    back = tracker.observe(40, ["a", "b", "c"], [])
    assert back.drained == {"c"} and not back.hold
    assert tracker.observe(59, ["a", "b", "c"], []).drained == {"c"}
    home = tracker.observe(60, ["a", "b", "c"], [])
    assert (home.drained, home.events) == (
        frozenset(),
        ("c healthy for 20s: its replicas move back",),
    )
    assert tracker.observe(61, ["a", "b"], ["c"]).hold  # failing again: the clock restarts
