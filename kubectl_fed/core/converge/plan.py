"""The converge plan: what must be written so every member holds what the federation wants.

One planner serves `reconcile` (applies it all), `doctor --fix` (asks before each repair)
and the rollouts `create`/`apply` leave unfinished. It is a pure function of what was
read (`Facts`) and the desired state the copies record (core/model/desired.py):
1. one GLBC UID, when a federated GCE ingress needs it; node ports that differ, aligned;
2. missing copies created from the newest record (an Ingress only once a copy has the
   shared address: until then its rollout is pending);
3. replicas placed by the planner over the members available (ReplicaSets);
4. copies that drifted from the newest record restored (server-side apply); never from a
   guessed record;
5. a finished rollout's marker removed from the leader's copy.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kubectl_fed.core.doctor.facts import Facts, MemberFacts, object_label
from kubectl_fed.core.doctor.glbc import has_federated_gce_ingress
from kubectl_fed.core.doctor.objects import SERVICE_SERVER_FIELDS
from kubectl_fed.core.doctor.repairs import (
    Repair,
    Write,
    node_port_repairs,
    uid_repairs,
)
from kubectl_fed.core.doctor.replicas import replica_plan
from kubectl_fed.core.ingress.glbc_uid import is_gce_ingress
from kubectl_fed.core.ingress.rollout import (
    annotation,
    for_follower,
    ready_static_ip,
    rollout_leader,
    without_pending,
)
from kubectl_fed.core.kinds import INGRESS, SERVICE, Kind
from kubectl_fed.core.kinds import KINDS as ALL_KINDS
from kubectl_fed.core.members.membership import DEFAULT_FEDERATION
from kubectl_fed.core.model.desired import (
    Record,
    being_deleted,
    newest,
    stamped,
)
from kubectl_fed.core.model.glbc_annotations import GLBC, GLOBAL_STATIC_IP_ANNOTATION
from kubectl_fed.core.model.markers import (
    ROLLOUT_PENDING_ANNOTATION,
    TOTAL_REPLICAS_ANNOTATION,
    conforms,
    mark,
)
from kubectl_fed.core.model.objects import Key, KubeObject, annotations_of, metadata_of
from kubectl_fed.core.replicas.moves import Move
from kubectl_fed.core.replicas.shares import spec_replicas, with_share

KINDS = tuple(kind for kind in ALL_KINDS if kind.converged)


@dataclass(frozen=True)
class ConvergeOptions:
    federation: str = DEFAULT_FEDERATION
    # members that answer but get no replicas yet (back, not yet healthy for long enough)
    drained: frozenset[str] = frozenset()
    # a member fails, not yet for long enough to move its replicas: move none this pass
    hold_replicas: bool = False


@dataclass(frozen=True)
class PendingRollout:
    """An Ingress some members lack because no copy has the shared address yet."""

    key: Key
    leader: str  # the member whose load balancer reserves the address
    leader_uid: str
    missing: tuple[str, ...]

    @property
    def label(self) -> str:
        return object_label(INGRESS, self.key)


@dataclass
class Convergence:
    repairs: list[Repair] = field(default_factory=list)
    pending: list[PendingRollout] = field(default_factory=list)
    guessed: list[str] = field(default_factory=list)  # "service default/web (from X's copy)"

    @property
    def writes(self) -> list[Write]:
        return [write for repair in self.repairs for write in repair.writes]


def plan_convergence(facts: Facts, options: ConvergeOptions | None = None) -> Convergence:
    options = options or ConvergeOptions()
    result = Convergence()
    records = _records(facts, result)
    if has_federated_gce_ingress(facts):
        result.repairs += uid_repairs(facts)
    result.repairs += node_port_repairs(facts)
    result.pending = pending_rollouts(facts, records)
    for kind in (INGRESS, SERVICE):
        result.repairs += _missing_repairs(facts, kind, records, options)
    if not options.hold_replicas:
        result.repairs += _replica_repairs(facts, records, options)
    done = {(w.cluster, w.subject) for w in result.writes}
    result.repairs += _drift_repairs(facts, records, options, done)
    result.repairs += _finished_rollouts(facts, records, result.pending)
    return result


def _records(facts: Facts, result: Convergence) -> dict[tuple[Kind, Key], Record]:
    records = {}
    for kind in KINDS:
        for key in facts.target.of(kind):
            copies = [(m.cluster, obj) for m in facts.answered if (obj := m.find(kind, key))]
            record = newest(copies)
            if record is None:
                continue
            if record.guessed:
                record = _guessed_for(kind, record)
                result.guessed.append(f"{object_label(kind, key)} (from {record.source}'s copy)")
            records[(kind, key)] = record
    return records


def _guessed_for(kind: Kind, record: Record) -> Record:
    """A copy read as a record: without what is only this member's."""
    desired = record.desired
    annotations = annotations_of(desired)
    if kind == INGRESS:
        annotations = {k: v for k, v in annotations.items() if not k.startswith(GLBC)}
        annotations.pop(GLOBAL_STATIC_IP_ANNOTATION, None)
    if kind.splits_replicas:
        total = annotations.pop(TOTAL_REPLICAS_ANNOTATION, None)
        if total is not None and str(total).isdigit():
            desired.setdefault("spec", {})["replicas"] = int(str(total))
    if kind == SERVICE:
        for name in SERVICE_SERVER_FIELDS:
            (desired.get("spec") or {}).pop(name, None)
    desired.setdefault("metadata", {})["annotations"] = annotations
    return record


