"""`kubectl fed scale rs NAME --replicas N`."""

from __future__ import annotations

from collections.abc import Sequence

import click

from kubectl_fed.commands.replicas.moves import move_replicas, split_object
from kubectl_fed.commands.shared.writing import dry_run_option
from kubectl_fed.core.model.limits import INT32_MAX
from kubectl_fed.core.settings import Settings
from kubectl_fed.core.writes.plans import DryRun
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.options import global_options


@click.command()
@click.argument("resources", nargs=-1, metavar="rs NAME|rs/NAME")
@click.option(
    "--replicas",
    type=click.IntRange(min=0, max=INT32_MAX),
    required=True,
    help="The new federation-wide number of replicas.",
)
@dry_run_option
@global_options(("table",))
def scale(resources: Sequence[str], replicas: int, dry_run: str, settings: Settings) -> ExitStatus:
    """Set a federated ReplicaSet's or Deployment's total and split it over the members again.

    Shares follow the replica-set-preferences annotation; members that cannot be reached
    get none. Prints each member's replicas before and after.

    \b
    Examples:
      kubectl fed scale rs nginx --replicas 12
      kubectl fed scale rs/nginx --replicas 0 --dry-run
    """
    kind, name = split_object("scale", resources)
    return move_replicas(
        settings, kind, name, total=replicas, rebalance=None, dry_run=DryRun(dry_run), word="scaled"
    )
