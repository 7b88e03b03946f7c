"""Which objects delete and unfederate act on: `KIND NAME…`, `KIND/NAME…`, `-f FILE`, or
`KIND` with `--all` / `-l SELECTOR` (then each member lists its own), with kubectl's checks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import click

from kubectl_fed.app import App
from kubectl_fed.commands.shared.served import note_unfederated
from kubectl_fed.commands.shared.writing import load_manifests
from kubectl_fed.core.kinds import Kind, resolve, resolve_list
from kubectl_fed.core.members.protocols import ClusterBackend
from kubectl_fed.core.members.results import ClusterResult
from kubectl_fed.core.model.label_selector import check_selector
from kubectl_fed.core.writes.member import selected_targets
from kubectl_fed.core.writes.plans import Target
from kubectl_fed.errors import UsageError

T = TypeVar("T")


@dataclass(frozen=True)
class Selection:
    """`VERB KIND --all` or `VERB KIND -l SELECTOR`, as typed."""

    resources: Sequence[str]
    filenames: Sequence[str]
    all_: bool
    selector: str | None


def on_selected(
    app: App, selection: Selection, act: Callable[[ClusterBackend, list[Target]], T]
) -> list[ClusterResult[T]]:
    """Each member acts on the objects of the selection it has; "No resources found" on stdout,
    as kubectl prints it, when no member has any."""
    kinds = selected_kinds(app, selection)
    namespace, selector = app.namespace or "default", selection.selector
    results = app.fan_out(
        lambda cluster: act(
            app.backend(cluster),
            selected_targets(app.backend(cluster), kinds, namespace, selector),
        ),
        calls=None,
    )
    if not any(r.value for r in results) and not any(r.error for r in results):
        click.echo("No resources found")
    return results


def selected_kinds(app: App, selection: Selection) -> list[Kind]:
    """The kinds of `VERB KIND --all` or `VERB KIND -l SELECTOR`."""
    resources, selector = selection.resources, selection.selector
    if selection.all_ and selector is not None:
        raise UsageError("setting 'all' parameter but found a non empty selector")
    if selection.filenames:
        raise UsageError("--all and -l select objects by kind: give KIND, not -f FILE")
    if not resources:
        raise UsageError("You must provide one or more resources by argument or filename.")
    if len(resources) > 1 or "/" in resources[0]:
        raise UsageError("name cannot be provided when a selector or --all is specified")
    check_selector(selector, ())
    kinds = resolve_list(resources[0], app.served_alias)
    note_unfederated(kinds)
    return kinds


def named_targets(
    app: App, resources: Sequence[str], filenames: Sequence[str], recursive: bool, verb: str
) -> list[Target]:
    """The objects named by arguments or by -f manifests, in the namespace they say."""
    if resources and filenames:
        raise UsageError("give either KIND NAME… or -f FILE, not both")
    if filenames:
        manifests = load_manifests(app, filenames, verb, recursive)
        return [Target(m.kind, m.namespace, m.name) for m in manifests]
    if not resources:
        raise UsageError("You must provide one or more resources by argument or filename.")
    namespace = app.namespace or "default"
    if all("/" in resource for resource in resources):
        targets = [_slash_target(app, resource, namespace) for resource in resources]
        note_unfederated(target.kind for target in targets)
        return targets
    kinds, names = resolve_list(resources[0], app.served_alias), resources[1:]
    if not names:
        raise UsageError("resource(s) were provided, but no name was specified")
    if any("/" in name for name in names):
        raise UsageError(
            "there is no need to specify a resource type as a separate argument when passing "
            "arguments in resource/name form"
        )
    note_unfederated(kinds)
    return [Target(kind, namespace, name) for kind in kinds for name in dict.fromkeys(names)]


def _slash_target(app: App, resource: str, namespace: str) -> Target:
    alias, _, name = resource.partition("/")
    if not name:
        raise UsageError(
            f'arguments in resource/name form must have a single resource and name: "{resource}"'
        )
    return Target(resolve(alias, app.served_alias), namespace, name)