def member_copy(
    kind: Kind,
    record: Record,
    federation: str,
    *,
    static_ip: str | None = None,
    share: int | None = None,
) -> KubeObject:
    """The copy a member must hold according to `record`."""
    obj = stamped(mark(record.desired, federation), record)
    if kind.splits_replicas:
        total = spec_replicas(record.desired)
        obj = with_share(obj, total if share is None else share, total)
    if static_ip is not None:
        obj = for_follower(obj, static_ip)
    return obj


def shared_ip(key: Key, facts: Facts) -> str | None:
    """The reserved address the copies of a GCE ingress share, once a copy has it."""
    for member in facts.answered:
        name = ready_static_ip(member.find(INGRESS, key))
        if name:
            return name
    return None


def _needs_shared_ip(record: Record) -> bool:
    return is_gce_ingress(record.desired) and not annotation(
        record.desired, GLOBAL_STATIC_IP_ANNOTATION
    )


def pending_rollouts(
    facts: Facts, records: Mapping[tuple[Kind, Key], Record]
) -> list[PendingRollout]:
    pending = []
    for key in facts.target.ingresses:
        record = records.get((INGRESS, key))
        if record is None or not _needs_shared_ip(record) or shared_ip(key, facts):
            continue
        copies = [(m.cluster, obj) for m in facts.answered if (obj := m.find(INGRESS, key))]
        missing = tuple(m.cluster for m in facts.answered if m.find(INGRESS, key) is None)
        if not missing:
            continue
        leader = rollout_leader(copies) or copies[0][0]
        obj = dict(copies)[leader]
        uid = str(metadata_of(obj).get("uid") or "")
        pending.append(PendingRollout(key, leader, uid, missing))
    return pending


def _missing_repairs(
    facts: Facts,
    kind: Kind,
    records: Mapping[tuple[Kind, Key], Record],
    options: ConvergeOptions,
) -> list[Repair]:
    repairs = []
    for key in facts.target.of(kind):
        record = records.get((kind, key))
        missing = [m.cluster for m in facts.answered if m.find(kind, key) is None]
        if record is None or not missing:
            continue
        static_ip = None
        if kind == INGRESS and _needs_shared_ip(record):
            static_ip = shared_ip(key, facts)
            if static_ip is None:
                continue  # pending: the leader has no address yet
        obj = member_copy(kind, record, options.federation, static_ip=static_ip)
        label = object_label(kind, key)
        detail = f"from the record in {record.source}'s copy"
        if static_ip:
            detail += f", sharing static IP {static_ip}"
        writes = tuple(
            Write(cluster, "create", obj, subject=label, detail=detail) for cluster in missing
        )
        title = f"create {label} in {', '.join(missing)} from {record.source}'s copy"
        repairs.append(Repair(title, writes))
    return repairs


