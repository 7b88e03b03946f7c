"""One converge pass: read every member, plan (core/converge/plan.py), write, finish rollouts.

`reconcile` runs one pass (or one per interval with --watch), `doctor --fix` applies the
same plan repair by repair, and `create`/`apply` run it for the Ingress rollouts they
find unfinished.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import click

from kubectl_fed.app import App
from kubectl_fed.commands.writes.ingress_wait import Address, last_warning, wait_for_addresses
from kubectl_fed.commands.writes.rollout import interrupted_lines
from kubectl_fed.core.converge.plan import KINDS as CONVERGED
from kubectl_fed.core.converge.plan import ConvergeOptions, PendingRollout, plan_convergence
from kubectl_fed.core.doctor.facts import CheckedObjects, Facts, MemberFacts, choose_target
from kubectl_fed.core.doctor.repairs import Write
from kubectl_fed.core.kinds import Kind
from kubectl_fed.core.members.membership import DEFAULT_FEDERATION
from kubectl_fed.core.members.protocols import ClusterBackend
from kubectl_fed.core.members.results import (
    ClusterCallError,
    ClusterError,
    ClusterResult,
    interrupted,
)
from kubectl_fed.core.model.markers import FIELD_MANAGER
from kubectl_fed.core.replicas.moves import write_move
from kubectl_fed.core.writes.member import MEMBER_WIDE_REASONS
from kubectl_fed.core.writes.plans import DryRun
from kubectl_fed.exit_status import ExitStatus


@dataclass(frozen=True)
class Scope:
    """What a pass looks at: a namespace (None: all), kinds (empty: all), one name."""

    namespace: str | None = None
    kinds: tuple[Kind, ...] = ()
    name: str | None = None

    def narrow(self, target: CheckedObjects) -> CheckedObjects:
        def keep(kind: Kind, keys: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
            if self.kinds and kind not in self.kinds:
                return ()
            return tuple(key for key in keys if self.name is None or key[1] == self.name)

        return CheckedObjects({kind.plural: keep(kind, target.of(kind)) for kind in CONVERGED})


@dataclass(frozen=True)
class Change:
    """One write of the pass, done (or planned, in a dry run) or failed."""

    cluster: str
    subject: str
    action: str
    detail: str
    error: ClusterError | None = None


@dataclass(frozen=True)
class Unfinished:
    rollout: PendingRollout
    reason: str  # "waiting for an address in us-central1: <GLBC's last warning>"


@dataclass
class PassReport:
    members: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    unreachable: list[MemberFacts] = field(default_factory=list)
    unfinished: list[Unfinished] = field(default_factory=list)
    guessed: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[Change]:
        return [change for change in self.changes if change.error is not None]

    @property
    def status(self) -> ExitStatus:
        if self.failed or self.unfinished:
            return ExitStatus.FAILED
        return ExitStatus.PARTIAL if self.unreachable else ExitStatus.OK


def read_facts(app: App, scope: Scope) -> Facts:
    """Every selected member's converge facts (a member that fails has only `error`)."""
    from kubectl_fed.backends.facts import CONVERGE_CALLS, gather_for_converge

    results = app.fan_out(
        lambda c: gather_for_converge(app.backend(c), scope.namespace), calls=CONVERGE_CALLS
    )
    if interrupted(results):
        raise KeyboardInterrupt
    members = tuple(
        result.value
        if result.value is not None
        else MemberFacts(result.cluster, error=result.error)
        for result in results
    )
    target = choose_target(members, scope.namespace, (), app.federation or DEFAULT_FEDERATION)
    return Facts(members, scope.namespace, scope.narrow(target))


def converge_pass(
    app: App,
    scope: Scope,
    options: ConvergeOptions | Callable[[Facts], ConvergeOptions],
    *,
    dry_run: DryRun = DryRun.NONE,
    wait: float | None = None,
) -> PassReport:
    """Read, plan, write; with `wait` (seconds), pending rollouts are waited for and
    finished in a second pass. `options` may be decided from what was read."""
    facts = read_facts(app, scope)
    if callable(options):
        options = options(facts)
    plan = plan_convergence(facts, options)
    report = PassReport(
        members=[m.cluster for m in facts.members],
        changes=apply_writes(app, plan.writes, dry_run),
        unreachable=[m for m in facts.members if not m.ok],
        guessed=plan.guessed,
    )
    if not plan.pending:
        return report
    if wait is None or dry_run is not DryRun.NONE:
        report.unfinished = [
            _unfinished(p, Address(warning=_leader_warning(app, p))) for p in plan.pending
        ]
        return report
    try:
        ended = wait_pending(app, plan.pending, wait)
    except KeyboardInterrupt:
        for rollout in plan.pending:
            for line in interrupted_lines([rollout.key], rollout.leader, rollout.missing):
                click.echo(line, err=True)
        raise
    if any(address.static_ip for address in ended.values()):
        again = plan_convergence(read_facts(app, scope), options)
        report.changes += apply_writes(app, again.writes, dry_run)
        still = {rollout.key for rollout in again.pending}
    else:
        still = {rollout.key for rollout in plan.pending}
    report.unfinished = [
        _unfinished(p, ended.get(p.key, Address()), wait) for p in plan.pending if p.key in still
    ]
    return report


