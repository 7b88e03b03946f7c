"""The desired state of a federated object, recorded on every member's copy.

There is no control plane, so whatever a later run needs to converge lives in the
members. Every copy kubectl-fed writes carries:
- `kubectl-fed.io/desired`: the federated object as the federation wants it (the manifest
  after node ports were agreed; a ReplicaSet with its federation-wide total), as JSON;
- `kubectl-fed.io/desired-hash`: a hash of that JSON;
- `kubectl-fed.io/written-at`: when it was written (UTC, RFC 3339 with microseconds).

The newest record among the copies wins (latest `written-at`, then the larger hash, so
every reader picks the same one). Copies written before records existed are read as
their own record, stamped with kubectl-fed's last write time from managedFields: a
guess, which `reconcile` and `doctor` name.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kubectl_fed.core.model.markers import (
    DESIRED_ANNOTATION,
    FIELD_MANAGER,
    HASH_ANNOTATION,
    ROLLOUT_PENDING_ANNOTATION,
    SERVER_OWNED_METADATA,
    WRITTEN_AT_ANNOTATION,
    annotated,
)
from kubectl_fed.core.model.objects import KubeObject, annotations_of, metadata_of

RECORD_ANNOTATIONS = (DESIRED_ANNOTATION, HASH_ANNOTATION, WRITTEN_AT_ANNOTATION)
# Per-member or per-run annotations that are never part of the federated object.
_NOT_RECORDED = (*RECORD_ANNOTATIONS, ROLLOUT_PENDING_ANNOTATION)
_OLDEST = "0001-01-01T00:00:00.000000Z"


def now_stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(obj: Mapping[str, Any]) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def spec_hash(desired: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(desired).encode()).hexdigest()[:16]


def without_record(obj: Mapping[str, Any]) -> KubeObject:
    """A copy of `obj` without the record annotations (and the rollout marker)."""
    result: KubeObject = copy.deepcopy(dict(obj))
    metadata = result.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("annotations"), dict):
        kept = {k: v for k, v in metadata["annotations"].items() if k not in _NOT_RECORDED}
        if kept:
            metadata["annotations"] = kept
        else:
            metadata.pop("annotations")
    return result


@dataclass(frozen=True)
class Record:
    """The federation's wish for one object, as one copy records it."""

    desired: KubeObject
    hash: str
    written_at: str
    source: str = ""  # the member whose copy it was read from
    guessed: bool = False  # the copy had no record: read from the copy itself

    def order(self) -> tuple[str, str]:
        return (self.written_at, self.hash)

    def annotations(self) -> dict[str, str]:
        return {
            DESIRED_ANNOTATION: canonical(self.desired),
            HASH_ANNOTATION: self.hash,
            WRITTEN_AT_ANNOTATION: self.written_at,
        }


def new_record(federated: Mapping[str, Any], written_at: str | None = None) -> Record:
    """The record of a write of `federated` (the object before per-member changes)."""
    desired = without_record(federated)
    return Record(desired, spec_hash(desired), written_at or now_stamp())


def stamped(obj: Mapping[str, Any], record: Record) -> KubeObject:
    """A copy of a member's object carrying `record`."""
    return annotated(obj, record.annotations())


def read_record(obj: Mapping[str, Any], source: str = "") -> Record | None:
    """The record a copy carries; None when it has none or it is unreadable."""
    annotations = annotations_of(obj)
    text, stamp = annotations.get(DESIRED_ANNOTATION), annotations.get(WRITTEN_AT_ANNOTATION)
    if not isinstance(text, str) or not isinstance(stamp, str):
        return None
    try:
        desired = json.loads(text)
    except ValueError:
        return None
    if not isinstance(desired, dict):
        return None
    return Record(desired, spec_hash(desired), stamp, source)


def guessed_record(obj: Mapping[str, Any], source: str = "") -> Record:
    """A copy without a record read as one: the copy itself, without server fields."""
    desired = without_record(obj)
    desired.pop("status", None)
    metadata = desired.get("metadata") or {}
    for field in SERVER_OWNED_METADATA:
        metadata.pop(field, None)
    return Record(desired, spec_hash(desired), last_write(obj), source, guessed=True)


def last_write(obj: Mapping[str, Any]) -> str:
    """When kubectl-fed last wrote `obj`, from managedFields; the oldest time if unknown."""
    times = [
        str(entry.get("time"))
        for entry in metadata_of(obj).get("managedFields") or []
        if isinstance(entry, dict) and entry.get("manager") == FIELD_MANAGER and entry.get("time")
    ]
    return _micro(max(times)) if times else _OLDEST


def _micro(stamp: str) -> str:
    """`2026-01-02T03:04:05Z` as `2026-01-02T03:04:05.000000Z`, so stamps sort as text."""
    if stamp.endswith("Z") and "." not in stamp:
        return stamp[:-1] + ".000000Z"
    return stamp


def being_deleted(obj: Mapping[str, Any]) -> bool:
    """A copy with a `deletionTimestamp` (Terminating: finalizers or a grace period hold it)."""
    return bool(metadata_of(obj).get("deletionTimestamp"))


def newest(copies: Iterable[tuple[str, Mapping[str, Any]]]) -> Record | None:
    """The newest record among (member, copy) pairs; copies without one are guessed. A copy
    being deleted is no source: someone deleted it, converging must not bring it back."""
    records = [
        read_record(obj, cluster) or guessed_record(obj, cluster)
        for cluster, obj in copies
        if not being_deleted(obj)
    ]
    if not records:
        return None
    recorded = [record for record in records if not record.guessed]
    return max(recorded or records, key=Record.order)
