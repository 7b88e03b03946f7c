"""`doctor --fix`: apply the converge plan repair by repair, each confirmed on stderr
unless --yes, then finish the Ingress rollouts still waiting for an address."""

from __future__ import annotations

import click

from kubectl_fed.app import App
from kubectl_fed.commands.writes.converge import Scope, converge_pass, send_write
from kubectl_fed.commands.writes.flags import DEFAULT_WAIT_TIMEOUT
from kubectl_fed.core.converge.plan import Convergence, ConvergeOptions, PendingRollout
from kubectl_fed.core.doctor.repairs import Repair, Write
from kubectl_fed.core.escaping import escaped
from kubectl_fed.core.kinds import INGRESS
from kubectl_fed.core.members.results import ClusterResult
from kubectl_fed.render.cluster_errors import error_line


def apply_repairs(app: App, plan: Convergence, options: ConvergeOptions, *, yes: bool) -> int:
    """Apply what is confirmed; the number of repairs applied without an error."""
    if not plan.repairs and not plan.pending:
        click.echo("doctor: nothing --fix can repair safely", err=True)
        return 0
    done = 0
    for repair in plan.repairs:
        if not _confirmed(repair.title, yes):
            continue
        results = _send(app, repair)
        failed = [r for r in results if r.error is not None]
        for result in failed:
            assert result.error is not None
            click.echo(error_line(result.cluster, result.error, repair.title), err=True)
        if not failed:
            done += 1
            click.echo(f"fixed: {repair.title}", err=True)
    for rollout in plan.pending:
        done += _finish(app, rollout, options, yes)
    return done


def _confirmed(title: str, yes: bool) -> bool:
    if yes or click.confirm(f"fix: {title}?", err=True, default=False):
        return True
    click.echo(f"skipped: {title}", err=True)
    return False


def _finish(app: App, rollout: PendingRollout, options: ConvergeOptions, yes: bool) -> int:
    title = (
        f"finish the rollout of {rollout.label} to {', '.join(rollout.missing)} "
        f"(wait for its address in {rollout.leader})"
    )
    if not _confirmed(title, yes):
        return 0
    scope = Scope(rollout.key[0], (INGRESS,), rollout.key[1])
    report = converge_pass(app, scope, options, wait=DEFAULT_WAIT_TIMEOUT)
    for unfinished in report.unfinished:
        click.echo(f"error: {unfinished.rollout.label}: {escaped(unfinished.reason)}", err=True)
    if report.unfinished or report.failed:
        return 0
    click.echo(f"fixed: {title}", err=True)
    return 1


def _send(app: App, repair: Repair) -> list[ClusterResult[None]]:
    by_cluster = {write.cluster: write for write in repair.writes}
    return app.fan_out(lambda c: _write(app, by_cluster[c]), clusters=list(by_cluster))


def _write(app: App, write: Write) -> None:
    send_write(app.backend(write.cluster), write)
