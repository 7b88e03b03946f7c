"""`kubectl fed get KIND[,KIND] [NAME…]`: every member's objects in one view."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import click

from kubectl_fed.app import App
from kubectl_fed.commands.shared.served import note_unfederated
from kubectl_fed.core.escaping import escaped
from kubectl_fed.core.kinds import INGRESS, resolve_list
from kubectl_fed.core.members.results import ClusterResult, Reason
from kubectl_fed.core.model.label_selector import check_selector
from kubectl_fed.core.model.objects import is_federated, metadata_of
from kubectl_fed.core.settings import TEMPLATE_FORMATS, Settings
from kubectl_fed.core.status.listing import Entry, Found, Query, View, assemble, read_member
from kubectl_fed.errors import UsageError
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.options import global_options
from kubectl_fed.render.tables import Labels, render_tables

if TYPE_CHECKING:
    from kubectl_fed.commands.shared.output_formats import TemplateOutput
    from kubectl_fed.core.status.replica_summary import ShareRow

WATCH_INTERVAL_SECONDS = 2.0
RowKey = tuple[str, str, str, str]  # cluster, plural, namespace, name


@click.command()
@click.argument("kinds", metavar="KIND[,KIND…]")
@click.argument("names", nargs=-1)
@click.option("-l", "--selector", default=None, help="Label selector, e.g. app=nginx.")
@click.option(
    "-w", "--watch", is_flag=True, help="Keep printing rows as they change (Ctrl-C ends)."
)
@click.option(
    "--summary",
    is_flag=True,
    help="One row per object: members that have it, common address; then each federated "
    "ReplicaSet's desired and planned share per member.",
)
@click.option("--show-labels", is_flag=True, help="Add a LABELS column (all labels).")
@click.option(
    "-L",
    "--label-columns",
    multiple=True,
    metavar="KEY[,KEY…]",
    help="Add a column per label key; repeatable.",
)
@click.option(
    "--sort-by",
    default=None,
    metavar="JSONPATH",
    help="Order the rows by a field of each member's object, e.g. .metadata.name.",
)
@click.option("--no-headers", is_flag=True, help="Print table rows without the header line.")
@global_options(templates=TEMPLATE_FORMATS)
def get(
    kinds: str,
    names: Sequence[str],
    selector: str | None,
    watch: bool,
    summary: bool,
    show_labels: bool,
    label_columns: Sequence[str],
    sort_by: str | None,
    no_headers: bool,
    settings: Settings,
) -> ExitStatus:
    """Show federated objects as every member cluster has them.

    A row per member: an object missing from a member shows there as <missing>.

    \b
    Examples:
      kubectl fed get ingress
      kubectl fed get svc,rs -l app=nginx -o wide
      kubectl fed get ing myingress -o json
      kubectl fed get rs -o jsonpath='{.items[*].cluster}'
      kubectl fed get svc -o custom-columns=NAME:.metadata.name,IP:.spec.clusterIP
    """
    look = _look(settings.output, show_labels, label_columns, sort_by, no_headers)
    if watch and settings.output not in ("table", "wide"):
        raise UsageError("--watch prints table rows: use -o table or -o wide")
    if summary:
        from kubectl_fed.commands.get.summary import check_summary

        check_summary(settings.output, watch)
    app = App(settings)
    query = _query(kinds, names, selector, settings, app)
    note_unfederated(query.kinds)
    query = Query(query.kinds, query.names, app.namespace, query.selector)
    results = _read(app, query)
    if summary:
        from kubectl_fed.commands.get.summary import show_summary

        return show_summary(app, query, results)
    status = _show(app, query, results, look)
    if watch:
        return _watch(app, query, results, look)
    return status


@dataclass(frozen=True)
class Look:
    """How the rows are shown: kubectl's table options, or a template format."""

    labels: Labels
    sort_by: str | None = None
    headers: bool = True
    template: TemplateOutput | None = None


def _look(
    output: str,
    show_labels: bool,
    label_columns: Sequence[str],
    sort_by: str | None,
    no_headers: bool,
) -> Look:
    """The options checked before any request: a bad path or template is exit 2."""
    keys = tuple(key.strip() for text in label_columns for key in text.split(",") if key.strip())
    template = None
    if "=" in output:
        from kubectl_fed.commands.shared.output_formats import template_output

        template = template_output(output)
    if sort_by is not None:
        from kubectl_fed.render.jsonpath import TemplateError, find

        try:
            find(sort_by, {})
        except TemplateError as err:
            raise UsageError(f"--sort-by: {escaped(str(err))}") from None
    return Look(Labels(keys, show_labels), sort_by, not no_headers, template)


def _query(
    kinds: str, names: Sequence[str], selector: str | None, settings: Settings, app: App
) -> Query:
    if names and settings.all_namespaces:
        raise UsageError("a resource cannot be retrieved by name across all namespaces")
    check_selector(selector, names)
    found = resolve_list(kinds, app.served_alias)
    return Query(tuple(found), tuple(dict.fromkeys(names)), None, selector)


def _read(app: App, query: Query) -> list[ClusterResult[list[Found]]]:
    calls = len(query.kinds) * max(1, len(query.names)) + 1
    return app.fan_out(lambda cluster: read_member(app.backend(cluster), query), calls=calls)


