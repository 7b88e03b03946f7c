"""The thread-safe object store of one simulated cluster, with kube-apiserver semantics.

Objects are plain JSON-shaped dicts, keyed by resource plural (`"services"`,
`"ingresses"`, ...), namespace and name. Every read returns a copy; every write bumps the
cluster's resourceVersion counter and is delivered to subscribers as a `WatchEvent`.

Semantics kept from upstream: uid, resourceVersion, generation (bumped on spec change),
creationTimestamp, generateName, namespace defaulting and 404 for a missing namespace,
AlreadyExists / Conflict (stale resourceVersion) / Invalid errors, status subresources,
clusterIP and nodePort allocation, finalizers and graceful deletion, and the garbage
collector's propagation policies through ownerReferences. Every failure raises `ApiError`,
which carries the `Status` body.

Subscribers run in the writer's thread while the store lock is held, so they see
events in order; they must be quick and must not write to the store themselves
(hand the event to a queue and act on it from your own thread).
"""

from __future__ import annotations

import builtins
import copy
import threading
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kubectl_fed.sandbox.apiserver import deletion, ownership, patching
from kubectl_fed.sandbox.apiserver.defaults import default_on_create, default_on_update
from kubectl_fed.sandbox.apiserver.errors import (
    already_exists,
    bad_request,
    conflict,
    invalid,
    not_found,
)
from kubectl_fed.sandbox.apiserver.kinds import KINDS, Kind
from kubectl_fed.sandbox.apiserver.selectors import field_matcher, label_matcher
from kubectl_fed.sandbox.apiserver.services import ServiceAllocator
from kubectl_fed.sandbox.apiserver.validation import validate, validate_update

JSON = dict[str, Any]
Key = tuple[str, str]  # (namespace or "", name)
Owners = Callable[[JSON | None, JSON, ownership.Managers], ownership.Managers]

PATCH_TYPES = ("merge", "strategic", "json", "apply")
_GENERATE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


@dataclass(frozen=True)
class WatchEvent:
    """One change: `type` is ADDED, MODIFIED or DELETED; `object` is the new (or last) state.

    `old_object` is the state before a MODIFIED change (None for the other types).
    """

    type: str
    resource: str
    object: JSON
    old_object: JSON | None = None

    @property
    def resource_version(self) -> int:
        return int(self.object["metadata"]["resourceVersion"])


def now_timestamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _kind(resource: str) -> Kind:
    kind = KINDS.get(resource)
    if kind is None:
        raise bad_request(f"unknown resource {resource!r}")
    return kind


def _updated_by(field_manager: str | None) -> Owners:
    def owners(old: JSON | None, new: JSON, managers: ownership.Managers) -> ownership.Managers:
        return ownership.after_update(old, new, managers, field_manager)

    return owners


