"""create / apply with the federation semantics: read the members, decide, then write.

1. read what the manifests need from every member (Services, GLBC UID, Ingresses,
   ReplicaSets); a member that cannot be read is reported and not written to;
2. decide node ports, the GLBC UID and replica shares; any refusal ends the run with
   exit 2 before anything is written;
3. make the members' GLBC UIDs agree;
4. write every member; Ingresses that must share the first member's address are
   written to the others once that member's GLBC has reserved it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import click

from kubectl_fed.app import App
from kubectl_fed.commands.federation_flags import FederationFlags
from kubectl_fed.commands.ingress_wait import wait_for_static_ips
from kubectl_fed.commands.writing import load_manifests, report
from kubectl_fed.core.federate import FederationPlan, plan_federation
from kubectl_fed.core.glbc_uid import UidAction
from kubectl_fed.core.ingress_rollout import Rollout, for_follower, plan_rollouts
from kubectl_fed.core.kinds import INGRESS, REPLICASET
from kubectl_fed.core.manifests import Manifest
from kubectl_fed.core.member_state import MemberState, needs_of, read_member_state
from kubectl_fed.core.membership import DEFAULT_FEDERATION
from kubectl_fed.core.plans import DryRun, Outcome
from kubectl_fed.core.preferences import preferences_of
from kubectl_fed.core.results import ClusterResult
from kubectl_fed.core.settings import Settings
from kubectl_fed.core.writes import Desired, WriteOptions, desired_by_member, write_member
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.render.cluster_errors import error_line

KubeObject = dict[str, Any]
Results = list[ClusterResult[list[Outcome]]]
PerMember = dict[str, list[Desired]]


def write_federated(
    settings: Settings,
    filenames: Sequence[str],
    recursive: bool,
    options: WriteOptions,
    flags: FederationFlags,
) -> ExitStatus:
    app = App(settings)
    manifests = load_manifests(app, filenames, options.verb.value, recursive)
    for manifest in manifests:
        if manifest.kind == REPLICASET:
            preferences_of(manifest.obj)  # invalid preferences: exit 2 before any request
    options = dataclasses.replace(options, federation=app.federation or DEFAULT_FEDERATION)
    states, unread = _read_states(app, manifests)
    if not states:
        return report(unread, options.dry_run, settings)
    plan = plan_federation(manifests, states, port_range=flags.port_range, force=flags.force)
    for line in plan.errors:
        click.echo(f"error: {line}", err=True)
    if plan.errors:
        return ExitStatus.USAGE
    for line in plan.warnings:
        click.echo(f"warning: {line}", err=True)
    if not _agree_on_uid(app, plan, options.dry_run):
        return ExitStatus.FAILED
    members = [state.cluster for state in states]
    per_member = desired_by_member(manifests, members, options.federation, plan.prepare)
    wait = flags.wait and options.dry_run is DryRun.NONE
    leaders = _gce_members(plan, members)
    rollouts = plan_rollouts(manifests, leaders, _live_ingresses(states), wait=wait)
    results, cut_short = _write_all(app, per_member, rollouts, options, flags)
    status = report(_in_member_order(app.members, [*results, *unread]), options.dry_run, settings)
    return cut_short or status


def _read_states(app: App, manifests: Sequence[Manifest]) -> tuple[list[MemberState], Results]:
    """The state of every member that answered, and a failed result for the others."""
    needs = needs_of(manifests)
    if not needs.anything:
        return [MemberState(cluster) for cluster in app.members], []
    answers = app.fan_out(
        lambda cluster: read_member_state(app.backend(cluster), needs), calls=needs.calls
    )
    states = [answer.value for answer in answers if answer.value is not None]
    unread: Results = [
        ClusterResult(answer.cluster, error=answer.error) for answer in answers if not answer.ok
    ]
    return states, unread


def _agree_on_uid(app: App, plan: FederationPlan, dry_run: DryRun) -> bool:
    """Write the members' new GLBC UIDs; False (errors printed) if any write failed."""
    changes = {change.cluster: change for change in plan.uid_changes}
    if not changes:
        return True
    if dry_run is not DryRun.CLIENT:
        server_dry = dry_run is DryRun.SERVER
        results = app.fan_out(
            lambda c: app.backend(c).replace(changes[c].configmap, dry_run=server_dry),
            clusters=list(changes),
        )
        failed = [result for result in results if result.error is not None]
        for result in failed:
            assert result.error is not None
            subject = "configmap kube-system/ingress-uid"
            click.echo(error_line(result.cluster, result.error, subject), err=True)
        if failed:
            click.echo("error: nothing else was written; run the command again", err=True)
            return False
    for change in changes.values():
        # `-o name` keeps stdout to object names; the change is still reported.
        click.echo(change.line + dry_run.suffix, err=app.settings.output == "name")
    return True


