"""`unfederate` in ONE member: the federation's markers leave each copy, the copy stays.

Each copy gets one JSON patch: a `test` of every marker's value, then its `remove`. A
marker changed by someone else between the read and the patch fails the test (422), so
nothing is overwritten: the copy is read again and the patch tried again, up to
`MAX_ATTEMPTS` times.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kubectl_fed.core.members.protocols import ClusterBackend, JsonPatch
from kubectl_fed.core.members.results import ClusterCallError, ClusterError, Reason
from kubectl_fed.core.model.markers import ANNOTATION_PREFIX, MANAGED_BY_LABEL, MANAGED_BY_VALUE
from kubectl_fed.core.model.objects import annotations_of, is_federated
from kubectl_fed.core.writes.member import MEMBER_WIDE_REASONS
from kubectl_fed.core.writes.plans import Action, DryRun, Outcome, Target
from kubectl_fed.core.writes.progress import Progress

MAX_ATTEMPTS = 3


def marker_removal(obj: Mapping[str, Any]) -> JsonPatch:
    """The JSON patch taking the federation's markers off `obj` ([] when it has none)."""
    annotations, labels = _federation_markers(obj)
    operations: JsonPatch = []
    for field, markers in (("annotations", annotations), ("labels", labels)):
        for key, value in sorted(markers.items()):
            path = f"/metadata/{field}/{_pointer_token(key)}"
            operations += [
                {"op": "test", "path": path, "value": value},
                {"op": "remove", "path": path},
            ]
    return operations


def _federation_markers(obj: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """The federation's annotations and labels on a member's copy (key -> value)."""
    ours = {k: v for k, v in annotations_of(obj).items() if k.startswith(ANNOTATION_PREFIX)}
    return ours, {MANAGED_BY_LABEL: MANAGED_BY_VALUE} if is_federated(obj) else {}


def unfederate_member(
    backend: ClusterBackend,
    targets: Sequence[Target],
    dry_run: DryRun,
    ignore_not_found: bool = False,
    progress: Progress | None = None,
) -> list[Outcome]:
    """Every target's markers removed in this member; a copy without them is `unchanged`."""
    progress = progress or Progress(len(targets))
    outcomes: list[Outcome] = []
    for target in targets:
        if progress.stopped:
            break
        outcome = _unfederate_one(backend, target, dry_run)
        progress.record(outcome)
        missing = outcome.error is not None and outcome.error.reason is Reason.NOT_FOUND
        if not (missing and ignore_not_found):
            outcomes.append(outcome)
    return outcomes


def _unfederate_one(backend: ClusterBackend, target: Target, dry_run: DryRun) -> Outcome:
    for _attempt in range(MAX_ATTEMPTS):
        try:
            live = backend.get(target.kind.plural, target.namespace, target.name)
            operations = marker_removal(live)
            if not operations:
                return Outcome(target, Action.UNCHANGED)
            if dry_run is not DryRun.CLIENT:
                backend.json_patch(
                    target.kind.plural,
                    target.namespace,
                    target.name,
                    operations,
                    dry_run=dry_run is DryRun.SERVER,
                )
            return Outcome(target, Action.UNFEDERATE)
        except ClusterCallError as err:
            if err.reason in MEMBER_WIDE_REASONS:
                raise
            if err.reason is not Reason.INVALID:  # a failed test: read again
                return Outcome(target, error=ClusterError(err.reason, err.message))
    message = f"its markers changed while being removed, {MAX_ATTEMPTS} times: run it again"
    return Outcome(target, error=ClusterError(Reason.CONFLICT, message))


def _pointer_token(key: str) -> str:
    """A map key as one JSON pointer token (RFC 6901): `~` and `/` escaped."""
    return key.replace("~", "~0").replace("/", "~1")
