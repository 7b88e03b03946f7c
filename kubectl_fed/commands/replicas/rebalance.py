"""`kubectl fed rebalance rs NAME`."""

from __future__ import annotations

from collections.abc import Sequence

import click

from kubectl_fed.commands.replicas.moves import move_replicas, split_object
from kubectl_fed.commands.shared.writing import dry_run_option
from kubectl_fed.core.settings import Settings
from kubectl_fed.core.writes.plans import DryRun
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.options import global_options


@click.command()
@click.argument("resources", nargs=-1, metavar="rs NAME|rs/NAME")
@dry_run_option
@global_options(("table",))
def rebalance(resources: Sequence[str], dry_run: str, settings: Settings) -> ExitStatus:
    """Split a ReplicaSet's or Deployment's replicas again over the members available now.

    Members that cannot be reached get none: their share moves to the others. What a
    member cannot run (its pods Pending, Unschedulable) is also given to the others. Once
    a member is back, rebalancing again returns its share as the preferences say. The
    total is the one recorded on the members (annotation kubectl-fed.io/total-replicas).
    A member that does not answer (unreachable, timeout) is named in a note and the
    exit status stays 0.

    \b
    Examples:
      kubectl fed rebalance rs nginx
      kubectl fed rebalance rs/nginx --dry-run
    """
    kind, name = split_object("rebalance", resources)
    return move_replicas(
        settings,
        kind,
        name,
        total=None,
        rebalance=True,
        dry_run=DryRun(dry_run),
        word="rebalanced",
        unreachable_ok=True,
    )
