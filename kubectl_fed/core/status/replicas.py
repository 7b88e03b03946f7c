"""The federated status of a ReplicaSet: the federation-wide total and each member's
desired / current / ready / available replicas against the planner's split.

The total is the `kubectl-fed.io/total-replicas` annotation when members carry it (the
federation's `spec.replicas` as written), else the sum of the members' `spec.replicas`.
The planned split is what `rebalance rs` would set now over the members that answered
(`replica_shares.plan_shares` with rebalance on), the same split `get rs` and doctor's
replica-split check compare against.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from kubectl_fed.core.model.objects import KubeObject, annotations_of
from kubectl_fed.core.replicas.preferences import PREFERENCES_ANNOTATION
from kubectl_fed.core.replicas.shares import (
    plan_shares,
    recorded_total,
    spec_replicas,
)
from kubectl_fed.core.status.fold import (
    Member,
    Presence,
    absent_note,
    created_of,
    forbidden_note,
    present,
)
from kubectl_fed.errors import UsageError


@dataclass(frozen=True)
class MemberReplicas:
    cluster: str
    presence: Presence
    desired: int = 0
    current: int = 0
    ready: int = 0
    available: int = 0
    planned: int | None = None
    created: str | None = None
    note: str = ""


@dataclass(frozen=True)
class ReplicaSetStatus:
    total: int
    total_from_annotation: bool
    preferences: str | None  # the annotation's text; None: the default (equal weights)
    members: tuple[MemberReplicas, ...]
    plan_error: str = ""

    def sum(self, field: str) -> int:
        return sum(int(getattr(m, field)) for m in self.members)

    @property
    def drifted(self) -> list[str]:
        return [m.cluster for m in self.members if m.planned is not None and m.planned != m.desired]


def replicaset_status(members: Sequence[Member], kind_word: str) -> ReplicaSetStatus:
    copies = present(members)
    total, from_annotation = _total(copies)
    answered = [m.cluster for m in members if m.presence is not Presence.FAILED]
    current = {m.cluster: spec_replicas(m.obj) for m in copies if m.obj is not None}
    planned: dict[str, int] = {}
    error = ""
    if copies and copies[0].obj is not None:
        try:
            planned = plan_shares(
                copies[0].obj, answered, total=total, current=current, rebalance=True
            ).shares
        except UsageError as err:
            error = str(err)
    return ReplicaSetStatus(
        total=total,
        total_from_annotation=from_annotation,
        preferences=_preferences(copies),
        members=tuple(_member(m, planned.get(m.cluster), kind_word) for m in members),
        plan_error=error,
    )


def _total(copies: Sequence[Member]) -> tuple[int, bool]:
    written = Counter(
        total for m in copies if m.obj is not None and (total := recorded_total(m.obj)) is not None
    )
    if written:
        return written.most_common(1)[0][0], True
    return sum(spec_replicas(m.obj) for m in copies if m.obj is not None), False


def _preferences(copies: Sequence[Member]) -> str | None:
    for member in copies:
        text = _annotations(member.obj).get(PREFERENCES_ANNOTATION)
        if text:
            return str(text)
    return None


def _member(member: Member, planned: int | None, kind_word: str) -> MemberReplicas:
    obj = member.obj
    if obj is None:
        note = absent_note(member, kind_word)
        return MemberReplicas(member.cluster, member.presence, planned=planned, note=note)
    replicas = MemberReplicas(
        cluster=member.cluster,
        presence=member.presence,
        desired=spec_replicas(obj),
        current=_count(obj, "status", "replicas"),
        ready=_count(obj, "status", "readyReplicas"),
        available=_count(obj, "status", "availableReplicas"),
        planned=planned,
        created=created_of(obj),
    )
    forbidden = forbidden_note(member.snapshot) if member.snapshot is not None else ""
    return _with_note(replicas, forbidden)


def _with_note(m: MemberReplicas, forbidden: str) -> MemberReplicas:
    notes = []
    if m.planned is not None and m.planned != m.desired:
        notes.append(f"planner wants {m.planned}")
    if m.ready < m.desired:
        notes.append(f"{m.desired - m.ready} not ready")
    notes += [forbidden] if forbidden else []
    if not notes:
        return m
    return MemberReplicas(**{**m.__dict__, "note": "; ".join(notes)})


def _annotations(obj: KubeObject | None) -> dict[str, str]:
    return annotations_of(obj)


def _count(obj: KubeObject | None, section: str, field: str, default: int = 0) -> int:
    value = ((obj or {}).get(section) or {}).get(field, default)
    return value if isinstance(value, int) and not isinstance(value, bool) else default
