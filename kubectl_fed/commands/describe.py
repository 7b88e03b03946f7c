"""`kubectl fed describe KIND NAME…`: one federated object, folded from every member."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import click

from kubectl_fed.app import App
from kubectl_fed.core.ingress.loadbalancer import (
    LoadBalancerView,
    load_balancer_view,
    not_inspected,
    refs_of,
)
from kubectl_fed.core.kinds import INGRESS, Kind, resolve
from kubectl_fed.core.members.results import interrupted
from kubectl_fed.core.model.label_selector import check_selector
from kubectl_fed.core.model.objects import name_of
from kubectl_fed.core.settings import Settings
from kubectl_fed.core.status.describe_reads import BASE_CALLS, read_snapshot
from kubectl_fed.core.status.federated import FederatedObject, fold
from kubectl_fed.core.status.ingress import IngressStatus
from kubectl_fed.errors import UsageError
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.options import global_options
from kubectl_fed.render import machine
from kubectl_fed.render.describe import describe_text
from kubectl_fed.render.describe_machine import federated_object

if TYPE_CHECKING:
    from kubectl_fed.backends.gce import GceReader

NO_LOAD_BALANCER = "none yet: no member's ingress names a forwarding rule"
NOT_INSPECTED = "not inspected: "


@click.command()
@click.argument("kind", metavar="KIND")
@click.argument("names", nargs=-1, metavar="[NAME…]")
@click.option("-l", "--selector", default=None, help="Describe every object matching it.")
@click.option(
    "--gcp-project",
    default=None,
    metavar="PROJECT",
    help="Google Cloud project of the load balancer (ingress).",
)
@global_options(outputs=("table", "json", "yaml"))
def describe(
    kind: str,
    names: Sequence[str],
    selector: str | None,
    gcp_project: str | None,
    settings: Settings,
) -> ExitStatus:
    """Show a federated object: its status folded from every member cluster.

    Address, shards and rules as kubectl describes them, a row per member cluster,
    the Google Cloud load balancer behind an ingress, and every member's events.
    Without a name, every object of the kind (matching -l) that some member has.

    \b
    Examples:
      kubectl fed describe ingress myingress
      kubectl fed describe svc nginx -o json
      kubectl fed describe rs/nginx
      kubectl fed describe svc -l app=nginx
    """
    target, names = _target(kind, names, selector, settings)
    app = App(settings)
    namespace = app.namespace or "default"
    if not names:
        names, status = _listed_names(app, target, namespace, selector)
        if not names:
            return status
    statuses, documents, printed = [], [], False
    for name in names:
        status, described = _describe_one(app, target, namespace, name, gcp_project)
        statuses.append(status)
        if status is ExitStatus.INTERRUPTED:
            break
        if described is None:
            continue
        if settings.output == "table":  # each as soon as it is read, a blank line apart
            fed, view = described
            click.echo(("\n" if printed else "") + describe_text(fed, _now(), view))
            printed = True
        else:
            documents.append(federated_object(*described))
    if documents:
        click.echo(_machine(settings.output, documents))
    return _combined(statuses)


def _target(
    kind: str, names: Sequence[str], selector: str | None, settings: Settings
) -> tuple[Kind, list[str]]:
    if "/" in kind:
        kind, first = kind.split("/", 1)
        names = [first, *names]
    if any(not name for name in names):
        raise UsageError("you must specify the name of the resource to describe")
    check_selector(selector, names)
    if settings.all_namespaces:
        raise UsageError("describe works in one namespace: use -n NAMESPACE, not -A")
    return resolve(kind), list(dict.fromkeys(names))


def _listed_names(
    app: App, kind: Kind, namespace: str, selector: str | None
) -> tuple[list[str], ExitStatus]:
    """Names of the kind any member has; member failures are reported by each describe,
    or here when nothing was found."""
    results = app.fan_out(
        lambda cluster: [
            name_of(obj) for obj in app.backend(cluster).list(kind.plural, namespace, selector)
        ]
    )
    names = sorted({name for result in results for name in result.value or []})
    if names:
        return names, ExitStatus.OK
    status = app.report(results)
    if status is ExitStatus.OK:
        click.echo(f"No resources found in {namespace} namespace.", err=True)
    return [], status


Described = tuple[FederatedObject, LoadBalancerView | None]


def _describe_one(
    app: App, kind: Kind, namespace: str, name: str, project: str | None
) -> tuple[ExitStatus, Described | None]:
    calls = BASE_CALLS + 4
    gce = _gce(app, project) if kind == INGRESS else None
    found = _start_reading(gce)
    results = app.fan_out(
        lambda cluster: read_snapshot(app.backend(cluster), kind, namespace, name, found),
        calls=calls,
    )
    fed = fold(kind, namespace, name, results)
    status = app.report(results, f"{kind.singular} {namespace}/{name}")
    if not fed.found:
        if not interrupted(results) and fed.answered:
            where = "any member cluster" if status is ExitStatus.OK else "any member that answered"
            click.echo(f'error: {kind.qualified_plural} "{name}" not found in {where}', err=True)
        return (ExitStatus.FAILED if status is not ExitStatus.INTERRUPTED else status), None
    view = _load_balancer(fed, gce) if gce is not None else None
    return status, (fed, view)


def _now() -> datetime:
    return datetime.now(UTC)


def _machine(output: str, documents: list[dict[str, Any]]) -> str:
    """One FederatedObject, or several in a List as kubectl prints several objects."""
    document = documents[0]
    if len(documents) > 1:
        document = {"apiVersion": "v1", "kind": "List", "metadata": {}, "items": documents}
    return machine.to_json(document) if output == "json" else machine.to_yaml(document)


def _gce(app: App, flag: str | None) -> GceReader | str:
    """The ingress's GCE reader, or why there is none."""
    found = app.gce_reader(flag, app.members)
    return f"{NOT_INSPECTED}{found}" if isinstance(found, str) else found


def _start_reading(gce: GceReader | str | None) -> Callable[[dict[str, Any]], None] | None:
    """What a member's read calls with the ingress it found: the load balancer its GLBC
    names starts to be read while the other members (and its events) are still read."""
    if gce is None or isinstance(gce, str):
        return None
    reader = gce

    def found(obj: dict[str, Any]) -> None:
        refs = refs_of([obj])
        if refs:
            reader.start(refs)

    return found


def _load_balancer(fed: FederatedObject, gce: GceReader | str) -> LoadBalancerView:
    refs = refs_of([m.obj for m in fed.members if m.obj is not None])
    if not refs:
        return not_inspected(NO_LOAD_BALANCER)
    if isinstance(gce, str):
        return not_inspected(gce)
    facts = App.read_load_balancer(gce, refs)
    if isinstance(facts, str):
        return not_inspected(f"{NOT_INSPECTED}{facts}")
    assert isinstance(fed.status, IngressStatus)
    zones = {m.cluster: m.snapshot.zones for m in fed.members if m.snapshot is not None}
    return load_balancer_view(facts, fed.status.addresses, zones)


def _combined(statuses: Sequence[ExitStatus]) -> ExitStatus:
    """As `get` with several names: a name found nowhere makes the whole run fail."""
    for worst in (ExitStatus.INTERRUPTED, ExitStatus.FAILED, ExitStatus.PARTIAL):
        if worst in statuses:
            return worst
    return ExitStatus.OK
