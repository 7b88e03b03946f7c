"""`scale rs` and `rebalance rs`: re-plan a federated ReplicaSet from what the members hold.

Nothing but the members keeps the federation's state: the total comes from the
`kubectl-fed.io/total-replicas` annotation (else the sum of the members' replicas), the
preferences from the members' copies, availability from who answered, and capacity is
estimated as Federation v1 did: a member with Pending, Unschedulable pods can run its
`spec.replicas` minus those pods.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from kubectl_fed.core.kinds import REPLICASET, Kind, kind_named
from kubectl_fed.core.members.protocols import ClusterBackend, get_or_none
from kubectl_fed.core.members.results import ClusterCallError, Reason
from kubectl_fed.core.model.markers import SERVER_METADATA
from kubectl_fed.core.model.objects import KubeObject, ObjectView, owner_uids
from kubectl_fed.core.replicas.shares import (
    plan_shares,
    recorded_total,
    spec_replicas,
    with_share,
)
from kubectl_fed.errors import FedError

CONFLICT_RETRIES = 3


@dataclass(frozen=True)
class MemberReplicaSet:
    """One answering member's copy (None: it has none) and its unschedulable pods."""

    cluster: str
    obj: KubeObject | None
    unschedulable: int = 0


def read_member_replicaset(
    backend: ClusterBackend, namespace: str, name: str, kind: Kind = REPLICASET
) -> MemberReplicaSet:
    """One member's copy of an object whose replicas are split, with its unschedulable pods
    (counted for ReplicaSets, which own their pods; a Deployment's pods belong to its
    ReplicaSets, so it gets no capacity estimate)."""
    live = get_or_none(backend, kind.plural, namespace, name)
    if live is None:
        return MemberReplicaSet(backend.name, None)
    return MemberReplicaSet(backend.name, live, _unschedulable(backend, live))


def _unschedulable(backend: ClusterBackend, replicaset: KubeObject) -> int:
    view = ObjectView(replicaset)
    labels = ((replicaset.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    selector = ",".join(f"{key}={value}" for key, value in sorted(labels.items())) or None
    try:
        pods = backend.list("pods", view.namespace, selector)
    except ClusterCallError as err:
        if err.reason is Reason.FORBIDDEN:
            return 0  # without the right to read pods, no capacity estimate
        raise
    return sum(1 for pod in pods if _owned_by(pod, view.uid) and _is_unschedulable(pod))


def _owned_by(pod: KubeObject, uid: str) -> bool:
    return bool(uid) and uid in owner_uids(pod)


def _is_unschedulable(pod: KubeObject) -> bool:
    status = pod.get("status") or {}
    if status.get("phase") not in (None, "Pending"):
        return False
    return any(
        cond.get("type") == "PodScheduled"
        and cond.get("status") == "False"
        and cond.get("reason") == "Unschedulable"
        for cond in status.get("conditions") or []
    )


@dataclass(frozen=True)
class Move:
    """One member in a re-plan: `before` None when unknown (unreachable) or absent."""

    cluster: str
    before: int | None
    after: int
    reachable: bool
    present: bool
    obj: KubeObject | None = None  # what to write: None when nothing must change

    @property
    def changes(self) -> bool:
        return self.obj is not None


@dataclass(frozen=True)
class ReplicaPlan:
    namespace: str
    name: str
    total_before: int
    total: int
    moves: tuple[Move, ...]


def plan_moves(
    members: Sequence[str],
    answers: Mapping[str, MemberReplicaSet],
    namespace: str,
    name: str,
    *,
    total: int | None = None,
    rebalance: bool | None = None,
    drained: Collection[str] = (),
    kind: Kind = REPLICASET,
) -> ReplicaPlan:
    """Re-plan over the members that answered (`answers`); the others get nothing.

    `total` None keeps the recorded total (rebalance); `rebalance` True ignores what the
    members run now; `drained` members answer but get no replicas (yet). Raises FedError
    (not found) when no member has the ReplicaSet and UsageError when its preferences are
    invalid."""
    copies = {c: answers[c].obj for c in members if c in answers and answers[c].obj is not None}
    if not copies:
        raise FedError(
            f'{kind.qualified_plural} "{name}" not found in any reachable member cluster'
        )
    template = next(iter(copies.values()))
    assert template is not None
    before = _recorded(copies.values())
    wanted = before if total is None else total
    reachable = [c for c in members if c in answers]
    current = {c: spec_replicas(obj) for c, obj in copies.items() if obj is not None}
    capacity = {**_capacity(answers), **dict.fromkeys(drained, 0)}
    shares = plan_shares(
        template, reachable, total=wanted, current=current, capacity=capacity, rebalance=rebalance
    )
    # a drained member keeps no overflow: it is not trusted to run anything yet
    placed = {c: 0 if c in drained else share for c, share in shares.shares.items()}
    moves = tuple(_move(c, answers.get(c), placed.get(c, 0), wanted, template) for c in members)
    return ReplicaPlan(namespace, name, before, wanted, moves)


def _recorded(copies: Iterable[KubeObject | None]) -> int:
    objects = [obj for obj in copies if obj is not None]
    for obj in objects:
        total = recorded_total(obj)
        if total is not None:
            return total
    return sum(spec_replicas(obj) for obj in objects)


def _capacity(answers: Mapping[str, MemberReplicaSet]) -> dict[str, int]:
    return {
        cluster: max(spec_replicas(answer.obj) - answer.unschedulable, 0)
        for cluster, answer in answers.items()
        if answer.obj is not None and answer.unschedulable > 0
    }


def _move(
    cluster: str, answer: MemberReplicaSet | None, share: int, total: int, template: KubeObject
) -> Move:
    if answer is None:
        return Move(cluster, None, 0, reachable=False, present=False)
    if answer.obj is None:
        return Move(cluster, None, share, True, False, with_share(_fresh(template), share, total))
    before = spec_replicas(answer.obj)
    if before == share and recorded_total(answer.obj) == total:
        return Move(cluster, before, share, True, True)
    return Move(cluster, before, share, True, True, with_share(answer.obj, share, total))


def _fresh(template: KubeObject) -> KubeObject:
    """A member's copy made from another member's: without what its server set."""
    obj = copy.deepcopy(template)
    obj.pop("status", None)
    metadata = obj.get("metadata") or {}
    for field in (*SERVER_METADATA, "ownerReferences", "finalizers"):
        metadata.pop(field, None)
    return obj


def write_move(backend: ClusterBackend, move: Move, total: int, *, dry_run: bool = False) -> None:
    """Send one member's new share. The update is optimistic; the controllers keep
    updating the ReplicaSet's status, so on a conflict it is re-read and sent again."""
    assert move.obj is not None
    if not move.present:
        backend.create(move.obj, dry_run=dry_run)
        return
    obj = move.obj
    for attempt in range(CONFLICT_RETRIES):
        try:
            backend.replace(obj, dry_run=dry_run)
            return
        except ClusterCallError as err:
            if err.reason is not Reason.CONFLICT or attempt == CONFLICT_RETRIES - 1:
                raise
        view = ObjectView(obj)
        kind = kind_named(obj.get("kind")) or REPLICASET
        live = backend.get(kind.plural, view.namespace, view.name)
        obj = with_share(live, move.after, total)
