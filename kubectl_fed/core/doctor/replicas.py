"""The replica-split, replicas-unavailable and pods-pending checks: each federated object
whose replicas are split (ReplicaSet, Deployment) split as the planner says, over the
available members (docs/doctor.md)."""

from __future__ import annotations

from collections.abc import Collection

from kubectl_fed.core.doctor.facts import SPLIT_KINDS, Facts, MemberFacts, object_label
from kubectl_fed.core.doctor.model import Check, Status, passed, skipped
from kubectl_fed.core.kinds import REPLICASET, Kind
from kubectl_fed.core.members.results import ClusterCallError, Reason
from kubectl_fed.core.model.objects import Key, KubeObject, key_of
from kubectl_fed.core.replicas.moves import (
    MemberReplicaSet,
    ReplicaPlan,
    plan_moves,
    read_member_replicaset,
)
from kubectl_fed.core.replicas.shares import recorded_total, spec_replicas
from kubectl_fed.errors import FedError


class _FactsReader:
    """What `read_member_replicaset` asks a member for, answered from gathered facts,
    so doctor judges a split exactly as `rebalance` would plan it."""

    def __init__(self, member: MemberFacts, kind: Kind) -> None:
        self.name = member.cluster
        self._member = member
        self._kind = kind

    def get(self, kind: str, namespace: str | None, name: str) -> KubeObject:
        found = self._member.find(self._kind, (namespace or "default", name))
        if found is None:
            raise ClusterCallError(Reason.NOT_FOUND, f"{kind} {name} not found")
        return found

    def list(
        self, kind: str, namespace: str | None, label_selector: str | None = None
    ) -> list[KubeObject]:
        return [pod for pod in self._member.pods if key_of(pod)[0] == namespace]


def replica_plan(
    key: Key,
    facts: Facts,
    *,
    total: int | None = None,
    drained: Collection[str] = (),
    kind: Kind = REPLICASET,
) -> tuple[ReplicaPlan, dict[str, MemberReplicaSet]] | None:
    answers = {
        m.cluster: read_member_replicaset(_FactsReader(m, kind), *key, kind)  # type: ignore[arg-type]
        for m in facts.answered
    }
    members = [m.cluster for m in facts.members]
    try:
        plan = plan_moves(
            members, answers, *key, total=total, rebalance=True, drained=drained, kind=kind
        )
        return plan, answers
    except FedError:  # no member has it, or its preferences are invalid
        return None


def rebalance_fix(kind: Kind, key: Key) -> str:
    namespace = f" -n {key[0]}" if key[0] != "default" else ""
    return f"kubectl fed rebalance {kind.short_names[0]} {key[1]}{namespace}"


def replica_split(kind: Kind, key: Key, plan: ReplicaPlan) -> Check:
    label = object_label(kind, key)
    if not all(m.reachable for m in plan.moves):
        return skipped(
            "replica-split", "some members are unavailable: see replicas-unavailable", obj=label
        )
    off = [m for m in plan.moves if m.reachable and m.changes]
    if not off:
        split = "/".join(str(m.after) for m in plan.moves if m.reachable)
        return passed("replica-split", f"{plan.total} replicas split {split} as planned", obj=label)
    text = ", ".join(
        f"{m.cluster} {m.before if m.before is not None else 0} (planned {m.after})" for m in off
    )
    return Check(
        "replica-split",
        Status.WARN,
        ", ".join(m.cluster for m in off),
        label,
        f"split differs from the planner's for {plan.total} replicas: {text}",
        rebalance_fix(kind, key),
    )


def replicas_unavailable(kind: Kind, key: Key, facts: Facts) -> Check:
    label = object_label(kind, key)
    down = [m.cluster for m in facts.members if not m.ok]
    copies = [obj for m in facts.answered if (obj := m.find(kind, key)) is not None]
    total = next((t for obj in copies if (t := recorded_total(obj)) is not None), None)
    running = sum(spec_replicas(obj) for obj in copies)
    if not down or total is None or running >= total:
        return passed(
            "replicas-unavailable", "no replicas planned on unavailable members", obj=label
        )
    return Check(
        "replicas-unavailable",
        Status.WARN,
        ", ".join(down),
        label,
        f"{total - running} of {total} replicas are planned on unavailable members "
        f"({', '.join(down)})",
        rebalance_fix(kind, key),
    )


def pods_pending(kind: Kind, key: Key, answers: dict[str, MemberReplicaSet]) -> list[Check]:
    label = object_label(kind, key)
    pending = [a for a in answers.values() if a.unschedulable > 0]
    if not pending:
        return [passed("pods-pending", "no pod Pending for lack of capacity", obj=label)]
    return [
        Check(
            "pods-pending",
            Status.WARN,
            a.cluster,
            label,
            f"{a.unschedulable} pod(s) Pending, Unschedulable: not enough capacity in {a.cluster}",
            f"{rebalance_fix(kind, key)} (moves them to members with room), or add nodes",
        )
        for a in pending
    ]


def replica_checks(facts: Facts) -> list[Check]:
    checks: list[Check] = []
    for kind in SPLIT_KINDS:
        for key in facts.target.of(kind):
            planned = replica_plan(key, facts, kind=kind)
            if planned is None:
                continue
            plan, answers = planned
            checks += [replica_split(kind, key, plan), replicas_unavailable(kind, key, facts)]
            checks += pods_pending(kind, key, answers)
    return checks
