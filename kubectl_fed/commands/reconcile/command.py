"""`kubectl fed reconcile [KIND [NAME]] [--watch]`: converge the federation to what it records."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from kubectl_fed.app import App
from kubectl_fed.commands.shared.writing import dry_run_option
from kubectl_fed.commands.writes.converge import PassReport, Scope, converge_pass
from kubectl_fed.commands.writes.flags import DEFAULT_WAIT_TIMEOUT
from kubectl_fed.core.converge.plan import ConvergeOptions
from kubectl_fed.core.escaping import escaped
from kubectl_fed.core.kinds import resolve
from kubectl_fed.core.kinds.validation import namespace_problem
from kubectl_fed.core.members.membership import DEFAULT_FEDERATION
from kubectl_fed.core.settings import Settings
from kubectl_fed.core.writes.plans import DryRun
from kubectl_fed.errors import UsageError
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.options import DURATION, global_options
from kubectl_fed.render import machine
from kubectl_fed.render.cluster_errors import error_line
from kubectl_fed.render.reconcile import ErrorRow, Row, document, summary, table
from kubectl_fed.render.reconciler_manifests import DEFAULT_IMAGE, LoopSettings


@click.command()
@click.argument("resources", nargs=-1, metavar="[KIND [NAME]]")
@dry_run_option
@click.option(
    "--wait-timeout",
    type=DURATION,
    default=DEFAULT_WAIT_TIMEOUT,
    metavar="DURATION",
    help="How long to wait for a pending ingress rollout's address (default 5m).",
)
@click.option("--no-wait", is_flag=True, help="Do not wait for pending ingress rollouts.")
@click.option("--watch", "-w", is_flag=True, help="Repeat the pass until stopped.")
@click.option(
    "--interval",
    type=DURATION,
    default=10.0,
    metavar="DURATION",
    help="With --watch: between passes (default 10s).",
)
@click.option(
    "--failover-after",
    type=DURATION,
    default=30.0,
    metavar="DURATION",
    help="With --watch: move replicas off a member failing this long (default 30s).",
)
@click.option(
    "--failback-after",
    type=DURATION,
    default=30.0,
    metavar="DURATION",
    help="With --watch: move replicas back to a member healthy again this long (default 30s).",
)
@click.option(
    "--lease-cluster",
    default=None,
    metavar="CONTEXT",
    help="With --watch: the member holding the Lease (default: the first member).",
)
@click.option(
    "--lease-in-cluster",
    is_flag=True,
    help="With --watch: the Lease is in the cluster this pod runs in (service account).",
)
@click.option(
    "--lease-duration",
    type=DURATION,
    default=15.0,
    metavar="DURATION",
    help="With --watch: how long a holder that stops renewing keeps the Lease (default 15s).",
)
@click.option(
    "--heartbeat-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="PATH",
    help="With --watch: touched after every try (for a liveness probe).",
)
@click.option(
    "--print-manifests",
    is_flag=True,
    help="Print the manifests that run --watch as a Deployment in a member, and exit.",
)
@click.option(
    "--image",
    default=DEFAULT_IMAGE,
    metavar="IMAGE",
    show_default=True,
    help="With --print-manifests: the image of the Deployment.",
)
@global_options(("table", "json"))
def reconcile(
    resources: Sequence[str],
    dry_run: str,
    wait_timeout: float,
    no_wait: bool,
    watch: bool,
    interval: float,
    failover_after: float,
    failback_after: float,
    lease_cluster: str | None,
    lease_in_cluster: bool,
    lease_duration: float,
    heartbeat_file: Path | None,
    print_manifests: bool,
    image: str,
    settings: Settings,
) -> ExitStatus:
    """Converge every member to the federation's recorded desired state.

    One pass over every object the federation manages (every namespace unless -n):
    finish Ingress rollouts waiting for an address, re-create missing copies, restore
    drifted specs, node ports and GLBC UIDs, and place replicas over the members that
    answer (and back when they return). A second pass changes nothing. Exit 0
    converged, 3 some members unreachable, 1 a write failed or a rollout is unfinished.

    \b
    Examples:
      kubectl fed reconcile
      kubectl fed reconcile ingress myingress -n default
      kubectl fed reconcile --dry-run
      kubectl fed reconcile --watch --interval 10s --failover-after 30s
      kubectl fed reconcile --print-manifests | kubectl --context C apply -f -
    """
    scope = _scope(resources, settings)
    app = App(settings)
    options = ConvergeOptions(federation=app.federation or DEFAULT_FEDERATION)
    mode = DryRun(dry_run)
    if print_manifests:
        from kubectl_fed.commands.reconcile.manifests import manifests_for

        loop = LoopSettings(interval, lease_duration, failover_after, failback_after)
        click.echo(manifests_for(app, image=image, loop=loop), nl=False)
        return ExitStatus.OK
    if watch:
        from kubectl_fed.commands.reconcile.lease import lease_leadership
        from kubectl_fed.commands.reconcile.watch import WatchTiming, watch_loop

        if mode is not DryRun.NONE:
            raise UsageError("--dry-run cannot be used with --watch")
        leadership = lease_leadership(
            app,
            lease_cluster=lease_cluster,
            in_cluster=lease_in_cluster,
            lease_duration=lease_duration,
        )
        timing = WatchTiming(interval, failover_after, failback_after)
        return watch_loop(app, scope, options, timing, leadership, heartbeat_file)
    if lease_cluster or lease_in_cluster or heartbeat_file:
        raise UsageError("--lease-cluster, --lease-in-cluster and --heartbeat-file go with --watch")
    wait = None if no_wait else wait_timeout
    report = converge_pass(app, scope, options, dry_run=mode, wait=wait)
    show_report(report, settings.output, mode)
    return report.status


def _scope(resources: Sequence[str], settings: Settings) -> Scope:
    words = [part for resource in resources for part in resource.split("/", 1)]
    if len(words) > 2 or any(not word for word in words):
        raise UsageError("reconcile takes at most KIND and NAME (or KIND/NAME)")
    kinds = (resolve(words[0]),) if words else ()
    if settings.namespace:
        problem = namespace_problem(settings.namespace)
        if problem:
            raise UsageError(f"--namespace: {problem}")
    namespace = None if settings.all_namespaces else settings.namespace
    return Scope(namespace, kinds, words[1] if len(words) == 2 else None)


def rows_of(report: PassReport) -> list[Row]:
    return [(c.cluster, c.subject, c.action, c.detail) for c in report.changes if c.error is None]


def errors_of(report: PassReport) -> list[ErrorRow]:
    errors: list[ErrorRow] = []
    for member in report.unreachable:
        assert member.error is not None
        errors.append((member.cluster, member.error.reason.value, member.error.message))
    for change in report.failed:
        assert change.error is not None
        message = f"{change.subject}: {change.error.message}"
        errors.append((change.cluster, change.error.reason.value, message))
    for unfinished in report.unfinished:
        message = f"{unfinished.rollout.label}: {unfinished.reason}"
        errors.append((unfinished.rollout.leader, "RolloutPending", message))
    return errors


def show_report(report: PassReport, output: str, mode: DryRun) -> None:
    if output == "json":
        click.echo(machine.to_json(document(rows_of(report), errors_of(report))))
    else:
        rows = rows_of(report)
        if rows:
            click.echo(table(rows))
        unreachable = [m.cluster for m in report.unreachable]
        click.echo(summary(len(rows), len(report.failed), unreachable, mode.suffix))
    for line in problem_lines(report):
        click.echo(line, err=True)


def problem_lines(report: PassReport) -> list[str]:
    """stderr: one line per failed member, write or rollout; notes on guesses and moves."""
    lines = []
    for member in report.unreachable:
        assert member.error is not None
        lines.append(error_line(member.cluster, member.error))
    for change in report.failed:
        assert change.error is not None
        lines.append(error_line(change.cluster, change.error, change.subject))
    for unfinished in report.unfinished:
        rollout = unfinished.rollout
        namespace, name = rollout.key
        lines += [
            f"error: {rollout.label}: not in {', '.join(rollout.missing)} yet: "
            f"{escaped(unfinished.reason)}",
            f"hint: see `kubectl --context={rollout.leader} describe ingress {name} "
            f"-n {namespace}`; once fixed, `kubectl fed reconcile ingress {name} "
            f"-n {namespace}` finishes it",
        ]
    for guess in report.guessed:
        lines.append(f"warning: no recorded desired state for {escaped(guess)}: guessed")
    if report.unreachable:
        down = ", ".join(m.cluster for m in report.unreachable)
        for change in report.changes:
            if change.error is None and change.subject.startswith("replicaset "):
                where = f"{change.subject} {change.detail} in {change.cluster}"
                lines.append(f"note: {down} unreachable: {where}")
    return lines
