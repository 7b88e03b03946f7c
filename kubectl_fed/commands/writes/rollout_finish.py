"""`create`/`apply` of a Service finish the Ingress rollouts that wait for it.

An Ingress created before its Service is left on its leader member only, marked as a
pending rollout (GLBC cannot build its load balancer without the Service). Writing one
of its backend Services is the moment it can go on: the leader gets its address, and
the converge engine writes the other members' copies.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from kubectl_fed.app import App
from kubectl_fed.commands.writes.converge import PassReport, Scope, converge_pass
from kubectl_fed.core.converge.plan import ConvergeOptions
from kubectl_fed.core.doctor.facts import object_label
from kubectl_fed.core.escaping import escaped
from kubectl_fed.core.ingress.rollout import annotation
from kubectl_fed.core.kinds import INGRESS, SERVICE
from kubectl_fed.core.manifests.load import Manifest
from kubectl_fed.core.model.markers import ROLLOUT_PENDING_ANNOTATION
from kubectl_fed.core.model.objects import Key, name_of
from kubectl_fed.core.status.ingress import backend_services
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.render.cluster_errors import error_line
from kubectl_fed.render.lines import result_line


def finish_rollouts(
    app: App,
    manifests: Sequence[Manifest],
    options: ConvergeOptions,
    wait_timeout: float,
    quiet: bool = False,
) -> ExitStatus | None:
    """Finish the pending rollouts whose backend Services `manifests` wrote; the exit
    status when one is still unfinished, else None. `quiet` keeps stdout for `-o`'s
    output: the result lines go to stderr."""
    services = {(m.namespace, m.name) for m in manifests if m.kind == SERVICE}
    keys = waiting_for(app, services)
    status = None
    for key in keys:
        scope = Scope(key[0], (INGRESS,), key[1])
        report = converge_pass(app, scope, options, wait=wait_timeout)
        _show(report, key, quiet)
        if report.unfinished or report.failed:
            status = ExitStatus.PARTIAL
    return status


def waiting_for(app: App, services: set[Key]) -> list[Key]:
    """The pending rollouts (ingress keys) that send traffic to one of `services`."""
    namespaces = sorted({namespace for namespace, _name in services})
    if not namespaces:
        return []

    def pending(cluster: str) -> set[Key]:
        found = set()
        for namespace in namespaces:
            for ingress in app.backend(cluster).list(INGRESS.plural, namespace):
                name = name_of(ingress)
                if annotation(ingress, ROLLOUT_PENDING_ANNOTATION) and any(
                    (namespace, service) in services for service in backend_services(ingress)
                ):
                    found.add((namespace, name))
        return found

    results = app.fan_out(pending)
    return sorted(set().union(*(result.value or set() for result in results)))


def _show(report: PassReport, key: Key, quiet: bool) -> None:
    """The pass's changes to the ingress as create's result lines; errors on stderr."""
    label = object_label(INGRESS, key)
    for change in report.changes:
        if change.error is not None:
            click.echo(error_line(change.cluster, change.error, change.subject), err=True)
        elif change.subject == label:
            line = result_line(change.cluster, INGRESS.ref(key[1]), change.action)
            click.echo(line, err=quiet)
    for unfinished in report.unfinished:
        click.echo(
            f"error: {unfinished.rollout.label}: rollout unfinished: {escaped(unfinished.reason)}",
            err=True,
        )