def _show(
    app: App, query: Query, results: list[ClusterResult[list[Found]]], look: Look
) -> ExitStatus:
    view = _sorted(assemble(results, query), look)
    output = app.settings.output
    if look.template is not None:
        _print_template(app, results, view, look.template, look.headers)
    elif output in ("json", "yaml", "name"):
        _print_machine_output(app, results, view)
    else:
        _print_tables(app, query, view, look)
    status = app.report(results)
    for target in view.not_found:
        missing = f'{target.kind.qualified_plural} "{target.name}"'
        click.echo(f"error: {missing} not found in any member cluster", err=True)
    return ExitStatus.FAILED if view.not_found and status is ExitStatus.OK else status


def _sorted(view: View, look: Look) -> View:
    if look.sort_by is None:
        return view
    from kubectl_fed.render.sort_by import sort_entries

    return replace(view, entries=sort_entries(view.entries, look.sort_by))


def _print_template(
    app: App,
    results: list[ClusterResult[list[Found]]],
    view: View,
    template: TemplateOutput,
    headers: bool,
) -> None:
    from kubectl_fed.commands.shared.output_formats import print_document
    from kubectl_fed.render import machine

    document = machine.view_document(results, view, app.members)
    print_document(document, app.settings.output, template, view.entries, headers)


def _print_machine_output(app: App, results: list[ClusterResult[list[Found]]], view: View) -> None:
    from kubectl_fed.commands.shared.output_formats import print_document
    from kubectl_fed.render import machine  # JSON/YAML only: tables do without it

    if app.settings.output == "name":
        refs = [e.kind.ref(e.name) for e in view.entries if e.obj is not None]
        if refs:
            click.echo(machine.names(refs))
        return
    print_document(machine.view_document(results, view, app.members), app.settings.output, None)


def _print_tables(app: App, query: Query, view: View, look: Look) -> None:
    shares = _shares(query, view)
    text = _tables(app, query, view.entries, look, headers=look.headers, shares=shares)
    if text:
        click.echo(text)
    elif not query.names:
        where = f" in {query.namespace} namespace" if query.namespace is not None else ""
        click.echo(f"No resources found{where}.", err=True)
    warnings = _mismatches(shares)
    if _federated_ingresses(view.entries):  # else the rollout code stays unimported
        from kubectl_fed.core.status.ingress import unfinished_rollouts

        warnings += unfinished_rollouts(view.entries)
    for line in warnings:
        click.echo(f"warning: {escaped(line)}", err=True)


def _federated_ingresses(entries: Sequence[Entry]) -> bool:
    return any(
        entry.kind == INGRESS and entry.obj is not None and is_federated(entry.obj)
        for entry in entries
    )


def _shares(query: Query, view: View) -> list[ShareRow]:
    """Federated ReplicaSets' desired and planned shares, when ReplicaSets are shown."""
    if not any(kind.splits_replicas for kind in query.kinds):
        return []
    from kubectl_fed.core.status.replica_summary import share_rows

    return share_rows(view.entries)


def _mismatches(shares: Sequence[ShareRow]) -> list[str]:
    """A line per ReplicaSet whose members' replicas do not add up to its total."""
    if not shares:
        return []  # and the ReplicaSet planning code stays unimported
    from kubectl_fed.core.status.replica_summary import total_mismatches

    return total_mismatches(shares)


def _tables(
    app: App,
    query: Query,
    entries: Sequence[Entry],
    look: Look,
    headers: bool = True,
    shares: Sequence[ShareRow] = (),
) -> str:
    return render_tables(
        entries,
        query.kinds,
        wide=app.settings.output == "wide",
        all_namespaces=query.namespace is None,
        headers=headers,
        shares=shares,
        labels=look.labels,
    )


def _watch(
    app: App, query: Query, previous: list[ClusterResult[list[Found]]], look: Look
) -> ExitStatus:
    """Poll every member; print the rows that changed since the last round. Ctrl-C ends."""
    seen = _versions(assemble(previous, query))
    try:
        while True:
            time.sleep(WATCH_INTERVAL_SECONDS)
            results = _read(app, query)
            if any(r.error and r.error.reason is Reason.INTERRUPTED for r in results):
                return ExitStatus.OK
            seen = _print_changes(app, query, _sorted(assemble(results, query), look), seen, look)
    except KeyboardInterrupt:
        return ExitStatus.OK


def _print_changes(
    app: App, query: Query, view: View, seen: dict[RowKey, str], look: Look
) -> dict[RowKey, str]:
    current = _versions(view)
    changed = [entry for entry in view.entries if seen.get(_key(entry)) != current[_key(entry)]]
    if changed:
        click.echo(_tables(app, query, changed, look, headers=False, shares=_shares(query, view)))
    return current


def _key(entry: Entry) -> RowKey:
    return (entry.cluster, entry.kind.plural, entry.namespace, entry.name)


def _versions(view: View) -> dict[RowKey, str]:
    """Each row's resourceVersion ("" for a missing object), in row order."""
    return {
        _key(entry): str(metadata_of(entry.obj).get("resourceVersion", ""))
        for entry in view.entries
    }
