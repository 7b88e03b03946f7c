"""The thread-safe object store of one simulated cluster, with kube-apiserver semantics.

Objects are plain JSON-shaped dicts, keyed by resource plural (`"services"`,
`"ingresses"`, ...), namespace and name. Every read returns a copy; every write bumps the
cluster's resourceVersion counter and is delivered to subscribers as a `WatchEvent`.

Semantics kept from upstream: uid, resourceVersion, generation (bumped on spec change),
creationTimestamp, generateName, namespace defaulting and 404 for a missing namespace,
AlreadyExists / Conflict (stale resourceVersion) / Invalid errors, status subresources,
clusterIP and nodePort allocation, and background cascading deletion through
ownerReferences. Every failure raises `ApiError`, which carries the `Status` body.

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

from kubectl_fed.sandbox.apiserver import ownership, patching
from kubectl_fed.sandbox.apiserver.defaults import default_on_create
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
        return self.snapshot(resource, namespace, label_selector, field_selector, copies=copies)[0]

    def snapshot(
        self,
        resource: str,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        *,
        copies: bool = True,
    ) -> tuple[builtins.list[JSON], int]:
        """Like `list`, plus the resourceVersion the list is consistent with (for watch)."""
        kind = _kind(resource)
        matches = self.matcher(label_selector, field_selector)
        clone = copy.deepcopy if copies else _same
        with self._lock:
            items = [
                clone(obj)
                for (ns, _), obj in sorted(self._objects[resource].items())
                if (namespace is None or not kind.namespaced or ns == namespace) and matches(obj)
            ]
            return items, self._counter

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
            return self._store("MODIFIED", kind, key, new, old, owners=managers)

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
    ) -> JSON:
        """Delete and return the last state; dependents (ownerReferences) go too unless `orphan`."""
        kind = _kind(resource)
        with self._lock:
            key = self._key(kind, namespace, name)
            obj = self._objects[resource].get(key)
            if obj is None:
                raise not_found(kind, name)
            if dry_run:
                return copy.deepcopy(obj)
            removed = self._remove(kind, key, cascade=not orphan)
            if orphan:
                self._orphan_dependents(removed["metadata"]["uid"])
            return removed

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
        for transient in ("resourceVersion", "deletionTimestamp", "selfLink"):
            meta.pop(transient, None)
        if kind.tracks_generation:
            meta["generation"] = 1
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
        for kept in ("uid", "creationTimestamp", "name", "namespace", "generation"):
            if kept in old["metadata"]:
                meta[kept] = old["metadata"][kept]
        meta.pop("resourceVersion", None)
        new["apiVersion"], new["kind"] = kind.api_version, kind.kind
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

    def _remove(self, kind: Kind, key: Key, *, cascade: bool) -> JSON:
        obj = self._objects[kind.plural].pop(key)
        self._managers.pop((kind.plural, key), None)
        self._counter += 1
        obj["metadata"]["resourceVersion"] = str(self._counter)
        self._emit(WatchEvent("DELETED", kind.plural, copy.deepcopy(obj)))
        if kind.plural == "namespaces":
            self._remove_namespace_contents(key[1])
        elif cascade:
            self._remove_dependents(obj["metadata"]["uid"])
        return copy.deepcopy(obj)

    def _remove_namespace_contents(self, namespace: str) -> None:
        for plural, objects in self._objects.items():
            for key in [k for k in objects if KINDS[plural].namespaced and k[0] == namespace]:
                if key in objects:
                    self._remove(KINDS[plural], key, cascade=False)

    def _remove_dependents(self, owner_uid: str) -> None:
        for plural, objects in self._objects.items():
            for key, obj in builtins.list(objects.items()):
                owners = obj["metadata"].get("ownerReferences") or []
                if key in objects and any(owner.get("uid") == owner_uid for owner in owners):
                    self._remove(KINDS[plural], key, cascade=True)

    def _orphan_dependents(self, owner_uid: str) -> None:
        """As the garbage collector orphans: the dependents lose their reference to the owner."""
        for plural, objects in self._objects.items():
            for obj in objects.values():
                metadata = obj["metadata"]
                owners = metadata.get("ownerReferences") or []
                kept = [owner for owner in owners if owner.get("uid") != owner_uid]
                if len(kept) == len(owners):
                    continue
                if kept:
                    metadata["ownerReferences"] = kept
                else:
                    metadata.pop("ownerReferences", None)
                self._counter += 1
                metadata["resourceVersion"] = str(self._counter)
                self._emit(WatchEvent("MODIFIED", plural, copy.deepcopy(obj)))

    def _emit(self, event: WatchEvent) -> None:
        self._history.append(event)
        for callback in builtins.list(self._subscribers):
            callback(event)


def _same(obj: JSON) -> JSON:
    return obj
