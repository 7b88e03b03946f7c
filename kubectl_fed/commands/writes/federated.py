"""create / apply with the federation semantics: read the members, decide, then write.

1. read what the manifests need from every member (Services, GLBC UID, Ingresses,
   ReplicaSets); a member that cannot be read is reported and not written to;
2. decide node ports, the GLBC UID and replica shares; any refusal ends the run with
   exit 2 before anything is written, as does an object the first member refuses for
   an unknown field (one server-side dry-run create each, commands/writes/field_check.py);
3. make the members' GLBC UIDs agree;
4. write every member; Ingresses that must share the first member's address are
   written to the others once that member's GLBC has reserved it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from kubectl_fed.app import App
from kubectl_fed.commands.shared.writing import (
    WRITE_OUTPUTS,
    WRITE_TEMPLATES,
    adoption_options,
    dry_run_option,
    filename_options,
    load_manifests,
    report,
    write_options,
)
from kubectl_fed.commands.writes.field_check import refuse_unknown_fields
from kubectl_fed.commands.writes.flags import FederationFlags, federation_flags
from kubectl_fed.commands.writes.rollout import PerMember, Results, write_in_phases
from kubectl_fed.commands.writes.rollout_finish import finish_rollouts
from kubectl_fed.core.converge.plan import ConvergeOptions
from kubectl_fed.core.escaping import escaped
from kubectl_fed.core.ingress.glbc_uid import UidAction
from kubectl_fed.core.ingress.rollout import plan_rollouts
from kubectl_fed.core.manifests.load import Manifest
from kubectl_fed.core.members.membership import DEFAULT_FEDERATION
from kubectl_fed.core.members.results import ClusterResult
from kubectl_fed.core.model.objects import KubeObject, key_of
from kubectl_fed.core.replicas.preferences import preferences_of
from kubectl_fed.core.settings import Settings
from kubectl_fed.core.writes.federate import FederationPlan, plan_federation
from kubectl_fed.core.writes.member import Desired, WriteOptions, desired_by_member
from kubectl_fed.core.writes.member_state import MemberState, needs_of, read_member_state
from kubectl_fed.core.writes.plans import DryRun, Verb
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.options import global_options
from kubectl_fed.render.cluster_errors import error_line

F = TypeVar("F", bound=Callable[..., Any])


def federated_write_options(func: F) -> F:
    """The flags of create and apply, which take the same ones, in their --help order."""
    decorators: tuple[Callable[[F], F], ...] = (
        filename_options(required=True),
        from_cluster_option,
        dry_run_option,
        adoption_options,
        federation_flags,
        global_options(WRITE_OUTPUTS, templates=WRITE_TEMPLATES),
    )
    for decorate in reversed(decorators):
        func = decorate(func)
    return func


def federated_write_command(verb: Verb, doc: str) -> click.Command:
    """The `create` or `apply` command: the same flags and run, `verb` apart; `doc` is
    its --help text."""

    @click.command(name=verb.value, help=doc)
    @federated_write_options
    def command(
        filenames: Sequence[str],
        recursive: bool,
        from_cluster: str | None,
        dry_run: str,
        no_adopt: bool,
        create_namespace: bool,
        federation_flags: FederationFlags,
        settings: Settings,
    ) -> ExitStatus:
        options = write_options(verb, dry_run, no_adopt, create_namespace)
        return write_federated(
            settings, filenames, recursive, options, federation_flags, from_cluster
        )

    return command


def from_cluster_option(func: F) -> F:
    option = click.option(
        "--from-cluster",
        default=None,
        metavar="NAME",
        help="For `get -o yaml|json` output: take each object from this member's copy "
        "(needed when the copies differ).",
    )
    return option(func)


def write_federated(
    settings: Settings,
    filenames: Sequence[str],
    recursive: bool,
    options: WriteOptions,
    flags: FederationFlags,
    from_cluster: str | None = None,
) -> ExitStatus:
    if "=" in settings.output:
        from kubectl_fed.commands.shared.output_formats import template_output

        template_output(settings.output)  # a bad template: exit 2 before any request
    app = App(settings)
    manifests = load_manifests(app, filenames, options.verb.value, recursive, from_cluster)
    written = write_manifests(app, manifests, options, flags)
    if isinstance(written, ExitStatus):
        return written
    results, cut_short = written
    status = report(results, options.dry_run, settings, app.members)
    wait = flags.wait and options.dry_run is DryRun.NONE
    if wait and not cut_short:
        converge = ConvergeOptions(federation=app.federation or DEFAULT_FEDERATION)
        quiet = settings.output != "table"
        cut_short = finish_rollouts(app, manifests, converge, flags.wait_timeout, quiet)
    return cut_short or status


def write_manifests(
    app: App,
    manifests: Sequence[Manifest],
    options: WriteOptions,
    flags: FederationFlags,
    quiet: bool = False,
) -> tuple[Results, ExitStatus | None] | ExitStatus:
    """Plan the federation (node ports, GLBC UID, rollouts) and write every member's
    objects; (each member's outcomes in member order, the status if cut short), or the exit
    status when planning stopped it. `quiet` keeps stdout for the caller's own output."""
    for manifest in manifests:
        if manifest.kind.splits_replicas:
            preferences_of(manifest.obj)  # invalid preferences: exit 2 before any request
    options = dataclasses.replace(options, federation=app.federation or DEFAULT_FEDERATION)
    states, unread = _read_states(app, manifests)
    if not states:
        return unread, None
    plan = plan_federation(manifests, states, port_range=flags.port_range, force=flags.force)
    for line in plan.errors:
        click.echo(f"error: {escaped(line)}", err=True)
    if plan.errors:
        return ExitStatus.USAGE
    for line in plan.warnings:
        click.echo(f"warning: {escaped(line)}", err=True)
    members = [state.cluster for state in states]
    per_member = _with_known_copies(
        desired_by_member(manifests, members, options.federation, plan.prepare, plan.federated),
        states,
    )
    if options.dry_run is not DryRun.CLIENT:
        first = members[0]
        if refuse_unknown_fields(app.backend(first), per_member[first]):
            return ExitStatus.USAGE
    if not _agree_on_uid(app, plan, options.dry_run, quiet):
        return ExitStatus.FAILED
    wait = flags.wait and options.dry_run is DryRun.NONE
    leaders = _gce_members(plan, members)
    rollouts = plan_rollouts(manifests, leaders, _live_ingresses(states), wait=wait)
    results, cut_short = write_in_phases(app, per_member, rollouts, options, flags.wait_timeout)
    return _in_member_order(app.members, [*results, *unread]), cut_short


def _read_states(app: App, manifests: Sequence[Manifest]) -> tuple[list[MemberState], Results]:
    """The state of every member that answered, and a failed result for the others."""
    needs = needs_of(manifests)
    if not needs.anything:
        return [MemberState(cluster) for cluster in app.members], []
    answers = app.fan_out(
        lambda cluster: read_member_state(app.backend(cluster), needs), calls=needs.calls
    )
    states = [answer.value for answer in answers if answer.value is not None]
    unread: Results = [
        ClusterResult(answer.cluster, error=answer.error) for answer in answers if not answer.ok
    ]
    return states, unread


def _with_known_copies(per_member: PerMember, states: Sequence[MemberState]) -> PerMember:
    """Each object with the member's copy read in the first fan-out, where it was read."""
    by_cluster = {state.cluster: state for state in states}
    return {
        cluster: [_known(desired, by_cluster[cluster]) for desired in objects]
        for cluster, objects in per_member.items()
    }


def _known(desired: Desired, state: MemberState) -> Desired:
    target = desired.target
    read, live = state.known(target.kind, target.namespace, target.name)
    return dataclasses.replace(desired, read=read, live=live) if read else desired


def _agree_on_uid(app: App, plan: FederationPlan, dry_run: DryRun, quiet: bool = False) -> bool:
    """Write the members' new GLBC UIDs; False (errors printed) if any write failed."""
    changes = {change.cluster: change for change in plan.uid_changes}
    if not changes:
        return True
    if dry_run is not DryRun.CLIENT:
        server_dry = dry_run is DryRun.SERVER
        results = app.fan_out(
            lambda c: app.backend(c).replace(changes[c].configmap, dry_run=server_dry),
            clusters=list(changes),
        )
        failed = [result for result in results if result.error is not None]
        for result in failed:
            assert result.error is not None
            subject = "configmap kube-system/ingress-uid"
            click.echo(error_line(result.cluster, result.error, subject), err=True)
        if failed:
            click.echo("error: nothing else was written; run the command again", err=True)
            return False
    for change in changes.values():
        # `-o name` keeps stdout to object names; the change is still reported.
        click.echo(
            escaped(change.line) + dry_run.suffix, err=quiet or app.settings.output != "table"
        )
    return True


def _gce_members(plan: FederationPlan, members: list[str]) -> list[str]:
    """Members whose GLBC can give the first copy its address (all, when no UID plan)."""
    if plan.uid is None:
        return members
    return [d.cluster for d in plan.uid.members if d.action is not UidAction.SKIP]


def _live_ingresses(states: Sequence[MemberState]) -> dict[str, dict[tuple[str, str], KubeObject]]:
    live = {}
    for state in states:
        live[state.cluster] = {key_of(obj): obj for obj in state.ingresses}
    return live


def _in_member_order(members: Sequence[str], results: Results) -> Results:
    order = {cluster: index for index, cluster in enumerate(members)}
    return sorted(results, key=lambda result: order.get(result.cluster, len(order)))
