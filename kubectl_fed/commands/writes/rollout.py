"""Writing the members in two phases, so that their copies of an Ingress share one IP.

Phase one writes everything except the Ingresses that must take the first member's
address; once that member's GLBC has reserved it, phase two writes them to the others.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Sequence

import click

from kubectl_fed.app import App
from kubectl_fed.commands.writes.ingress_wait import wait_for_addresses
from kubectl_fed.core.escaping import escaped
from kubectl_fed.core.ingress.rollout import (
    Rollout,
    annotation,
    for_follower,
    with_pending,
    without_pending,
)
from kubectl_fed.core.kinds import INGRESS
from kubectl_fed.core.members.protocols import ClusterBackend
from kubectl_fed.core.members.results import ClusterCallError, ClusterResult
from kubectl_fed.core.model.glbc_annotations import STATIC_IP_ANNOTATION
from kubectl_fed.core.model.markers import ROLLOUT_PENDING_ANNOTATION
from kubectl_fed.core.model.objects import Key
from kubectl_fed.core.writes.member import Desired, WriteOptions, write_member
from kubectl_fed.core.writes.plans import Action, DryRun, Outcome
from kubectl_fed.core.writes.progress import progress_for, with_progress
from kubectl_fed.exit_status import ExitStatus

Results = list[ClusterResult[list[Outcome]]]
PerMember = dict[str, list[Desired]]


def write_in_phases(
    app: App,
    per_member: PerMember,
    rollouts: dict[tuple[str, str], Rollout],
    options: WriteOptions,
    wait_timeout: float,
) -> tuple[Results, ExitStatus | None]:
    """Write every member; held-back Ingresses after the leader's address is known.
    Returns the results, and the exit status when the wait ended without an address
    or was interrupted."""
    first, held = _split(per_member, rollouts)
    others = [cluster for cluster, objects in held.items() if objects]
    calls = 3 * max(len(objects) for objects in per_member.values()) + 2
    results = _write(app, first, options, calls)
    waiting = [rollout for rollout in rollouts.values() if rollout.waits]
    if not waiting or not others:
        return results, None
    leader = waiting[0].leader
    assert leader is not None
    if not _leader_wrote(results, leader, waiting):
        click.echo(
            f"error: ingresses not created in {', '.join(others)}: {leader} failed", err=True
        )
        return results, None
    keys = [rollout.key for rollout in waiting]
    try:
        fresh = _created_keys(results, leader)
        found = wait_for_addresses(app.backend(leader), keys, wait_timeout, fresh=fresh)
    except KeyboardInterrupt:
        for line in interrupted_lines(keys, leader, others):
            click.echo(line, err=True)
        return results, ExitStatus.INTERRUPTED
    names = {key: address.static_ip for key, address in found.items()}
    for key, address in found.items():
        if address.static_ip is None:
            for line in unfinished_lines(key, leader, others, address.warning, wait_timeout):
                click.echo(line, err=True)
    second = {
        cluster: [
            dataclasses.replace(d, obj=for_follower(d.obj, static_ip))
            for d in objects
            if (static_ip := names.get((d.target.namespace, d.target.name)))
        ]
        for cluster, objects in held.items()
    }
    second = {cluster: objects for cluster, objects in second.items() if objects}
    later = _write(app, second, options, calls) if second else []
    merged = _merge(results, later)
    finished = [key for key, name in names.items() if name is not None]
    _mark_finished(app, leader, first.get(leader, []), later, finished, options)
    late = any(name is None for name in names.values())
    return merged, ExitStatus.PARTIAL if late else None


def interrupted_lines(keys: Sequence[Key], leader: str, others: Sequence[str]) -> list[str]:
    """What Ctrl-C during the wait leaves, and the commands that finish or undo it."""
    lines = []
    for namespace, name in keys:
        lines += [
            f"interrupted while waiting for {leader}'s address: ingress {namespace}/{name} "
            f"exists in {leader} only; not created in {', '.join(others)}",
            f"hint: finish it with `kubectl fed reconcile ingress {name} -n {namespace}`, "
            f"or undo it with `kubectl fed delete ingress {name} -n {namespace}`",
        ]
    return lines


def unfinished_lines(
    key: Key, leader: str, others: Sequence[str], warning: str | None, waited: float
) -> list[str]:
    namespace, name = key
    if warning is not None:
        cause = f"{leader}'s ingress controller reports: {escaped(warning)}"
    else:
        cause = f"{leader} has no address and {STATIC_IP_ANNOTATION} after {waited:g}s"
    return [
        f"error: ingress {namespace}/{name}: {cause}; not created in {', '.join(others)}",
        f"hint: see `kubectl --context={leader} describe ingress {name} -n {namespace}`; "
        "once the cause is fixed, `kubectl fed create/apply` of its Services, or "
        f"`kubectl fed reconcile ingress {name} -n {namespace}`, finishes the rollout",
    ]


def _created_keys(results: Results, leader: str) -> set[Key]:
    return {
        (outcome.target.namespace, outcome.target.name)
        for result in results
        if result.cluster == leader
        for outcome in result.value or []
        if outcome.target.kind == INGRESS and outcome.action is Action.CREATE
    }


def _mark_finished(
    app: App,
    leader: str,
    leader_objects: Sequence[Desired],
    results: Results,
    keys: Sequence[Key],
    options: WriteOptions,
) -> None:
    """Drop the pending marker from the leader's copies of `keys` (their address is known)
    once every follower is written (`results`); if a write failed, the marker stays and
    reconcile finishes the rollout."""
    failed = any(not r.ok or any(not o.ok for o in r.value or []) for r in results)
    if failed or options.dry_run is not DryRun.NONE:
        return
    backend = app.backend(leader)
    for desired in leader_objects:
        key = (desired.target.namespace, desired.target.name)
        if desired.target.kind == INGRESS and key in keys:
            with contextlib.suppress(ClusterCallError):  # reconcile drops it later
                clear_pending(backend, *key)


def clear_pending(backend: ClusterBackend, namespace: str, name: str) -> None:
    """Remove the marker with an optimistic update of the live copy: an apply leaves it
    when the create that set it owns it as an update."""
    live = backend.get(INGRESS.plural, namespace, name)
    if annotation(live, ROLLOUT_PENDING_ANNOTATION):
        backend.replace(without_pending(live))


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
            if (
                desired.target.kind == INGRESS
                and rollout
                and rollout.waits
                and cluster == rollout.leader
            ):
                followers = [c for c in per_member if c != cluster]
                first[cluster].append(
                    dataclasses.replace(desired, obj=with_pending(desired.obj, followers))
                )
            elif desired.target.kind != INGRESS or rollout is None or cluster == rollout.leader:
                first[cluster].append(desired)
            elif rollout.static_ip is not None:
                first[cluster].append(
                    dataclasses.replace(desired, obj=for_follower(desired.obj, rollout.static_ip))
                )
            elif rollout.leader is None:
                first[cluster].append(desired)
            else:
                held[cluster].append(desired)
    return first, held


def _write(app: App, per_member: PerMember, options: WriteOptions, calls: int) -> Results:
    progress = progress_for(per_member)
    results = app.fan_out(
        lambda c: write_member(app.backend(c), per_member[c], options, progress[c]),
        clusters=list(per_member),
        calls=calls,
    )
    return with_progress(results, progress)


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
