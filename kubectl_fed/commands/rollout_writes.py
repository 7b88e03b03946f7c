"""Writing the members in two phases, so that their copies of an Ingress share one IP.

Phase one writes everything except the Ingresses that must take the first member's
address; once that member's GLBC has reserved it, phase two writes them to the others.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from kubectl_fed.app import App
from kubectl_fed.commands.ingress_wait import wait_for_static_ips
from kubectl_fed.core.ingress_rollout import Rollout, for_follower
from kubectl_fed.core.kinds import INGRESS
from kubectl_fed.core.plans import Outcome
from kubectl_fed.core.progress import progress_for, with_progress
from kubectl_fed.core.results import ClusterResult
from kubectl_fed.core.writes import Desired, WriteOptions, write_member
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
        names = wait_for_static_ips(app.backend(leader), keys, wait_timeout)
    except KeyboardInterrupt:
        click.echo(
            f"interrupted while waiting for {leader}: ingresses not created in {others}", err=True
        )
        return results, ExitStatus.INTERRUPTED
    late = [key for key, name in names.items() if name is None]
    for namespace, name in late:
        click.echo(
            f"error: ingress {namespace}/{name}: {leader} has no address and "
            f"ingress.kubernetes.io/static-ip after {wait_timeout:g}s "
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