class Store:
    """All objects of one cluster. `cluster_index` picks its service network (10.<i>.0.0/16)."""

    def __init__(self, cluster_index: int = 0, *, history: int = 1000) -> None:
        self._lock = threading.RLock()
        self._objects: dict[str, dict[Key, JSON]] = {plural: {} for plural in KINDS}
        self._counter = 0
        self._history: deque[WatchEvent] = deque(maxlen=history)
        self._subscribers: list[Callable[[WatchEvent], None]] = []
        self._managers: dict[tuple[str, Key], ownership.Managers] = {}
        self.services = ServiceAllocator(cluster_index)

    # ---- reads -------------------------------------------------------------------------

    @property
    def resource_version(self) -> int:
        with self._lock:
            return self._counter

    def get(self, resource: str, namespace: str | None, name: str) -> JSON:
        kind = _kind(resource)
        with self._lock:
            obj = self._objects[resource].get(self._key(kind, namespace, name))
            if obj is None:
                raise not_found(kind, name)
            return copy.deepcopy(obj)

    def list(
        self,
        resource: str,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        *,
        copies: bool = True,
    ) -> builtins.list[JSON]:
        """Matching objects sorted by namespace then name; `namespace=None` means all.

        `copies=False` hands out the stored objects themselves, for controllers that only
        read them: a pass over every object then costs no copy of each (the controllers
        run after every write, so copying made a burst of n writes cost n² copies).
        """
        kind = _kind(resource)
        matches = self.matcher(label_selector, field_selector)
        clone = copy.deepcopy if copies else _same
        with self._lock:
            return [
                clone(obj)
                for (ns, _), obj in sorted(self._objects[resource].items())
                if (namespace is None or not kind.namespaced or ns == namespace) and matches(obj)
            ]

    def snapshot(
        self,
        resource: str,
        namespace: str | None,
        label_selector: str | None,
        field_selector: str | None,
    ) -> tuple[builtins.list[JSON], int]:
        """Copies of what `list` matches, and the resourceVersion they are consistent with."""
        with self._lock:
            return self.list(resource, namespace, label_selector, field_selector), self._counter

    def managers(self, resource: str, namespace: str | None, name: str) -> ownership.Managers:
        """Which fields of an object each (field manager, operation) owns."""
        kind = _kind(resource)
        with self._lock:
            return dict(self._managers.get((resource, self._key(kind, namespace, name)), {}))

    def with_managed_fields(self, resource: str, obj: JSON) -> JSON:
        """`obj` with the `metadata.managedFields` the API serves (the store keeps them apart)."""
        kind, meta = _kind(resource), obj.get("metadata") or {}
        with self._lock:
            managers = self._managers.get(
                (resource, self._key(kind, meta.get("namespace"), str(meta.get("name"))))
            )
        if managers:
            meta["managedFields"] = ownership.encode(managers, kind.api_version)
        return obj

    @staticmethod
    def matcher(label_selector: str | None, field_selector: str | None) -> Callable[[JSON], bool]:
        """One predicate for a label selector and a field selector (either may be None)."""
        labels, fields = label_matcher(label_selector), field_matcher(field_selector)
        return lambda obj: labels(obj) and fields(obj)

    # ---- writes ------------------------------------------------------------------------

    def create(
        self,
        resource: str,
        namespace: str | None,
        obj: JSON,
        *,
        dry_run: bool = False,
        field_manager: str | None = None,
    ) -> JSON:
        """Create; `field_manager` owns the fields of the new object."""
        owners = _updated_by(field_manager)
        return self._create(_kind(resource), namespace, obj, owners, dry_run=dry_run)

    def _create(
        self, kind: Kind, namespace: str | None, obj: JSON, owners: Owners, *, dry_run: bool
    ) -> JSON:
        new = copy.deepcopy(obj)
        requested = ownership.decode((new.get("metadata") or {}).pop("managedFields", None))
        with self._lock:
            meta = self._new_metadata(kind, namespace, new)
            key = self._key(kind, meta.get("namespace"), meta["name"])
            if kind.namespaced:
                self._require_namespace(key[0])
            default_on_create(kind.plural, new)
            self._check(kind, new, None)
            if key in self._objects[kind.plural]:
                raise already_exists(kind, meta["name"])
            if dry_run:
                return new
            return self._store("ADDED", kind, key, new, owners=owners(None, new, requested or {}))

    def update(
        self,
        resource: str,
        namespace: str | None,
        name: str,
        obj: JSON,
        subresource: str | None = None,
        *,
        dry_run: bool = False,
        field_manager: str | None = None,
    ) -> JSON:
        """Replace an object (PUT); a `metadata.resourceVersion` in `obj` must be current.

        `field_manager` takes ownership of the fields the update changes.
        """
        owners = _updated_by(field_manager)
        return self._update(
            _kind(resource), namespace, name, obj, subresource, owners, dry_run=dry_run
        )

    def _update(
        self,
        kind: Kind,
        namespace: str | None,
        name: str,
        obj: JSON,
        subresource: str | None,
        owners: Owners,
        *,
        dry_run: bool,
    ) -> JSON:
        with self._lock:
            key = self._key(kind, namespace, name)
            old = self._objects[kind.plural].get(key)
            if old is None:
                raise not_found(kind, name)
            self._check_body_identity(kind, key, obj)
            wanted_version = (obj.get("metadata") or {}).get("resourceVersion")
            if wanted_version and str(wanted_version) != old["metadata"]["resourceVersion"]:
                raise conflict(kind, name)
            body = copy.deepcopy(obj)
            requested = ownership.decode((body.get("metadata") or {}).pop("managedFields", None))
            new = self._merge_update(kind, old, body, subresource)
            self._check(kind, new, old)
            if dry_run:
                return new
            live = self._managers.get((kind.plural, key), {})
            managers = owners(old, new, live if requested is None or subresource else requested)
            stored = self._store("MODIFIED", kind, key, new, old, owners=managers)
            self._finish(kind, key)  # its last finalizer removed: a terminating object goes
            return stored

    def patch(
        self,
        resource: str,
        namespace: str | None,
        name: str,
        patch: Any,
        patch_type: str = "merge",
        subresource: str | None = None,
        *,
        dry_run: bool = False,
        field_manager: str | None = None,
        force: bool = False,
    ) -> JSON:
        """PATCH with `patch_type` merge, strategic, json or apply (server-side apply).

        Server-side apply creates the object when it is missing; otherwise it merges the
        applied configuration in and removes what `field_manager` applied before and omits
        now (see `ownership`). A change to a field another manager owns is a 409 Conflict
        unless `force`.
        """
        kind = _kind(resource)
        if patch_type not in PATCH_TYPES:
            raise bad_request(f"unsupported patch type {patch_type!r}")
        with self._lock:
            key = self._key(kind, namespace, name)
            current = self._objects[resource].get(key)
            if patch_type == "apply" and subresource is None:
                manager = field_manager or ""
                return self._apply(kind, key, current, patch, manager, force, dry_run=dry_run)
            if current is None:
                raise not_found(kind, name)
            # a patch may edit metadata.managedFields too, as upstream
            current = self.with_managed_fields(resource, copy.deepcopy(current))
            patched = patching.apply_patch(current, patch, patch_type)
            if not isinstance(patched, dict):
                raise bad_request("the patch did not produce an object")
            return self.update(
                resource,
                namespace,
                name,
                patched,
                subresource,
                dry_run=dry_run,
                field_manager=field_manager,
            )

    def _apply(
        self,
        kind: Kind,
        key: Key,
        current: JSON | None,
        config: Any,
        manager: str,
        force: bool,
        *,
        dry_run: bool,
    ) -> JSON:
        if not isinstance(config, dict):
            raise bad_request("the applied configuration must be an object")
        managers = self._managers.get((kind.plural, key), {})
        applied = ownership.apply(
            current, config, managers, manager, force=force, api_version=kind.api_version
        )

        def owners(old: JSON | None, new: JSON, _: ownership.Managers) -> ownership.Managers:
            return ownership.settle(applied.managers, new)

        if current is None:
            body = applied.object
            body.setdefault("metadata", {}).setdefault("name", key[1])
            return self._create(kind, key[0] or None, body, owners, dry_run=dry_run)
        return self._update(kind, key[0], key[1], applied.object, None, owners, dry_run=dry_run)

    def delete(
        self,
        resource: str,
        namespace: str | None,
        name: str,
        *,
        dry_run: bool = False,
        orphan: bool = False,
        propagation: str = "Background",
        grace_period: int | None = None,
    ) -> JSON:
        """Delete as kube-apiserver does and return the object's state after the call.

        An object with finalizers, or a pod bound to a node (for its grace period, see
        `deletion.grace_seconds`), is only marked: `deletionTimestamp` and
        `deletionGracePeriodSeconds` are set and it stays until its finalizers are removed
        (and, for a pod, until it is deleted again with grace period 0, as the kubelet does).
        The garbage collector acts on `ownerReferences` as upstream's: `Background` (the
        default) deletes the dependents once the owner is gone, `Foreground` deletes them
        first and keeps the owner (finalizer `foregroundDeletion`) until they are gone,
        `Orphan` (or `orphan=True`) removes the owner's references from its dependents.
        """
        kind = _kind(resource)
        policy = "Orphan" if orphan else propagation
        with self._lock:
            key = self._key(kind, namespace, name)
            obj = self._objects[resource].get(key)
            if obj is None:
                raise not_found(kind, name)
            if dry_run:
                return copy.deepcopy(obj)
            return self._delete(kind, key, policy, grace_period)

    # ---- watch -------------------------------------------------------------------------

    def subscribe(self, callback: Callable[[WatchEvent], None]) -> Callable[[], None]:
        """Call `callback(event)` on every change from now on; returns the unsubscribe function."""
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    @property
    def history_start(self) -> int:
        """The oldest version a watch may start from: every event after it is kept."""
        with self._lock:
            return self._history[0].resource_version - 1 if self._history else self._counter

    def events_since(self, resource_version: int) -> builtins.list[WatchEvent] | None:
        """Recorded events after `resource_version`; None when they are no longer all kept."""
        with self._lock:
            if resource_version >= self._counter:
                return []
            oldest = self._history[0].resource_version if self._history else self._counter + 1
            if resource_version < oldest - 1 and len(self._history) == self._history.maxlen:
                return None
            return [event for event in self._history if event.resource_version > resource_version]

    def watch(
        self, callback: Callable[[WatchEvent], None], since: int
    ) -> Callable[[], None] | None:
        """Replay events after `since` to `callback`, then subscribe, atomically."""
        with self._lock:
            missed = self.events_since(since)
            if missed is None:
                return None
            for event in missed:
                callback(event)
            return self.subscribe(callback)

    # ---- internals ---------------------------------------------------------------------

    @staticmethod
    def _key(kind: Kind, namespace: str | None, name: str) -> Key:
        return ((namespace or "default") if kind.namespaced else "", name)

    def _require_namespace(self, namespace: str) -> None:
        if ("", namespace) not in self._objects["namespaces"]:
            raise not_found(KINDS["namespaces"], namespace)

    def _new_metadata(self, kind: Kind, namespace: str | None, obj: JSON) -> JSON:
        meta: JSON = obj.setdefault("metadata", {})
        body_namespace = meta.get("namespace")
        if kind.namespaced:
            if namespace and body_namespace and body_namespace != namespace:
                raise bad_request(
                    "the namespace of the provided object does not match the namespace sent "
                    "on the request"
                )
            meta["namespace"] = namespace or body_namespace or "default"
        else:
            meta.pop("namespace", None)
        if not meta.get("name") and meta.get("generateName"):
            suffix = "".join(uuid.uuid4().hex[i] for i in range(5))
            meta["name"] = meta["generateName"] + "".join(
                _GENERATE_ALPHABET[int(c, 16) % len(_GENERATE_ALPHABET)] for c in suffix
            )
        obj["apiVersion"], obj["kind"] = kind.api_version, kind.kind
        meta["uid"] = str(uuid.uuid4())
        meta["creationTimestamp"] = now_timestamp()
        for transient in (
            "resourceVersion",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "selfLink",
        ):
            meta.pop(transient, None)
        if kind.tracks_generation:
            meta["generation"] = 1
        _drop_empty_maps(meta)
        return meta

    def _check_body_identity(self, kind: Kind, key: Key, obj: JSON) -> None:
        meta = obj.get("metadata") or {}
        if meta.get("name") and meta["name"] != key[1]:
            raise bad_request("the name of the object does not match the name on the URL")
        if kind.namespaced and meta.get("namespace") and meta["namespace"] != key[0]:
            raise bad_request(
                "the namespace of the provided object does not match the namespace sent on "
                "the request"
            )

    def _merge_update(self, kind: Kind, old: JSON, new: JSON, subresource: str | None) -> JSON:
        if subresource not in (None, "status"):
            raise bad_request(f"unsupported subresource {subresource!r}")
        if subresource == "status":
            result = copy.deepcopy(old)
            result["status"] = new.get("status", {})
            return result
        meta = new.setdefault("metadata", {})
        for kept in (
            "uid",
            "creationTimestamp",
            "name",
            "namespace",
            "generation",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
        ):
            if kept in old["metadata"]:
                meta[kept] = old["metadata"][kept]
            else:
                meta.pop(kept, None)
        meta.pop("resourceVersion", None)
        _drop_empty_maps(meta)
        new["apiVersion"], new["kind"] = kind.api_version, kind.kind
        default_on_update(kind.plural, new)
        if kind.has_status:
            new["status"] = copy.deepcopy(old.get("status", {}))
        if kind.tracks_generation and new.get("spec") != old.get("spec"):
            meta["generation"] = int(old["metadata"].get("generation", 1)) + 1
        if kind.plural == "namespaces":
            new.setdefault("spec", copy.deepcopy(old.get("spec", {})))
        return new

    def _check(self, kind: Kind, new: JSON, old: JSON | None) -> None:
        errors = validate(kind, new) + (validate_update(kind, new, old) if old else [])
        if not errors and kind.plural == "services":
            key = self._key(kind, new["metadata"].get("namespace"), new["metadata"]["name"])
            others = [obj for k, obj in self._objects["services"].items() if k != key]
            errors = self.services.prepare(new, old, others)
        if errors:
            raise invalid(kind, str(new.get("metadata", {}).get("name", "")), errors)

    def _store(
        self,
        event_type: str,
        kind: Kind,
        key: Key,
        obj: JSON,
        old: JSON | None = None,
        *,
        owners: ownership.Managers,
    ) -> JSON:
        self._counter += 1
        obj["metadata"]["resourceVersion"] = str(self._counter)
        self._objects[kind.plural][key] = obj
        if owners:
            self._managers[(kind.plural, key)] = owners
        else:
            self._managers.pop((kind.plural, key), None)
        # `old` was just replaced in the store and is never changed again: no copy needed
        self._emit(WatchEvent(event_type, kind.plural, copy.deepcopy(obj), old))
        return copy.deepcopy(obj)

    def _delete(self, kind: Kind, key: Key, policy: str, grace_period: int | None) -> JSON:
        obj = self._objects[kind.plural][key]
        meta = obj["metadata"]
        grace = deletion.grace_seconds(kind.plural, obj, grace_period)
        if deletion.is_terminating(obj):
            if grace or not meta.get("deletionGracePeriodSeconds"):
                return copy.deepcopy(obj)  # already being deleted
            grace = 0  # the kubelet's final delete of a pod: its grace period is over
        if policy == "Orphan":
            self._orphan_dependents(meta["uid"])
        finalizers = builtins.list(meta.get("finalizers") or [])
        dependents = self._dependents(meta["uid"]) if policy == "Foreground" else []
        if dependents and deletion.FOREGROUND_FINALIZER not in finalizers:
            finalizers.append(deletion.FOREGROUND_FINALIZER)
        if not finalizers and not grace:
            return self._remove(kind, key)
        marked = copy.deepcopy(obj)
        if finalizers:
            marked["metadata"]["finalizers"] = finalizers
        marked["metadata"].setdefault("deletionTimestamp", deletion.deletion_timestamp(grace))
        marked["metadata"]["deletionGracePeriodSeconds"] = grace
        managers = self._managers.get((kind.plural, key), {})
        stored = self._store("MODIFIED", kind, key, marked, obj, owners=managers)
        for plural, dependent in dependents:
            if dependent in self._objects[plural]:
                self._delete(KINDS[plural], dependent, "Foreground", None)
        return stored

    def _finish(self, kind: Kind, key: Key) -> None:
        """Remove a terminating object once nothing holds it any more."""
        obj = self._objects[kind.plural].get(key)
        if obj is not None and deletion.removable(obj):
            self._remove(kind, key)

    def _remove(self, kind: Kind, key: Key) -> JSON:
        obj = self._objects[kind.plural].pop(key)
        self._managers.pop((kind.plural, key), None)
        self._counter += 1
        obj["metadata"]["resourceVersion"] = str(self._counter)
        self._emit(WatchEvent("DELETED", kind.plural, copy.deepcopy(obj)))
        if kind.plural == "namespaces":
            self._remove_namespace_contents(key[1])
        else:
            for plural, dependent in self._dependents(obj["metadata"]["uid"]):
                if dependent in self._objects[plural]:
                    self._delete(KINDS[plural], dependent, "Background", None)
            for owner in obj["metadata"].get("ownerReferences") or []:
                self._release_foreground_owner(str(owner.get("uid", "")))
        return copy.deepcopy(obj)

    def _remove_namespace_contents(self, namespace: str) -> None:
        for plural, objects in self._objects.items():
            for key in [k for k in objects if KINDS[plural].namespaced and k[0] == namespace]:
                if key in objects:
                    self._remove(KINDS[plural], key)

    def _dependents(self, owner_uid: str) -> builtins.list[tuple[str, Key]]:
        """(plural, key) of every object with an ownerReference to `owner_uid`."""
        return [
            (plural, key)
            for plural, objects in self._objects.items()
            for key, obj in objects.items()
            if any(o.get("uid") == owner_uid for o in obj["metadata"].get("ownerReferences") or [])
        ]

    def _orphan_dependents(self, owner_uid: str) -> None:
        for plural, key in self._dependents(owner_uid):
            self._drop_listed(plural, key, "ownerReferences", lambda o: o.get("uid") == owner_uid)

    def _release_foreground_owner(self, owner_uid: str) -> None:
        """A dependent is gone: an owner deleted in the foreground goes once all are."""
        if not owner_uid or self._dependents(owner_uid):
            return
        for plural, objects in self._objects.items():
            for key, obj in builtins.list(objects.items()):
                meta = obj["metadata"]
                if meta["uid"] != owner_uid:
                    continue
                if deletion.FOREGROUND_FINALIZER not in (meta.get("finalizers") or []):
                    return
                self._drop_listed(
                    plural, key, "finalizers", lambda f: f == deletion.FOREGROUND_FINALIZER
                )
                self._finish(KINDS[plural], key)
                return

    def _drop_listed(
        self, plural: str, key: Key, field: str, unwanted: Callable[[Any], bool]
    ) -> None:
        """The garbage collector's edit of `metadata.<field>` (a list): the unwanted items
        go, and the field with them once empty; the fields' owners stay as they were."""
        obj = self._objects[plural][key]
        changed = copy.deepcopy(obj)
        kept = [item for item in changed["metadata"][field] if not unwanted(item)]
        if kept:
            changed["metadata"][field] = kept
        else:
            del changed["metadata"][field]
        managers = self._managers.get((plural, key), {})
        self._store("MODIFIED", KINDS[plural], key, changed, obj, owners=managers)

    def _emit(self, event: WatchEvent) -> None:
        self._history.append(event)
        for callback in builtins.list(self._subscribers):
            callback(event)


def _drop_empty_maps(meta: JSON) -> None:
    """Labels and annotations are `omitempty` upstream: an empty map is not stored."""
    for field in ("labels", "annotations"):
        if meta.get(field) == {}:
            del meta[field]


def _same(obj: JSON) -> JSON:
    return obj
