"""What `scale rs` and `rebalance rs` share: read every member, re-plan, print, write."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from kubectl_fed.app import App
from kubectl_fed.core.kinds import REPLICASET, resolve
from kubectl_fed.core.plans import DryRun
from kubectl_fed.core.replica_moves import plan_moves, read_member_replicaset, write_move
from kubectl_fed.core.results import ClusterResult, exit_status
from kubectl_fed.core.settings import Settings
from kubectl_fed.errors import UsageError
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.render.cluster_errors import error_lines
from kubectl_fed.render.lines import result_line
from kubectl_fed.render.replica_moves import moves_table


def replicaset_name(verb: str, resources: Sequence[str]) -> str:
    """`rs NAME` or `rs/NAME` (any alias of replicaset); anything else is exit 2."""
    if len(resources) == 1 and "/" in resources[0]:
        resources = resources[0].split("/", 1)
    if len(resources) != 2 or not resources[1]:
        raise UsageError(f"{verb} takes one ReplicaSet: {verb} rs NAME (or rs/NAME)")
    if resolve(resources[0]) != REPLICASET:
        raise UsageError(f"{verb} works on replicasets only, not {resources[0]}")
    return resources[1]


def move_replicas(
    settings: Settings,
    name: str,
    *,
    total: int | None,
    rebalance: bool | None,
    dry_run: DryRun,
    word: str,
) -> ExitStatus:
    """Re-plan the ReplicaSet `name`, print the before/after table, write the changes."""
    app = App(settings)
    if settings.all_namespaces or app.namespace is None:
        raise UsageError("--all-namespaces cannot be used here: name one namespace")
    namespace = app.namespace
    reads = app.fan_out(lambda c: read_member_replicaset(app.backend(c), namespace, name), calls=3)
    if not any(read.ok for read in reads):  # name every member's failure, not "not found"
        return app.report(reads, f"{REPLICASET.singular} {namespace}/{name}")
    answers = {read.cluster: read.value for read in reads if read.value is not None}
    plan = plan_moves(app.members, answers, namespace, name, total=total, rebalance=rebalance)
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
    ref = REPLICASET.ref(name)
    for move in changes:
        if move.cluster not in failed:
            click.echo(result_line(move.cluster, ref, word, dry_run.suffix))
    results = [*(read for read in reads if not read.ok), *writes]
    for line in error_lines(results, f"{REPLICASET.singular} {namespace}/{name}"):
        click.echo(line, err=True)
    # a member whose write failed counts once, as a failure, not also as answered
    answered = [
        ClusterResult(read.cluster, value=True)
        for read in reads
        if read.ok and read.cluster not in failed
    ]
    return exit_status([*answered, *(r for r in results if not r.ok)])
