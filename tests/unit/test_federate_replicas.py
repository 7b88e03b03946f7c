"""Re-planning a federated ReplicaSet from its members (core.replica_moves, replica_summary)."""

from __future__ import annotations

from typing import Any

import pytest

from kubectl_fed.core.kinds import REPLICASET
from kubectl_fed.core.members.results import ClusterCallError, Reason
from kubectl_fed.core.model.markers import TOTAL_REPLICAS_ANNOTATION
from kubectl_fed.core.replicas.moves import MemberReplicaSet, plan_moves, write_move
from kubectl_fed.core.replicas.shares import recorded_total
from kubectl_fed.core.status.listing import Entry
from kubectl_fed.core.status.replica_summary import ShareRow, share_rows
from kubectl_fed.errors import FedError, UsageError
from kubectl_fed.render.replica_moves import moves_table
from kubectl_fed.render.replica_summary import share_table

MEMBERS = ["a", "b", "c"]
PREFS = '{"clusters": {"a": {"weight": 1}, "b": {"weight": 2}, "c": {"weight": 2}}}'


def copy(replicas: int, total: int | None = 10, prefs: str = PREFS) -> dict[str, Any]:
    annotations = {"federation.kubernetes.io/replica-set-preferences": prefs}
    if total is not None:
        annotations[TOTAL_REPLICAS_ANNOTATION] = str(total)
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": "web",
            "namespace": "ns",
            "uid": "u-1",
            "resourceVersion": "12",
            "annotations": annotations,
        },
        "spec": {"replicas": replicas},
        "status": {"replicas": replicas},
    }


def answers(**copies: dict[str, Any] | None) -> dict[str, MemberReplicaSet]:
    return {cluster: MemberReplicaSet(cluster, obj) for cluster, obj in copies.items()}


def test_an_unreachable_member_gets_nothing_and_is_not_written() -> None:
    plan = plan_moves(MEMBERS, answers(a=copy(2), b=copy(4)), "ns", "web", rebalance=True)
    assert [(m.cluster, m.before, m.after, m.reachable) for m in plan.moves] == [
        ("a", 2, 3, True),
        ("b", 4, 7, True),
        ("c", None, 0, False),
    ]
    assert plan.moves[2].obj is None
    written = plan.moves[0].obj
    assert written is not None and written["spec"]["replicas"] == 3
    assert written["metadata"]["resourceVersion"] == "12"  # an optimistic update
    assert recorded_total(written) == 10
    assert moves_table(plan).splitlines() == [
        "CLUSTER   BEFORE   AFTER",
        "a         2        3",
        "b         4        7",
        "c         -        0       unreachable",
        "TOTAL     6        10",
    ]


def test_a_member_without_a_copy_gets_one_without_server_fields() -> None:
    plan = plan_moves(MEMBERS, answers(a=copy(2), b=copy(4), c=None), "ns", "web", total=10)
    created = plan.moves[2]
    assert (created.present, created.after) == (False, 4)
    assert created.obj is not None
    assert "status" not in created.obj
    assert {"uid", "resourceVersion"}.isdisjoint(created.obj["metadata"])


def test_unchanged_members_are_not_written() -> None:
    plan = plan_moves(
        MEMBERS, answers(a=copy(2), b=copy(4), c=copy(4)), "ns", "web", rebalance=True
    )
    assert [move.changes for move in plan.moves] == [False, False, False]


def test_scale_records_the_new_total() -> None:
    plan = plan_moves(MEMBERS, answers(a=copy(2), b=copy(4), c=copy(4)), "ns", "web", total=20)
    assert (plan.total_before, plan.total) == (10, 20)
    assert [move.after for move in plan.moves] == [4, 8, 8]


def test_without_a_recorded_total_the_members_are_summed() -> None:
    plan = plan_moves(["a", "b"], answers(a=copy(3, None), b=copy(4, None)), "ns", "web")
    assert plan.total_before == 7


