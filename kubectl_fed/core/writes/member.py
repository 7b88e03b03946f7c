"""Create / apply / delete federated objects in ONE member, one outcome per object.

Runs inside a fan-out operation. A failure that concerns the whole member
(unreachable, timeout, unauthorized) is re-raised so the fan-out reports the member
once; any other failure becomes that object's outcome and the next object goes on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from kubectl_fed.core.kinds import INGRESS, NAMESPACE, Kind
from kubectl_fed.core.manifests.load import Manifest
from kubectl_fed.core.members.membership import DEFAULT_FEDERATION
from kubectl_fed.core.members.protocols import ClusterBackend, Deletion
from kubectl_fed.core.members.results import (
    ClusterCallError,
    ClusterError,
    ClusterResult,
    Reason,
    exit_status,
)
from kubectl_fed.core.model.desired import new_record, now_stamp, stamped
from kubectl_fed.core.model.markers import FIELD_MANAGER, mark
from kubectl_fed.core.model.objects import metadata_of, name_of
from kubectl_fed.core.writes.plans import Action, DryRun, Outcome, Target, Verb, decide
from kubectl_fed.core.writes.prepare import prepare
from kubectl_fed.core.writes.progress import Progress
from kubectl_fed.exit_status import ExitStatus

MEMBER_WIDE_REASONS = frozenset({Reason.UNREACHABLE, Reason.TIMEOUT, Reason.UNAUTHORIZED})
DELETE_POLL_SECONDS = 0.2


@dataclass(frozen=True)
class Desired:
    """An object as it must be in this member: markers set, prepared for the member.

    `read`: the member's copy was already read in this run (`live`, None when absent), so
    the write does not read it again.
    """

    target: Target
    obj: dict[str, Any]
    read: bool = False
    live: dict[str, Any] | None = None


@dataclass(frozen=True)
class WriteOptions:
    verb: Verb
    dry_run: DryRun = DryRun.NONE
    adopt: bool = True
    create_namespace: bool = False
    federation: str = DEFAULT_FEDERATION


def desired_by_member(
    manifests: Sequence[Manifest],
    members: Sequence[str],
    federation: str,
    prepare_for: Callable[[Manifest, Sequence[str]], dict[str, dict[str, Any]]] = prepare,
    federated_of: Callable[[Manifest], dict[str, Any]] = lambda manifest: manifest.obj,
) -> dict[str, list[Desired]]:
    """Each member's objects: prepared for that member (`prepare_for`), marked, and
    carrying the record of the federated object (`federated_of`: after node ports)."""
    per_member: dict[str, list[Desired]] = {cluster: [] for cluster in members}
    written_at = now_stamp()
    for manifest in manifests:
        target = Target(manifest.kind, manifest.namespace, manifest.name)
        record = new_record(federated_of(manifest), written_at)
        for cluster, obj in prepare_for(manifest, members).items():
            per_member[cluster].append(Desired(target, stamped(mark(obj, federation), record)))
    return per_member


def outcomes_status(results: Sequence[ClusterResult[list[Outcome]]]) -> ExitStatus:
    """0/1/3 over every (member, object) pair; a failed member counts once."""
    flat: list[ClusterResult[Action]] = []
    for result in results:
        if result.error is not None:
            flat.append(ClusterResult(result.cluster, error=result.error))
        for outcome in result.value or []:
            flat.append(ClusterResult(result.cluster, value=outcome.action, error=outcome.error))
    return exit_status(flat)


class _Namespace(Enum):
    EXISTS = "exists"
    PLANNED = "planned"  # created only by a dry run: its objects are planned client-side
    MISSING = "missing"


def write_member(
    backend: ClusterBackend,
    objects: Sequence[Desired],
    options: WriteOptions,
    progress: Progress | None = None,
) -> list[Outcome]:
    """Create or update every object in `backend`'s member, namespaces first.

    A namespace the objects use is created first when `--create-namespace` asks for it
    or when the objects include that Namespace. Each object's outcome goes to `progress`
    as it is known; a stopped `progress` ends the writes before the next object.
    """
    progress = progress or Progress(len(objects))
    outcomes: list[Outcome] = []
    declared = {d.target.name for d in objects if d.target.kind == NAMESPACE}
    states: dict[str, _Namespace] = {"": _Namespace.EXISTS}  # "": cluster-scoped
    for namespace in dict.fromkeys(desired.target.namespace for desired in objects):
        if namespace in states or namespace in declared:
            continue
        state, outcome = _ensure_namespace(backend, namespace, options)
        states[namespace] = state
        if outcome is not None:
            outcomes.append(outcome)
            progress.record(outcome)
    # Namespaces first, Ingresses last, so GLBC never sees one before the Services it
    # routes to (it would record a Translate warning); the outcomes keep the input order.
    order = sorted(range(len(objects)), key=lambda i: _write_rank(objects[i].target.kind))
    written: dict[int, Outcome] = {}
    for index in order:
        if progress.stopped:
            break
        desired = objects[index]
        outcome = _write_one(backend, desired, states[desired.target.namespace], options)
        if desired.target.kind == NAMESPACE:
            states[desired.target.name] = _namespace_state(outcome, options)
        written[index] = outcome
        progress.record(outcome)
    return outcomes + [written[index] for index in sorted(written)]


def _write_rank(kind: Kind) -> int:
    return 0 if kind == NAMESPACE else 2 if kind == INGRESS else 1


def _namespace_state(outcome: Outcome, options: WriteOptions) -> _Namespace:
    """What a Namespace written in this run means for the objects in it."""
    if not outcome.ok:
        return _Namespace.MISSING
    created = outcome.action is Action.CREATE
    return (
        _Namespace.PLANNED if created and options.dry_run is not DryRun.NONE else _Namespace.EXISTS
    )


def _ensure_namespace(
    backend: ClusterBackend, namespace: str, options: WriteOptions
) -> tuple[_Namespace, Outcome | None]:
    target = Target(NAMESPACE, "", namespace)
    if _exists(backend, target):
        return _Namespace.EXISTS, None
    if not options.create_namespace:
        return _Namespace.MISSING, None
    outcome = Outcome(target, Action.CREATE)
    if options.dry_run is DryRun.CLIENT:
        return _Namespace.PLANNED, outcome
    obj = mark(
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}},
        options.federation,
    )
    try:
        backend.create(obj, dry_run=options.dry_run is DryRun.SERVER)
    except ClusterCallError as err:
        _reraise_member_wide(err)
        if err.reason is not Reason.ALREADY_EXISTS:
            return _Namespace.MISSING, Outcome(target, error=ClusterError(err.reason, err.message))
        return _Namespace.EXISTS, None
    state = _Namespace.PLANNED if options.dry_run is DryRun.SERVER else _Namespace.EXISTS
    return state, outcome


def _exists(backend: ClusterBackend, target: Target) -> bool:
    """Whether the namespace exists; without the right to read it, assume it does."""
    try:
        backend.get(target.kind.plural, None, target.name)
    except ClusterCallError as err:
        _reraise_member_wide(err)
        return err.reason is not Reason.NOT_FOUND
    return True


def _write_one(
    backend: ClusterBackend, desired: Desired, namespace: _Namespace, options: WriteOptions
) -> Outcome:
    target = desired.target
    if namespace is _Namespace.MISSING:
        message = f'namespaces "{target.namespace}" not found (use --create-namespace)'
        return Outcome(target, error=ClusterError(Reason.NOT_FOUND, message))
    try:
        live = None if namespace is _Namespace.PLANNED else _known_or_read(backend, desired)
        outcome = decide(options.verb, target, desired.obj, live, adopt=options.adopt)
        if _must_send(outcome, namespace, options):
            return replace(outcome, obj=_send(backend, desired.obj, outcome.action, options))
        if outcome.ok:
            return replace(outcome, obj=live if outcome.action is Action.UNCHANGED else desired.obj)
        return outcome
    except ClusterCallError as err:
        _reraise_member_wide(err)
        return Outcome(target, error=ClusterError(err.reason, err.message))


def _must_send(outcome: Outcome, namespace: _Namespace, options: WriteOptions) -> bool:
    if not outcome.ok or outcome.action is Action.UNCHANGED:
        return False
    return options.dry_run is not DryRun.CLIENT and namespace is _Namespace.EXISTS


def _send(
    backend: ClusterBackend, obj: dict[str, Any], action: Action | None, options: WriteOptions
) -> dict[str, Any]:
    """Write so that a later `apply` owns (and can drop) every field.

    `create` found the object missing just before: it creates only, so an object another
    run created meanwhile is AlreadyExists for this member, never overwritten."""
    server_dry_run = options.dry_run is DryRun.SERVER
    if action is Action.CREATE and options.verb is Verb.CREATE:
        return backend.create_as_applied(obj, field_manager=FIELD_MANAGER, dry_run=server_dry_run)
    return backend.apply(obj, field_manager=FIELD_MANAGER, dry_run=server_dry_run)


def _known_or_read(backend: ClusterBackend, desired: Desired) -> dict[str, Any] | None:
    return desired.live if desired.read else _live(backend, desired.target)


def _live(backend: ClusterBackend, target: Target) -> dict[str, Any] | None:
    try:
        return backend.get(target.kind.plural, target.namespace, target.name)
    except ClusterCallError as err:
        if err.reason is Reason.NOT_FOUND:
            return None
        raise


def _reraise_member_wide(err: ClusterCallError) -> None:
    if err.reason in MEMBER_WIDE_REASONS:
        raise err


@dataclass(frozen=True)
class DeleteOptions:
    """kubectl delete's flags, as each member applies them."""

    dry_run: DryRun = DryRun.NONE
    wait_seconds: float | None = None  # None: return once the deletes are accepted
    propagation: str = "Background"  # what happens to dependents: Background|Foreground|Orphan
    grace_period: int | None = None  # None: each object's own
    ignore_not_found: bool = False  # a missing object is then no outcome at all


