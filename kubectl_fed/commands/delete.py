"""`kubectl fed delete KIND NAME… | KIND/NAME… | -f FILE`."""

from __future__ import annotations

from collections.abc import Sequence

import click

from kubectl_fed.app import App
from kubectl_fed.commands.writing import (
    MUTATING_OUTPUTS,
    dry_run_option,
    filename_options,
    load_manifests,
    report,
)
from kubectl_fed.core.kinds import resolve, resolve_list
from kubectl_fed.core.plans import DryRun, Target
from kubectl_fed.core.progress import progress_for, with_progress
from kubectl_fed.core.settings import Settings
from kubectl_fed.core.writes import delete_member
from kubectl_fed.errors import UsageError
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.options import DURATION, global_options


@click.command()
@click.argument("resources", nargs=-1, metavar="[KIND NAME…|KIND/NAME…]")
@filename_options(required=False)
@dry_run_option
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
    wait: bool,
    timeout: float,
    settings: Settings,
) -> ExitStatus:
    """Delete federated objects from every member cluster.

    A member where an object does not exist reports NotFound for it.

    \b
    Examples:
      kubectl fed delete ingress myingress
      kubectl fed delete svc/nginx rs/nginx
      kubectl fed delete -f myingress.yaml --wait=false
    """
    app = App(settings)
    if settings.all_namespaces:
        raise UsageError("--all-namespaces cannot be used with delete")
    targets = _targets(app, resources, filenames, recursive)
    mode = DryRun(dry_run)
    wait_seconds = timeout if wait else None
    progress = progress_for({cluster: targets for cluster in app.members})
    results = app.fan_out(
        lambda c: delete_member(app.backend(c), targets, mode, wait_seconds, progress=progress[c]),
        calls=None if wait else 2 * len(targets) + 1,
    )
    return report(with_progress(results, progress), mode, settings)


def _targets(
    app: App, resources: Sequence[str], filenames: Sequence[str], recursive: bool
) -> list[Target]:
    if resources and filenames:
        raise UsageError("give either KIND NAME… or -f FILE, not both")
    if filenames:
        manifests = load_manifests(app, filenames, "delete", recursive)
        return [Target(m.kind, m.namespace, m.name) for m in manifests]
    if not resources:
        raise UsageError("You must provide one or more resources by argument or filename.")
    namespace = app.namespace or "default"
    if all("/" in resource for resource in resources):
        return [_slash_target(resource, namespace) for resource in resources]
    kinds, names = resolve_list(resources[0]), resources[1:]
    if not names:
        raise UsageError("resource(s) were provided, but no name was specified")
    if any("/" in name for name in names):
        raise UsageError(
            "there is no need to specify a resource type as a separate argument when passing "
            "arguments in resource/name form"
        )
    return [Target(kind, namespace, name) for kind in kinds for name in dict.fromkeys(names)]


def _slash_target(resource: str, namespace: str) -> Target:
    alias, _, name = resource.partition("/")
    if not name:
        raise UsageError(
            f'arguments in resource/name form must have a single resource and name: "{resource}"'
        )
    return Target(resolve(alias), namespace, name)