def _gce_members(plan: FederationPlan, members: list[str]) -> list[str]:
    """Members whose GLBC can give the first copy its address (all, when no UID plan)."""
    if plan.uid is None:
        return members
    return [d.cluster for d in plan.uid.members if d.action is not UidAction.SKIP]


def _live_ingresses(states: Sequence[MemberState]) -> dict[str, dict[tuple[str, str], KubeObject]]:
    live = {}
    for state in states:
        live[state.cluster] = {
            (str(obj["metadata"].get("namespace")), str(obj["metadata"].get("name"))): obj
            for obj in state.ingresses
        }
    return live


def _write_all(
    app: App,
    per_member: PerMember,
    rollouts: dict[tuple[str, str], Rollout],
    options: WriteOptions,
    flags: FederationFlags,
) -> tuple[Results, ExitStatus | None]:
    """Write every member; held-back Ingresses after the leader's address is known.
    Returns the results, and the exit status when the wait timed out or was interrupted."""
    first, held = _split(per_member, rollouts)
    others = ", ".join(cluster for cluster, objects in held.items() if objects)
    calls = 3 * max(len(objects) for objects in per_member.values()) + 2
    results = _write(app, first, options, calls)
    waiting = [rollout for rollout in rollouts.values() if rollout.waits]
    if not waiting or not any(held.values()):
        return results, None
    leader = waiting[0].leader
    assert leader is not None
    if not _leader_wrote(results, leader, waiting):
        click.echo(f"error: ingresses not created in {others}: {leader} failed", err=True)
        return results, None
    keys = [rollout.key for rollout in waiting]
    try:
        names = wait_for_static_ips(app.backend(leader), keys, flags.wait_timeout)
    except KeyboardInterrupt:
        click.echo(
            f"interrupted while waiting for {leader}: ingresses not created in {others}", err=True
        )
        return results, ExitStatus.INTERRUPTED
    late = [key for key, name in names.items() if name is None]
    for namespace, name in late:
        click.echo(
            f"error: ingress {namespace}/{name}: {leader} has no address and "
            f"ingress.kubernetes.io/static-ip after {flags.wait_timeout:g}s "
            f"(see `kubectl describe ingress {name} -n {namespace}` there); "
            f"not created in {others}",
            err=True,
        )
    second = {
        cluster: [
            Desired(d.target, for_follower(d.obj, static_ip))
            for d in objects
            if (static_ip := names.get((d.target.namespace, d.target.name)))
        ]
        for cluster, objects in held.items()
    }
    second = {cluster: objects for cluster, objects in second.items() if objects}
    later = _write(app, second, options, calls) if second else []
    return _merge(results, later), ExitStatus.FAILED if late else None


def _split(
    per_member: PerMember, rollouts: dict[tuple[str, str], Rollout]
) -> tuple[PerMember, PerMember]:
    """What is written at once, and the Ingresses held back until the leader has an IP."""
    first: PerMember = {}
    held: PerMember = {}
    for cluster, objects in per_member.items():
        first[cluster], held[cluster] = [], []
        for desired in objects:
            rollout = rollouts.get((desired.target.namespace, desired.target.name))
            if desired.target.kind != INGRESS or rollout is None or cluster == rollout.leader:
                first[cluster].append(desired)
            elif rollout.static_ip is not None:
                first[cluster].append(
                    Desired(desired.target, for_follower(desired.obj, rollout.static_ip))
                )
            elif rollout.leader is None:
                first[cluster].append(desired)
            else:
                held[cluster].append(desired)
    return first, held


def _write(app: App, per_member: PerMember, options: WriteOptions, calls: int) -> Results:
    return app.fan_out(
        lambda cluster: write_member(app.backend(cluster), per_member[cluster], options),
        clusters=list(per_member),
        calls=calls,
    )


def _leader_wrote(results: Results, leader: str, waiting: Sequence[Rollout]) -> bool:
    keys = {rollout.key for rollout in waiting}
    for result in results:
        if result.cluster != leader:
            continue
        written = [
            outcome
            for outcome in result.value or []
            if outcome.target.kind == INGRESS
            and (outcome.target.namespace, outcome.target.name) in keys
        ]
        return result.ok and bool(written) and all(outcome.ok for outcome in written)
    return False


def _merge(first: Results, later: Results) -> Results:
    by_cluster = {result.cluster: result for result in later}
    merged: Results = []
    for result in first:
        extra = by_cluster.get(result.cluster)
        if extra is None or not result.ok:
            merged.append(result)
        elif extra.error is not None:
            merged.append(ClusterResult(result.cluster, result.value, extra.error))
        else:
            merged.append(
                ClusterResult(result.cluster, [*(result.value or []), *(extra.value or [])])
            )
    return merged


def _in_member_order(members: Sequence[str], results: Results) -> Results:
    order = {cluster: index for index, cluster in enumerate(members)}
    return sorted(results, key=lambda result: order.get(result.cluster, len(order)))