def _leader_warning(app: App, rollout: PendingRollout) -> str | None:
    try:
        return last_warning(app.backend(rollout.leader), rollout.key[0], rollout.leader_uid)
    except ClusterCallError:
        return None


def wait_pending(
    app: App, pending: Sequence[PendingRollout], timeout: float
) -> dict[tuple[str, str], Address]:
    """Wait for each pending rollout's leader to get the shared address, all of them
    within `timeout` together."""
    ended: dict[tuple[str, str], Address] = {}
    by_leader: dict[str, list[PendingRollout]] = {}
    for rollout in pending:
        by_leader.setdefault(rollout.leader, []).append(rollout)
    deadline = time.monotonic() + timeout
    for leader, rollouts in by_leader.items():
        keys = [rollout.key for rollout in rollouts]
        left = max(deadline - time.monotonic(), 0.0)
        ended.update(wait_for_addresses(app.backend(leader), keys, left))
    return ended


def _unfinished(
    rollout: PendingRollout, address: Address, waited: float | None = None
) -> Unfinished:
    where = f"waiting for an address in {rollout.leader}"
    if address.warning:
        return Unfinished(rollout, f"{where}: {address.warning}")
    if waited is not None:
        return Unfinished(rollout, f"{where}: none after {waited:g}s")
    return Unfinished(rollout, where)


def apply_writes(app: App, writes: Sequence[Write], dry_run: DryRun) -> list[Change]:
    """Every write, each member's in plan order, the members in parallel."""
    by_cluster: dict[str, list[Write]] = {}
    for write in writes:
        by_cluster.setdefault(write.cluster, []).append(write)
    if not by_cluster:
        return []
    results = app.fan_out(
        lambda c: _write_member(app.backend(c), by_cluster[c], dry_run),
        clusters=list(by_cluster),
        calls=max(3 * len(ws) for ws in by_cluster.values()) + 2,
    )
    return _changes(results, by_cluster, dry_run)


def _changes(
    results: Sequence[ClusterResult[list[ClusterError | None]]],
    by_cluster: dict[str, list[Write]],
    dry_run: DryRun,
) -> list[Change]:
    changes = []
    for result in results:
        writes = by_cluster[result.cluster]
        errors = result.value if result.value is not None else [result.error] * len(writes)
        for write, error in zip(writes, errors, strict=True):
            action = write.verb + dry_run.suffix
            changes.append(Change(write.cluster, write.subject, action, write.detail, error))
    return changes


def _write_member(
    backend: ClusterBackend, writes: Sequence[Write], dry_run: DryRun
) -> list[ClusterError | None]:
    """One member's writes in order; a member-wide failure fails the rest unsent."""
    errors: list[ClusterError | None] = []
    for write in writes:
        try:
            send_write(backend, write, dry_run)
            errors.append(None)
        except ClusterCallError as err:
            error = ClusterError(err.reason, err.message)
            if err.reason in MEMBER_WIDE_REASONS:
                return errors + [error] * (len(writes) - len(errors))
            errors.append(error)
    return errors


def send_write(backend: ClusterBackend, write: Write, dry_run: DryRun = DryRun.NONE) -> None:
    if dry_run is DryRun.CLIENT:
        return
    server = dry_run is DryRun.SERVER
    if write.action == "move":
        assert write.move is not None
        write_move(backend, write.move, write.total, dry_run=server)
        return
    obj = write.obj
    assert obj is not None
    if write.action == "create":  # create only, its fields owned as `apply` owns them
        backend.create_as_applied(obj, field_manager=FIELD_MANAGER, dry_run=server)
    elif write.action == "replace":
        backend.replace(obj, dry_run=server)
    else:
        backend.apply(obj, field_manager=FIELD_MANAGER, dry_run=server)
