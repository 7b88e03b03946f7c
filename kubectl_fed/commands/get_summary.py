"""`get --summary`: print one row per federated object, then the usual error lines."""

from __future__ import annotations

from collections.abc import Sequence

import click

from kubectl_fed.app import App
from kubectl_fed.core.reads import Found, Query, assemble
from kubectl_fed.core.results import ClusterResult
from kubectl_fed.core.summary import summary_rows
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
    if text:
        click.echo(text)
    elif not query.names:
        where = f" in {query.namespace} namespace" if query.namespace is not None else ""
        click.echo(f"No resources found{where}.", err=True)
    status = app.report(results)
    for target in view.not_found:
        missing = f'{target.kind.qualified_plural} "{target.name}"'
        click.echo(f"error: {missing} not found in any member cluster", err=True)
    return ExitStatus.FAILED if view.not_found and status is ExitStatus.OK else status
