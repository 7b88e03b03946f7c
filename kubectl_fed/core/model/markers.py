"""Federation markers on member objects, and whether a member's object conforms.

As docs/verbs.md ("Writing: create and apply") says, every object the tool writes carries the label
`app.kubernetes.io/managed-by: kubectl-fed` and the annotation
`kubectl-fed.io/federation: <name>`. An object without them is someone else's and is
adopted (or refused with `--no-adopt`).
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from typing import Any

MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
MANAGED_BY_VALUE = "kubectl-fed"
FEDERATION_ANNOTATION = "kubectl-fed.io/federation"
# managedFields name the tool as the manager of the fields it writes
FIELD_MANAGER = "kubectl-fed"
# The desired-state record every copy carries (core/model/desired.py says what they hold).
DESIRED_ANNOTATION = "kubectl-fed.io/desired"
HASH_ANNOTATION = "kubectl-fed.io/desired-hash"
WRITTEN_AT_ANNOTATION = "kubectl-fed.io/written-at"
# Every annotation under this prefix is the federation's (the ones above, the total replicas,
# a pending rollout): `unfederate` removes them all.
ANNOTATION_PREFIX = "kubectl-fed.io/"

# Set by the API server; a manifest copied from `get -o yaml` must not send them back.
SERVER_METADATA = (
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "managedFields",
    "selfLink",
)

# Fields the API server or controllers own; they never make an object non-conforming.
SERVER_OWNED_METADATA = (
    *SERVER_METADATA,
    "deletionGracePeriodSeconds",
    "ownerReferences",
    "finalizers",
)

# On the leader's copy of an Ingress while other members wait for its address: which ones.
ROLLOUT_PENDING_ANNOTATION = "kubectl-fed.io/rollout-pending"
# The federation-wide replicas a split kind's member copy came from.
TOTAL_REPLICAS_ANNOTATION = "kubectl-fed.io/total-replicas"


def mark(obj: dict[str, Any], federation: str) -> dict[str, Any]:
    """A copy of `obj` carrying the federation markers."""
    marked = copy.deepcopy(obj)
    metadata = marked.setdefault("metadata", {})
    metadata["labels"] = {**(metadata.get("labels") or {}), MANAGED_BY_LABEL: MANAGED_BY_VALUE}
    annotations = metadata.get("annotations") or {}
    metadata["annotations"] = {**annotations, FEDERATION_ANNOTATION: federation}
    return marked


def annotated(
    obj: Mapping[str, Any], added: Mapping[str, str], removed: Collection[str] = ()
) -> dict[str, Any]:
    """A copy of `obj` with the annotations `added` set and those `removed` left out."""
    result: dict[str, Any] = copy.deepcopy(dict(obj))
    metadata = result.setdefault("metadata", {})
    annotations = {**(metadata.get("annotations") or {}), **added}
    metadata["annotations"] = {k: v for k, v in annotations.items() if k not in removed}
    return result


def conforms(desired: dict[str, Any], live: dict[str, Any]) -> bool:
    """Whether `live` already has every field `desired` sets, to the same value.

    Fields `desired` leaves out (server defaults, clusterIP, nodePort allocations,
    status, resourceVersion, ...) are the server's and are not compared, as
    server-side apply would leave them alone too.
    """
    return _contains(_comparable(live), _comparable(desired))


def _comparable(obj: dict[str, Any]) -> dict[str, Any]:
    trimmed = {key: value for key, value in obj.items() if key != "status"}
    metadata = dict(trimmed.get("metadata") or {})
    for field in SERVER_OWNED_METADATA:
        metadata.pop(field, None)
    annotations = metadata.get("annotations")
    if isinstance(annotations, dict) and WRITTEN_AT_ANNOTATION in annotations:
        # when a write happened is no difference: the record's hash is compared
        metadata["annotations"] = {
            k: v for k, v in annotations.items() if k != WRITTEN_AT_ANNOTATION
        }
    trimmed["metadata"] = metadata
    return trimmed


def _contains(live: object, desired: object) -> bool:
    if isinstance(desired, dict):
        return isinstance(live, dict) and all(
            _contains(live[key], value) if key in live else _is_empty(value)
            for key, value in desired.items()
        )
    if isinstance(desired, list):
        return (
            isinstance(live, list)
            and len(live) == len(desired)
            and all(_contains(have, want) for have, want in zip(live, desired, strict=True))
        )
    return live == desired


def _is_empty(value: object) -> bool:
    """`null`, `{}`, `[]`: what the server drops when it stores an object."""
    return value is None or value == {} or value == []
