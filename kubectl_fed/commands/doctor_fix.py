"""`doctor --fix`: apply the planned safe repairs, each confirmed on stderr unless --yes."""

from __future__ import annotations

from collections.abc import Sequence

import click

from kubectl_fed.app import App
from kubectl_fed.core.doctor.repairs import Repair, Write
from kubectl_fed.core.replica_moves import write_move
from kubectl_fed.core.results import ClusterResult
from kubectl_fed.render.cluster_errors import error_line


def apply_repairs(app: App, repairs: Sequence[Repair], *, yes: bool) -> int:
    """Apply what is confirmed; the number of repairs applied without an error."""
    if not repairs:
        click.echo("doctor: nothing --fix can repair safely", err=True)
        return 0
    done = 0
    for repair in repairs:
        if not yes and not click.confirm(f"fix: {repair.title}?", err=True, default=False):
            click.echo(f"skipped: {repair.title}", err=True)
            continue
        results = _send(app, repair)
        failed = [r for r in results if r.error is not None]
        for result in failed:
            assert result.error is not None
            click.echo(error_line(result.cluster, result.error, repair.title), err=True)
        if not failed:
            done += 1
            click.echo(f"fixed: {repair.title}", err=True)
    return done


def _send(app: App, repair: Repair) -> list[ClusterResult[None]]:
    by_cluster = {write.cluster: write for write in repair.writes}
    return app.fan_out(lambda c: _write(app, by_cluster[c]), clusters=list(by_cluster))


def _write(app: App, write: Write) -> None:
    backend = app.backend(write.cluster)
    if write.action == "move":
        assert write.move is not None
        write_move(backend, write.move, write.total)
    elif write.action == "create":
        assert write.obj is not None
        backend.create(write.obj)
    else:
        assert write.obj is not None
        backend.replace(write.obj)
