"""`kubectl fed unfederate KIND NAME… | KIND/NAME… | -f FILE`."""

from __future__ import annotations

from collections.abc import Sequence

import click

from kubectl_fed.app import App
from kubectl_fed.commands.shared.targets import Selection, named_targets, on_selected
from kubectl_fed.commands.shared.writing import (
    MUTATING_OUTPUTS,
    dry_run_option,
    filename_options,
    report,
)
from kubectl_fed.core.settings import Settings
from kubectl_fed.core.writes.plans import DryRun
from kubectl_fed.core.writes.progress import progress_for, with_progress
from kubectl_fed.core.writes.unfederate import MAX_ATTEMPTS, unfederate_member
from kubectl_fed.errors import UsageError
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.options import global_options


@click.command()
@click.argument("resources", nargs=-1, metavar="[KIND NAME…|KIND/NAME…]")
@filename_options(required=False)
@dry_run_option
@click.option("--all", "all_", is_flag=True, help="Every object of the kinds, in each member.")
@click.option("-l", "--selector", default=None, help="The objects matching it in each member.")
@click.option(
    "--ignore-not-found",
    is_flag=True,
    help="A member without the object is not an error (nothing is printed for it).",
)
@global_options(MUTATING_OUTPUTS)
def unfederate(
    resources: Sequence[str],
    filenames: Sequence[str],
    recursive: bool,
    dry_run: str,
    all_: bool,
    selector: str | None,
    ignore_not_found: bool,
    settings: Settings,
) -> ExitStatus:
    """Make the federation forget objects: its markers leave every member's copy, the copies stay.

    The label app.kubernetes.io/managed-by=kubectl-fed and the kubectl-fed.io/
    annotations are removed; each copy keeps its spec, its pods and its address,
    and reconcile, scale and rebalance no longer touch it. What Federation v1 did
    when a federated object was deleted with its dependents orphaned.

    \b
    Examples:
      kubectl fed unfederate ingress myingress
      kubectl fed unfederate svc/nginx rs/nginx --clusters europe-west1
      kubectl fed unfederate -f examples/myreplicaset.yaml --dry-run=server
    """
    app = App(settings)
    if settings.all_namespaces:
        raise UsageError("--all-namespaces cannot be used with unfederate")
    mode = DryRun(dry_run)
    if all_ or selector is not None:
        selection = Selection(resources, filenames, all_, selector)
        results = on_selected(app, selection, lambda b, t: unfederate_member(b, t, mode, True))
        return report(results, mode, settings)
    targets = named_targets(app, resources, filenames, recursive, "unfederate")
    progress = progress_for({cluster: targets for cluster in app.members})
    results = app.fan_out(
        lambda c: unfederate_member(app.backend(c), targets, mode, ignore_not_found, progress[c]),
        calls=2 * MAX_ATTEMPTS * len(targets) + 1,
    )
    return report(with_progress(results, progress), mode, settings)
