"""`kubectl fed delete KIND NAME… | KIND/NAME… | -f FILE`."""

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
from kubectl_fed.core.writes.member import DeleteOptions, delete_member
from kubectl_fed.core.writes.plans import DryRun
from kubectl_fed.core.writes.progress import progress_for, with_progress
from kubectl_fed.errors import UsageError
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.options import DURATION, global_options

CASCADES = {
    "background": "Background",
    "foreground": "Foreground",
    "orphan": "Orphan",
    "true": "Background",  # kubectl's older spellings
    "false": "Orphan",
}


@click.command()
@click.argument("resources", nargs=-1, metavar="[KIND NAME…|KIND/NAME…]")
@filename_options(required=False)
@dry_run_option
@click.option(
    "--all", "all_", is_flag=True, help="Delete every object of the kinds, in each member."
)
@click.option(
    "-l", "--selector", default=None, help="Delete the objects matching it in each member."
)
@click.option(
    "--ignore-not-found",
    is_flag=True,
    help="A member without the object is not an error (nothing is printed for it).",
)
@click.option(
    "--cascade",
    type=click.Choice(list(CASCADES)),
    default="background",
    is_flag=False,
    flag_value="background",
    help="What happens to dependents in each member: background (default), foreground, or "
    "orphan (a ReplicaSet's pods stay).",
)
@click.option(
    "--grace-period",
    type=click.IntRange(min=-1),
    default=-1,
    help="Seconds each object gets to terminate; -1 (default): the object's own.",
)
@click.option(
    "--wait/--no-wait",
    default=True,
    help="Return only when the objects are gone everywhere (default; --wait=false returns at "
    "once).",
)
@click.option(
    "--timeout",
    type=DURATION,
    default=60.0,
    metavar="DURATION",
    help="How long --wait waits in each cluster (default 60s).",
)
@global_options(MUTATING_OUTPUTS)
def delete(
    resources: Sequence[str],
    filenames: Sequence[str],
    recursive: bool,
    dry_run: str,
    all_: bool,
    selector: str | None,
    ignore_not_found: bool,
    cascade: str,
    grace_period: int,
    wait: bool,
    timeout: float,
    settings: Settings,
) -> ExitStatus:
    """Delete federated objects from every member cluster.

    A member where an object does not exist reports NotFound for it (unless
    --ignore-not-found). With --all or -l, each member deletes what it has.

    \b
    Examples:
      kubectl fed delete ingress myingress
      kubectl fed delete svc/nginx rs/nginx
      kubectl fed delete rs -l app=nginx --cascade=orphan
      kubectl fed delete -f myingress.yaml --wait=false
    """
    app = App(settings)
    if settings.all_namespaces:
        raise UsageError("--all-namespaces cannot be used with delete")
    mode = DryRun(dry_run)
    options = DeleteOptions(
        dry_run=mode,
        wait_seconds=timeout if wait else None,
        propagation=CASCADES[cascade],
        grace_period=None if grace_period < 0 else max(grace_period, 1),
        ignore_not_found=ignore_not_found or all_ or selector is not None,
    )
    if all_ or selector is not None:
        selection = Selection(resources, filenames, all_, selector)
        results = on_selected(app, selection, lambda b, t: delete_member(b, t, options))
        return report(results, mode, settings)
    targets = named_targets(app, resources, filenames, recursive, "delete")
    progress = progress_for({cluster: targets for cluster in app.members})
    results = app.fan_out(
        lambda c: delete_member(app.backend(c), targets, options, progress=progress[c]),
        calls=None if wait else 2 * len(targets) + 1,
    )
    return report(with_progress(results, progress), mode, settings)
