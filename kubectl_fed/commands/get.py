"""`kubectl fed get KIND[,KIND] [NAME…]`: every member's objects in one view."""

from __future__ import annotations

import time
from collections.abc import Sequence

import click

from kubectl_fed.app import App
from kubectl_fed.core.kinds import INGRESS, REPLICASET, resolve_list
from kubectl_fed.core.label_selector import check_selector
from kubectl_fed.core.reads import Entry, Found, Query, View, assemble, read_member
from kubectl_fed.core.results import ClusterResult, Reason
from kubectl_fed.core.settings import Settings
from kubectl_fed.errors import UsageError
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.options import global_options
from kubectl_fed.render.escaping import escaped
from kubectl_fed.render.tables import render_tables

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
    "--summary", is_flag=True, help="One row per object: members that have it, common address."
)
@global_options()
def get(
    kinds: str,
    names: Sequence[str],
    selector: str | None,
    watch: bool,
    summary: bool,
    settings: Settings,
) -> ExitStatus:
    """Show federated objects as every member cluster has them.

    A row per member: an object missing from a member shows there as <missing>.

    \b
    Examples:
      kubectl fed get ingress
      kubectl fed get svc,rs -l app=nginx -o wide
      kubectl fed get ing myingress -o json
    """
    if watch and settings.output not in ("table", "wide"):
        raise UsageError("--watch prints table rows: use -o table or -o wide")
    if summary:
        from kubectl_fed.commands.get_summary import check_summary

        check_summary(settings.output, watch)
    query = _query(kinds, names, selector, settings)
    app = App(settings)
    query = Query(query.kinds, query.names, app.namespace, query.selector)
    results = _read(app, query)
    if summary:
        from kubectl_fed.commands.get_summary import show_summary

        return show_summary(app, query, results)
    status = _show(app, query, results)
    if watch:
        return _watch(app, query, results)
    return status


def _query(kinds: str, names: Sequence[str], selector: str | None, settings: Settings) -> Query:
    if names and settings.all_namespaces:
        raise UsageError("a resource cannot be retrieved by name across all namespaces")
    check_selector(selector, names)
    return Query(tuple(resolve_list(kinds)), tuple(dict.fromkeys(names)), None, selector)


def _read(app: App, query: Query) -> list[ClusterResult[list[Found]]]:
    calls = len(query.kinds) * max(1, len(query.names)) + 1
    return app.fan_out(lambda cluster: read_member(app.backend(cluster), query), calls=calls)


def _show(app: App, query: Query, results: list[ClusterResult[list[Found]]]) -> ExitStatus:
    view = assemble(results, query)
    output = app.settings.output
    if output in ("json", "yaml", "name"):
        _print_machine_output(app, results, view)
    else:
        _print_tables(app, query, view)
    status = app.report(results)
    for target in view.not_found:
        missing = f'{target.kind.qualified_plural} "{target.name}"'
        click.echo(f"error: {missing} not found in any member cluster", err=True)
    return ExitStatus.FAILED if view.not_found and status is ExitStatus.OK else status


def _print_machine_output(app: App, results: list[ClusterResult[list[Found]]], view: View) -> None:
    from kubectl_fed.render import machine  # JSON/YAML only: tables do without it

    output = app.settings.output
    if output == "name":
        refs = [e.kind.ref(e.name) for e in view.entries if e.obj is not None]
        if refs:
            click.echo(machine.names(refs))
        return
    document = machine.view_document(results, view, app.members)
    click.echo(machine.to_json(document) if output == "json" else machine.to_yaml(document))


def _print_tables(app: App, query: Query, view: View) -> None:
    text = _tables(app, query, view.entries)
    shares, warnings = _share_table(query, view) if REPLICASET in query.kinds else ("", [])
    if text:
        click.echo(f"{text}\n\n{shares}" if shares else text)
    elif not query.names:
        where = f" in {query.namespace} namespace" if query.namespace is not None else ""
        click.echo(f"No resources found{where}.", err=True)
    if INGRESS in query.kinds:
        from kubectl_fed.core.status_ingress import unfinished_rollouts

        warnings += unfinished_rollouts(view.entries)
    for line in warnings:
        click.echo(f"warning: {escaped(line)}", err=True)


def _share_table(query: Query, view: View) -> tuple[str, list[str]]:
    """ReplicaSets' desired and planned shares (imported only when ReplicaSets are shown),
    and a warning per ReplicaSet whose members' replicas do not add up to its total."""
    from kubectl_fed.core.replica_summary import share_rows, total_mismatches
    from kubectl_fed.render.replica_summary import share_table

    rows = share_rows(view.entries)
    table = share_table(rows, all_namespaces=query.namespace is None)
    return table, total_mismatches(rows)


def _tables(app: App, query: Query, entries: Sequence[Entry], headers: bool = True) -> str:
    return render_tables(
        entries,
        query.kinds,
        wide=app.settings.output == "wide",
        all_namespaces=query.namespace is None,
        headers=headers,
    )


def _watch(app: App, query: Query, previous: list[ClusterResult[list[Found]]]) -> ExitStatus:
    """Poll every member; print the rows that changed since the last round. Ctrl-C ends."""
    seen = _versions(assemble(previous, query))
    try:
        while True:
            time.sleep(WATCH_INTERVAL_SECONDS)
            results = _read(app, query)
            if any(r.error and r.error.reason is Reason.INTERRUPTED for r in results):
                return ExitStatus.OK
            seen = _print_changes(app, query, assemble(results, query), seen)
    except KeyboardInterrupt:
        return ExitStatus.OK


def _print_changes(
    app: App, query: Query, view: View, seen: dict[RowKey, str]
) -> dict[RowKey, str]:
    current = _versions(view)
    changed = [entry for entry in view.entries if seen.get(_key(entry)) != current[_key(entry)]]
    if changed:
        click.echo(_tables(app, query, changed, headers=False))
    return current


def _key(entry: Entry) -> RowKey:
    return (entry.cluster, entry.kind.plural, entry.namespace, entry.name)


def _versions(view: View) -> dict[RowKey, str]:
    """Each row's resourceVersion ("" for a missing object), in row order."""
    return {
        _key(entry): str(((entry.obj or {}).get("metadata") or {}).get("resourceVersion", ""))
        for entry in view.entries
    }