def test_unschedulable_pods_cap_a_member() -> None:
    found = answers(a=copy(2), b=copy(4))
    found["c"] = MemberReplicaSet("c", copy(4), unschedulable=1)
    plan = plan_moves(MEMBERS, found, "ns", "web", rebalance=True)
    assert [move.after for move in plan.moves] == [2, 5, 4]  # c keeps its overflow, as upstream


def test_nothing_to_plan_and_bad_preferences() -> None:
    with pytest.raises(FedError, match="not found in any reachable member"):
        plan_moves(MEMBERS, answers(a=None), "ns", "web")
    with pytest.raises(UsageError, match="not valid JSON"):
        plan_moves(MEMBERS, answers(a=copy(2, prefs="{")), "ns", "web")


def entry(cluster: str, obj: dict[str, Any] | None) -> Entry:
    return Entry(cluster, REPLICASET, "ns", "web", obj)


def test_get_rows_show_desired_planned_and_the_total() -> None:
    rows = share_rows([entry("a", copy(2)), entry("b", copy(7)), entry("c", None)])
    assert rows == [
        ShareRow("ns", "web", "a", 2, 2),
        ShareRow("ns", "web", "b", 7, 4),
        ShareRow("ns", "web", "c", None, 4),
        ShareRow("ns", "web", "", 9, 10),
    ]
    assert share_table(rows, all_namespaces=True).splitlines() == [
        "NAMESPACE   REPLICASET   CLUSTER   DESIRED     PLANNED",
        "ns          web          a         2           2",
        "ns          web          b         7           4",
        "ns          web          c         <missing>   4",
        "ns          web          TOTAL     9           10",
    ]


def test_get_rows_skip_replicasets_not_federated() -> None:
    assert share_rows([entry("a", copy(2, total=None))]) == []
    assert share_table([]) == ""
    bad = share_rows([entry("a", copy(2, prefs="{"))])
    assert [row.planned for row in bad] == [None, 10]


class ConflictingMember:
    """A member whose ReplicaSet changes (status updates) between a read and a write."""

    name = "a"

    def __init__(self, conflicts: int) -> None:
        self.conflicts = conflicts
        self.live = copy(2)
        self.live["metadata"]["resourceVersion"] = "13"
        self.sent: list[dict[str, Any]] = []

    def replace(self, obj: dict[str, Any], *, dry_run: bool = False) -> dict[str, Any]:
        self.sent.append(obj)
        if obj["metadata"]["resourceVersion"] != self.live["metadata"]["resourceVersion"]:
            raise ClusterCallError(Reason.CONFLICT, "the object has been modified")
        if self.conflicts:
            self.conflicts -= 1
            self.live["metadata"]["resourceVersion"] = str(
                int(obj["metadata"]["resourceVersion"]) + 1
            )
            raise ClusterCallError(Reason.CONFLICT, "the object has been modified")
        return obj

    def get(self, kind: str, namespace: str | None, name: str) -> dict[str, Any]:
        return self.live


def test_a_conflicting_update_is_read_again_and_resent() -> None:
    member = ConflictingMember(conflicts=1)
    plan = plan_moves(["a"], answers(a=copy(2)), "ns", "web", total=5)
    write_move(member, plan.moves[0], plan.total)  # type: ignore[arg-type]
    assert [obj["metadata"]["resourceVersion"] for obj in member.sent] == ["12", "13", "14"]
    assert member.sent[-1]["spec"]["replicas"] == 5
    assert recorded_total(member.sent[-1]) == 5


def test_conflicts_give_up_after_a_few_tries() -> None:
    member = ConflictingMember(conflicts=10)
    plan = plan_moves(["a"], answers(a=copy(2)), "ns", "web", total=5)
    with pytest.raises(ClusterCallError):
        write_move(member, plan.moves[0], plan.total)  # type: ignore[arg-type]
    assert len(member.sent) == 3
