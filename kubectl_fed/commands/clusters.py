"""`kubectl fed clusters`: every selected member, probed in parallel."""

from __future__ import annotations

from dataclasses import dataclass

import click

from kubectl_fed.app import App
from kubectl_fed.core.members.results import ClusterResult
from kubectl_fed.core.settings import Settings
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.options import global_options
from kubectl_fed.render.clusters import ACTIVE, ProbedCluster, document, serialize, table


@dataclass(frozen=True)
class Probe:
    version: str
    zones: tuple[str, ...]
    glbc_uid: str | None


@click.command()
@global_options(outputs=("table", "json", "yaml"))
def clusters(settings: Settings) -> ExitStatus:
    """List the member clusters with their status, version, zones and GLBC UID.

    \b
    Examples:
      kubectl fed clusters
      kubectl fed clusters --clusters 'us-*' -o json
    """
    app = App(settings)
    app.members  # noqa: B018 - resolves the selection (usage errors) before any request

    def probe(cluster: str) -> Probe:
        backend = app.backend(cluster)
        version = backend.server_version()
        return Probe(version, tuple(backend.list_zones()), backend.ingress_uid())

    results = app.fan_out(probe)
    rows = [_row(app.server(result.cluster), result) for result in results]
    if settings.output == "table":
        click.echo(table(rows))
    else:
        click.echo(serialize(document(app.federation, rows), settings.output))
    return app.report(results)


def _row(server: str, result: ClusterResult[Probe]) -> ProbedCluster:
    if result.error is not None or result.value is None:
        reason = result.error.reason.value if result.error else "Unknown"
        message = result.error.message if result.error else None
        return ProbedCluster(result.cluster, server, reason, message=message)
    probe = result.value
    return ProbedCluster(result.cluster, server, ACTIVE, probe.version, probe.zones, probe.glbc_uid)