def delete_member(
    backend: ClusterBackend,
    targets: Sequence[Target],
    options: DeleteOptions,
    sleep: Callable[[float], None] = time.sleep,
    progress: Progress | None = None,
) -> list[Outcome]:
    """Delete every target in this member; with `wait_seconds`, until each is gone.

    As `write_member`, each deletion's outcome goes to `progress` as it is known.
    """
    progress = progress or Progress(len(targets))
    outcomes: list[Outcome] = []
    for target in targets:
        if progress.stopped:
            break
        outcomes.append(_delete_one(backend, target, options))
        progress.record(outcomes[-1])
    if options.ignore_not_found:
        outcomes = [o for o in outcomes if not (o.error and o.error.reason is Reason.NOT_FOUND)]
    if options.wait_seconds is None or options.dry_run is not DryRun.NONE:
        return outcomes
    deadline = time.monotonic() + options.wait_seconds
    return [_wait_gone(backend, outcome, deadline, sleep) for outcome in outcomes]


def selected_targets(
    backend: ClusterBackend, kinds: Sequence[Kind], namespace: str, selector: str | None
) -> list[Target]:
    """`delete KIND --all` or `-l SELECTOR`: the objects this member has, in list order."""
    return [
        Target(kind, namespace, name_of(obj))
        for kind in kinds
        for obj in backend.list(kind.plural, namespace, selector)
    ]