def _replica_repairs(
    facts: Facts, records: Mapping[tuple[Kind, Key], Record], options: ConvergeOptions
) -> list[Repair]:
    repairs = []
    for kind, key in ((k, key) for k in KINDS if k.splits_replicas for key in facts.target.of(k)):
        record = records.get((kind, key))
        total = None if record is None else spec_replicas(record.desired)
        planned = replica_plan(key, facts, total=total, drained=options.drained, kind=kind)
        if planned is None:
            continue
        plan = planned[0]
        moves = [m for m in plan.moves if m.changes]
        if not moves:
            continue
        label = object_label(kind, key)
        writes = tuple(_move_write(kind, m, plan.total, label, record, options) for m in moves)
        split = ", ".join(
            f"{m.cluster} {m.after}{'' if m.present else ' (recreated)'}" for m in moves
        )
        repairs.append(Repair(f"rebalance {label}: {split}", writes))
    return repairs


def _move_write(
    kind: Kind,
    move: Move,
    total: int,
    label: str,
    record: Record | None,
    options: ConvergeOptions,
) -> Write:
    before = "none" if not move.present else str(move.before)
    detail = f"replicas {before} -> {move.after} of {total}"
    if move.present or record is None:
        return Write(move.cluster, "move", move=move, total=total, subject=label, detail=detail)
    # a member without a copy gets the recorded object with its share
    obj = member_copy(kind, record, options.federation, share=move.after)
    return Write(move.cluster, "create", obj, subject=label, detail=detail)


def _drift_repairs(
    facts: Facts,
    records: Mapping[tuple[Kind, Key], Record],
    options: ConvergeOptions,
    done: Collection[tuple[str, str]],
) -> list[Repair]:
    repairs = []
    for kind in KINDS:
        for key in facts.target.of(kind):
            record = records.get((kind, key))
            if record is None or record.guessed:
                continue  # a guess only re-creates missing copies: it overwrites nothing
            label = object_label(kind, key)
            writes = [
                write
                for member in facts.answered
                if (member.cluster, label) not in done
                and (write := _drift_write(kind, member, key, record, options)) is not None
            ]
            if writes:
                where = ", ".join(w.cluster for w in writes)
                title = f"restore {label} in {where} to the federation's desired state"
                repairs.append(Repair(title, tuple(writes)))
    return repairs


def _drift_write(
    kind: Kind, member: MemberFacts, key: Key, record: Record, options: ConvergeOptions
) -> Write | None:
    live = member.find(kind, key)
    if live is None or being_deleted(live):
        return None
    static_ip = annotation(live, GLOBAL_STATIC_IP_ANNOTATION) if kind == INGRESS else None
    share = spec_replicas(live) if kind.splits_replicas else None
    wanted = member_copy(kind, record, options.federation, static_ip=static_ip, share=share)
    if conforms(wanted, live):
        return None
    detail = "restored " + ", ".join(differing(wanted, live)) + f" (record from {record.source})"
    return Write(member.cluster, "apply", wanted, subject=object_label(kind, key), detail=detail)


def differing(wanted: Mapping[str, Any], live: Mapping[str, Any], prefix: str = "") -> list[str]:
    """The paths (at most three) where `live` lacks what `wanted` sets."""
    found: list[str] = []
    for name, value in wanted.items():
        path = f"{prefix}{name}"
        have = live.get(name) if isinstance(live, Mapping) else None
        if isinstance(value, Mapping) and isinstance(have, Mapping):
            found += differing(value, have, f"{path}.")
        elif not conforms({"v": value}, {"v": have} if have is not None else {}):
            found.append(path)
        if len(found) >= 3:
            return found[:3]
    return found


def _finished_rollouts(
    facts: Facts,
    records: Mapping[tuple[Kind, Key], Record],
    pending: Sequence[PendingRollout],
) -> list[Repair]:
    """Drop the pending marker from a leader whose followers are all written (or are
    being written by this plan)."""
    still = {rollout.key for rollout in pending}
    repairs = []
    for key in facts.target.ingresses:
        record = records.get((INGRESS, key))
        if record is None or key in still:
            continue
        for member in facts.answered:
            live = member.find(INGRESS, key)
            if live is None or not annotation(live, ROLLOUT_PENDING_ANNOTATION):
                continue
            label = object_label(INGRESS, key)
            # an optimistic update of the live copy: an apply would leave a marker that
            # the create which set it owns
            obj = without_pending(live)
            write = Write(member.cluster, "replace", obj, subject=label, detail="rollout finished")
            repairs.append(Repair(f"mark the rollout of {label} finished", (write,)))
    return repairs
