"""The GLBC UID step of create / apply: who must change `kube-system/ingress-uid`.

`glbc_uid.plan_uid_agreement` decides; this adds what a run needs around it: copies of
the Ingresses being written never count as someone else's, members that already share
a UID with kubectl-fed's own ingresses win a disagreement, and `--force` settles a
disagreement in their favour (the other members' load balancers are then recreated).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from kubectl_fed.core.ingress.glbc_uid import (
    IngressRef,
    MemberUidState,
    UidAction,
    UidPlan,
    classify_controller,
    plan_uid_agreement,
    updated_uid_configmap,
)
from kubectl_fed.core.model.objects import KubeObject
from kubectl_fed.core.writes.member_state import MemberState

UID_CONFIGMAP = "configmap kube-system/ingress-uid"


@dataclass(frozen=True)
class UidChange:
    """One member's `kube-system/ingress-uid` to write, and the line that reports it."""

    cluster: str
    configmap: KubeObject
    line: str


@dataclass
class UidAgreement:
    plan: UidPlan
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[UidChange] = field(default_factory=list)


def agree_on_uid(
    states: Sequence[MemberState], written: set[tuple[str, str]], *, force: bool
) -> UidAgreement:
    """`written`: (namespace, name) of the Ingresses this run writes."""
    members = [_uid_state(state, written) for state in states]
    preferred = _uid_of_own_copies(states, written)
    plan = plan_uid_agreement(members, force=force, preferred=preferred)
    result = UidAgreement(plan)
    if plan.refusal is not None and force:
        members, result.warnings = _forced(members)
        plan = result.plan = plan_uid_agreement(members, force=True, preferred=preferred)
    if not plan.ok:
        result.errors.extend(plan.errors())
        if plan.refusal is not None and not force:
            result.errors.append(_force_hint(members))
        return result
    for decision in plan.members:
        if decision.action is UidAction.SKIP:
            result.warnings.append(f"cluster {decision.cluster}: {decision.reason}")
    by_cluster = {state.cluster: state for state in states}
    for decision in plan.updates:
        assert decision.target is not None  # an update always has a target
        configmap = updated_uid_configmap(
            by_cluster[decision.cluster].uid_configmap, decision.target
        )
        was = "unset" if decision.current is None else decision.current
        line = f"{decision.cluster}: {UID_CONFIGMAP} uid set to {decision.target} (was {was})"
        result.changes.append(UidChange(decision.cluster, configmap, line))
    return result


def _uid_state(state: MemberState, written: set[tuple[str, str]]) -> MemberUidState:
    """The member as the agreement sees it; copies of the Ingresses being written are
    adopted or updated by this run, so they never block the change."""
    controller = classify_controller(state.uid_configmap, state.node_provider_ids)
    member = MemberUidState.from_objects(state.cluster, controller, state.uid_configmap)
    refs = tuple(
        ref
        for ref in map(IngressRef.from_object, state.ingresses)
        if (ref.namespace, ref.name) not in written
    )
    return dataclasses.replace(member, ingresses=refs)


def _uid_of_own_copies(
    states: Sequence[MemberState], written: set[tuple[str, str]]
) -> tuple[str, str] | None:
    """(UID, member) of the first member holding kubectl-fed's GCE copy of an Ingress being
    written: after a run that missed some members, the others' load balancers are named
    after that UID, so the missed members must take it, not the other way round."""
    for state in states:
        member = _uid_state(state, set())
        own = [r for r in member.gce_ingresses if r.federated and (r.namespace, r.name) in written]
        if own and member.uid is not None:
            return member.uid, member.cluster
    return None


def _winner(members: Sequence[MemberUidState]) -> str | None:
    """The UID that wins a disagreement: the one kubectl-fed's own ingresses already use,
    else the first member's among those with GCE ingresses."""
    in_use = [m for m in members if m.uid is not None and m.gce_ingresses]
    federated = [m for m in in_use if any(ref.federated for ref in m.gce_ingresses)]
    candidates = federated or in_use
    return candidates[0].uid if candidates else None


def _forced(members: Sequence[MemberUidState]) -> tuple[list[MemberUidState], list[str]]:
    """The members with the losers' ingresses hidden from the planner, so it updates them;
    a warning per loser naming the load balancers that will be recreated."""
    winner = _winner(members)
    kept: list[MemberUidState] = []
    warnings = []
    for member in members:
        if member.uid == winner or not member.gce_ingresses:
            kept.append(member)
            continue
        names = ", ".join(str(ref) for ref in member.gce_ingresses)
        warnings.append(
            f"cluster {member.cluster}: forced: GLBC UID {member.uid} -> {winner}; "
            f"the load balancers of {names} will be recreated"
        )
        kept.append(dataclasses.replace(member, ingresses=()))
    return kept, warnings


def _force_hint(members: Sequence[MemberUidState]) -> str:
    winner = _winner(members)
    return (
        f"use --force to make every member use {winner} "
        "(the other members' ingresses then get new load balancers)"
    )