def _delete_one(backend: ClusterBackend, target: Target, options: DeleteOptions) -> Outcome:
    try:
        if options.dry_run is DryRun.CLIENT:
            backend.get(target.kind.plural, target.namespace, target.name)
        else:
            how = Deletion(
                options.propagation, options.grace_period, options.dry_run is DryRun.SERVER
            )
            backend.delete(target.kind.plural, target.namespace, target.name, how)
    except ClusterCallError as err:
        _reraise_member_wide(err)
        return Outcome(target, error=ClusterError(err.reason, err.message))
    return Outcome(target, Action.DELETE)


def _wait_gone(
    backend: ClusterBackend, outcome: Outcome, deadline: float, sleep: Callable[[float], None]
) -> Outcome:
    target = outcome.target
    while outcome.ok:
        live = _live(backend, target)
        if live is None:
            return outcome
        if time.monotonic() >= deadline:
            message = f'{target.kind.qualified_plural} "{target.name}" still exists (timed out)'
            return Outcome(target, error=ClusterError(Reason.TIMEOUT, message + _held_by(live)))
        sleep(DELETE_POLL_SECONDS)
    return outcome


def _held_by(live: dict[str, Any]) -> str:
    """What keeps a deleted object: its finalizers (a controller that has not finished)."""
    finalizers = metadata_of(live).get("finalizers") or []
    if not finalizers:
        return ""
    return ": held by finalizers " + ", ".join(str(f) for f in finalizers)
