"""What `scale` and `rebalance` share (ReplicaSets, Deployments): read every member, re-plan,
print, write."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from kubectl_fed.app import App
from kubectl_fed.core.kinds import Kind, resolve
from kubectl_fed.core.members.results import ClusterResult, Reason, exit_status
from kubectl_fed.core.replicas.moves import (
    ReplicaPlan,
    plan_moves,
    read_member_replicaset,
    write_move,
)
from kubectl_fed.core.settings import Settings
from kubectl_fed.core.writes.plans import DryRun
from kubectl_fed.errors import UsageError
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.render.cluster_errors import error_lines, reason_word
from kubectl_fed.render.lines import result_line
from kubectl_fed.render.replica_moves import moves_table


def split_object(verb: str, resources: Sequence[str]) -> tuple[Kind, str]:
    """`rs NAME`, `deploy/NAME` (a kind whose replicas are split); anything else is exit 2."""
    if len(resources) == 1 and "/" in resources[0]:
        resources = resources[0].split("/", 1)
    if len(resources) != 2 or not resources[1]:
        raise UsageError(f"{verb} takes one ReplicaSet or Deployment: {verb} rs NAME (or rs/NAME)")
    kind = resolve(resources[0])
    if not kind.splits_replicas:
        raise UsageError(f"{verb} works on replicasets and deployments only, not {resources[0]}")
    return kind, resources[1]


# What `rebalance` is for: members that do not answer at all (not those that refuse).
NOT_ANSWERING = frozenset({Reason.UNREACHABLE, Reason.TIMEOUT})


def moved_notes(plan: ReplicaPlan, down: Sequence[ClusterResult[Any]]) -> list[str]:
    """What rebalance did about each member that did not answer."""
    takers = ", ".join(f"{m.cluster} {m.after}" for m in plan.moves if m.reachable)
    lines = []
    for read in down:
        assert read.error is not None
        reason = reason_word(read.error.reason)
        lines.append(
            f"note: {read.cluster} did not answer ({reason}): its share of the {plan.total} "
            f"replicas moved to the others ({takers}); rebalance again once it is back, "
            "or keep `kubectl fed reconcile --watch` running"
        )
    return lines


def move_replicas(
    settings: Settings,
    kind: Kind,
    name: str,
    *,
    total: int | None,
    rebalance: bool | None,
    dry_run: DryRun,
    word: str,
    unreachable_ok: bool = False,
) -> ExitStatus:
    """Re-plan the object `name` of `kind`, print the before/after table, write the changes.

    `unreachable_ok` (rebalance): members that do not answer (unreachable, timeout) are
    what the command is for; they are named in a note and do not make the exit status
    partial. A member that answers with an error (401, 403, 5xx, 429) is an error."""
    app = App(settings)
    if settings.all_namespaces or app.namespace is None:
        raise UsageError("--all-namespaces cannot be used here: name one namespace")
    namespace = app.namespace
    reads = app.fan_out(
        lambda c: read_member_replicaset(app.backend(c), namespace, name, kind), calls=3
    )
    if not any(read.ok for read in reads):  # name every member's failure, not "not found"
        return app.report(reads, f"{kind.singular} {namespace}/{name}")
    answers = {read.cluster: read.value for read in reads if read.value is not None}
    plan = plan_moves(
        app.members, answers, namespace, name, total=total, rebalance=rebalance, kind=kind
    )
    click.echo(moves_table(plan))
    changes = [move for move in plan.moves if move.changes]
    writes: list[ClusterResult[Any]] = []
    if changes and dry_run is not DryRun.CLIENT:
        by_cluster = {move.cluster: move for move in changes}
        writes = app.fan_out(
            lambda c: write_move(
                app.backend(c), by_cluster[c], plan.total, dry_run=dry_run is DryRun.SERVER
            ),
            clusters=list(by_cluster),
        )
    failed = {write.cluster for write in writes if not write.ok}
    ref = kind.ref(name)
    for move in changes:
        if move.cluster not in failed:
            click.echo(result_line(move.cluster, ref, word, dry_run.suffix))
    down = [read for read in reads if not read.ok]
    if unreachable_ok:
        away = [read for read in down if read.error and read.error.reason in NOT_ANSWERING]
        for line in moved_notes(plan, away):
            click.echo(line, err=True)
        down = [read for read in down if read not in away]
    results = [*down, *writes]
    for line in error_lines(results, f"{kind.singular} {namespace}/{name}"):
        click.echo(line, err=True)
    # a member whose write failed counts once, as a failure, not also as answered
    answered = [
        ClusterResult(read.cluster, value=True)
        for read in reads
        if read.ok and read.cluster not in failed
    ]
    return exit_status([*answered, *(r for r in results if not r.ok)])
