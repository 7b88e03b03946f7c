"""`get --summary`: print one row per federated object, then the usual error lines."""

from __future__ import annotations

from collections.abc import Sequence

import click

from kubectl_fed.app import App
from kubectl_fed.core.escaping import escaped
from kubectl_fed.core.members.results import ClusterResult
from kubectl_fed.core.status.listing import Found, Query, View, assemble
from kubectl_fed.core.status.summary import summary_rows
from kubectl_fed.errors import UsageError
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.render.summary import summary_table


def check_summary(output: str, watch: bool) -> None:
    if watch or output not in ("table", "wide"):
        raise UsageError("--summary prints a table: use it without --watch and -o json|yaml|name")


def show_summary(
    app: App, query: Query, results: Sequence[ClusterResult[list[Found]]]
) -> ExitStatus:
    view = assemble(results, query)
    rows = summary_rows(view.entries, len(app.members))
    text = summary_table(rows, all_namespaces=query.namespace is None)
    shares, warnings = _shares(query, view)
    if text:
        click.echo(f"{text}\n\n{shares}" if shares else text)
    elif not query.names:
        where = f" in {query.namespace} namespace" if query.namespace is not None else ""
        click.echo(f"No resources found{where}.", err=True)
    for line in warnings:
        click.echo(f"warning: {escaped(line)}", err=True)
    status = app.report(results)
    for target in view.not_found:
        missing = f'{target.kind.qualified_plural} "{target.name}"'
        click.echo(f"error: {missing} not found in any member cluster", err=True)
    return ExitStatus.FAILED if view.not_found and status is ExitStatus.OK else status


def _shares(query: Query, view: View) -> tuple[str, list[str]]:
    """Each federated ReplicaSet's desired and planned share per member and its total; a
    warning per ReplicaSet whose members' replicas do not add up to that total."""
    if not any(kind.splits_replicas for kind in query.kinds):
        return "", []
    from kubectl_fed.core.status.replica_summary import share_rows, total_mismatches
    from kubectl_fed.render.replica_summary import share_table

    rows = share_rows(view.entries)
    return share_table(rows, all_namespaces=query.namespace is None), total_mismatches(rows)
