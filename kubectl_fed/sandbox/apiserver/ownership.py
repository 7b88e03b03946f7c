"""Field ownership for server-side apply, kept the way kube-apiserver's field manager keeps it.

Each object has managers, one per `(manager, operation)`, each owning a set of field paths.
A path is a tuple of FieldsV1 elements: `f:name` (a map key), `k:{"port":80,"protocol":"TCP"}`
(an item of an associative list, by its key fields), `v:"x"` (an item of a set list). Every
other list is atomic: the whole list is one field.

- An update (create, replace, merge/strategic/JSON patch) by manager M makes M's `Update`
  entry own the fields it changed, taking them away from every other entry.
- An apply by M merges the applied configuration into the object, removes the fields M's
  `Apply` entry owned and the configuration omits now (unless another entry owns them, the
  same manager's `Update` entry included, as upstream), and makes the applied fields M's
  `Apply` set. A field the apply changes that another entry owns is a conflict (409) unless
  `force`; forcing takes it over.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kubectl_fed.sandbox.apiserver.errors import ApiError, status_body

JSON = dict[str, Any]
Path = tuple[str, ...]
FieldSet = frozenset[Path]
ManagerId = tuple[str, str]  # (manager, "Apply" | "Update")
Managers = dict[ManagerId, FieldSet]

APPLY, UPDATE = "Apply", "Update"
_MISSING: Any = object()
# list field name -> key fields; "ports" is keyed by containerPort or port, see _list_keys
_KEYED_LISTS: dict[str, tuple[str, ...]] = {
    "containers": ("name",),
    "initContainers": ("name",),
    "ephemeralContainers": ("name",),
    "env": ("name",),
    "volumes": ("name",),
    "volumeMounts": ("mountPath",),
    "imagePullSecrets": ("name",),
    "ownerReferences": ("uid",),
    "hostAliases": ("ip",),
    "topologySpreadConstraints": ("topologyKey", "whenUnsatisfiable"),
    "conditions": ("type",),
}
_SET_LISTS = {"finalizers"}
_KEY_DEFAULTS = {"protocol": "TCP"}  # upstream defaults a key the item may omit
_SERVER_METADATA = {
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "managedFields",
    "selfLink",
}


@dataclass(frozen=True)
class Applied:
    """The object after an apply, and its managers afterwards."""

    object: JSON
    managers: Managers


# ---- field sets ------------------------------------------------------------------------


def field_set(obj: JSON | None) -> FieldSet:
    """Every field of `obj` a manager can own (server-set metadata and status excluded)."""
    paths: set[Path] = set()
    for key, value in (obj or {}).items():
        if key in ("apiVersion", "kind", "status"):
            continue
        if key == "metadata" and isinstance(value, dict):
            for meta_key, meta_value in value.items():
                if meta_key not in _SERVER_METADATA:
                    _collect(meta_value, ("f:metadata", f"f:{meta_key}"), paths)
        else:
            _collect(value, (f"f:{key}",), paths)
    return frozenset(paths)


def _collect(value: Any, path: Path, out: set[Path]) -> None:
    if isinstance(value, dict) and value:
        for key, child in value.items():
            _collect(child, (*path, f"f:{key}"), out)
        return
    field = path[-1][2:]
    if isinstance(value, list) and value:
        keys = _list_keys(field, value)
        if keys is not None:
            for item in value:
                item_path = (*path, _item_element(item, keys))
                out.add(item_path)
                for key, child in item.items():
                    _collect(child, (*item_path, f"f:{key}"), out)
            return
        if field in _SET_LISTS:
            out.update((*path, "v:" + json.dumps(item)) for item in value)
            return
    out.add(path)


def _list_keys(field: str, *lists: list[Any]) -> tuple[str, ...] | None:
    """The key fields of an associative list, or None for an atomic (or malformed) one."""
    items = [item for items in lists for item in items]
    if not all(isinstance(item, dict) for item in items):
        return None
    if field == "ports":
        by_container = any("containerPort" in item for item in items)
        keys: tuple[str, ...] | None = (
            ("containerPort", "protocol") if by_container else ("port", "protocol")
        )
    else:
        keys = _KEYED_LISTS.get(field)
    if keys is None or not all(k in item or k in _KEY_DEFAULTS for item in items for k in keys):
        return None
    return keys


def _item_key(item: JSON, keys: Iterable[str]) -> JSON:
    return {key: item.get(key, _KEY_DEFAULTS.get(key)) for key in sorted(keys)}


def _item_element(item: JSON, keys: Iterable[str]) -> str:
    return "k:" + json.dumps(_item_key(item, keys), separators=(",", ":"))


# ---- reading and removing one path ---------------------------------------------------------


def value_at(obj: Any, path: Path) -> Any:
    """The value at `path`, or `_MISSING`."""
    node = obj
    for element in path:
        node = _child(node, element)
        if node is _MISSING:
            break
    return node


def _child(node: Any, element: str) -> Any:
    kind, text = element[:2], element[2:]
    if kind == "f:":
        return node.get(text, _MISSING) if isinstance(node, dict) else _MISSING
    if not isinstance(node, list):
        return _MISSING
    wanted = json.loads(text)
    if kind == "v:":
        return wanted if wanted in node else _MISSING
    for item in node:
        if isinstance(item, dict) and _item_key(item, wanted) == wanted:
            return item
    return _MISSING


def remove_path(obj: JSON, path: Path) -> None:
    """Remove the field or list item at `path`, then any map or list this left empty."""
    for depth in range(len(path), 0, -1):
        parent = value_at(obj, path[: depth - 1])
        target = value_at(obj, path[:depth])
        if target is _MISSING or (depth < len(path) and target not in ({}, [])):
            return
        if isinstance(parent, dict):
            parent.pop(path[depth - 1][2:], None)
        elif isinstance(parent, list):
            parent.remove(target)


# ---- merging -----------------------------------------------------------------------------


def merge(live: Any, applied: Any, field: str = "") -> Any:
    """Merge an applied configuration into the live value: maps by key, associative lists by
    their key fields, set lists as sets; everything else is replaced."""
    if isinstance(applied, dict) and isinstance(live, dict):
        result = copy.deepcopy(live)
        for key, value in applied.items():
            result[key] = merge(live.get(key), value, key)
        return result
    if isinstance(applied, list) and isinstance(live, list):
        keys = _list_keys(field, live, applied)
        if keys is not None:
            return _merge_keyed(live, applied, keys)
        if field in _SET_LISTS:
            return copy.deepcopy(live) + [item for item in applied if item not in live]
    return copy.deepcopy(applied)


def _merge_keyed(live: list[Any], applied: list[Any], keys: tuple[str, ...]) -> list[Any]:
    result = copy.deepcopy(live)
    positions = {_item_element(item, keys): index for index, item in enumerate(result)}
    for item in applied:
        index = positions.get(_item_element(item, keys))
        if index is None:
            result.append(copy.deepcopy(item))
        else:
            result[index] = merge(result[index], item)
    return result


def without_nulls(value: Any) -> Any:
    """An applied configuration's explicit nulls mean "not set"."""
    if isinstance(value, dict):
        return {key: without_nulls(child) for key, child in value.items() if child is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


# ---- operations ----------------------------------------------------------------------------


def after_update(old: JSON | None, new: JSON, managers: Managers, manager: str | None) -> Managers:
    """Managers after an update by `manager` (None: an internal write nobody owns)."""
    if manager is None and not managers:
        return {}
    changed = frozenset(path for path in field_set(new) if _changed(old, new, path))
    result = {owner: fields - changed for owner, fields in managers.items()}
    if manager is not None:
        result[(manager, UPDATE)] = result.get((manager, UPDATE), frozenset()) | changed
    return settle(result, new)


def _changed(old: JSON | None, new: JSON, path: Path) -> bool:
    before = value_at(old, path)
    if path[-1].startswith("k:"):  # an item is changed when it is new; its fields count apart
        return before is _MISSING
    return bool(before != value_at(new, path))


def apply(
    live: JSON | None,
    config: JSON,
    managers: Managers,
    manager: str,
    *,
    force: bool,
    api_version: str = "v1",
) -> Applied:
    """Server-side apply of `config` by `manager` to `live` (None: the object is created)."""
    config = without_nulls(config)
    (config.get("metadata") or {}).pop("managedFields", None)
    applied, me = field_set(config), (manager, APPLY)
    others = {owner: fields for owner, fields in managers.items() if owner != me}
    conflicts = _conflicts(live or {}, config, applied, others)
    if conflicts and not force:
        raise conflict_error(conflicts, api_version)
    merged = merge(live or {}, config)
    dropped = managers.get(me, frozenset()) - applied
    for path in sorted(dropped, key=len):  # an item before its fields: its key must match
        if not _claimed(path, others):
            remove_path(merged, path)
    taken = frozenset(path for _, path in conflicts)
    result = {owner: fields - taken for owner, fields in others.items()}
    result[me] = applied
    return Applied(merged, settle(result, merged))


def _claimed(path: Path, others: Managers) -> bool:
    """Another entry owns `path` or a field inside it."""
    return any(owned[: len(path)] == path for fields in others.values() for owned in fields)


def _conflicts(
    live: JSON, config: JSON, applied: FieldSet, others: Managers
) -> list[tuple[ManagerId, Path]]:
    found: list[tuple[ManagerId, Path]] = []
    for path in sorted(applied):
        if path[-1].startswith("k:"):
            continue
        current = value_at(live, path)
        if current is _MISSING or current == value_at(config, path):
            continue
        found.extend((owner, path) for owner, fields in sorted(others.items()) if path in fields)
    return found


def settle(managers: Managers, obj: JSON) -> Managers:
    """Keep only the paths `obj` still has, and only managers that still own something."""
    present = field_set(obj)
    kept = {owner: fields & present for owner, fields in managers.items()}
    return {owner: fields for owner, fields in kept.items() if fields}


# ---- metadata.managedFields ---------------------------------------------------------------


def encode(managers: Managers, api_version: str) -> list[JSON]:
    """`metadata.managedFields` entries (FieldsV1), Apply entries first."""
    order = sorted(managers, key=lambda owner: (owner[1] != APPLY, owner))
    return [
        {
            "manager": manager,
            "operation": operation,
            "apiVersion": api_version,
            "fieldsType": "FieldsV1",
            "fieldsV1": _fields_v1(managers[(manager, operation)]),
        }
        for manager, operation in order
    ]


def _fields_v1(fields: FieldSet) -> JSON:
    tree: JSON = {}
    for path in sorted(fields):
        node = tree
        for element in path:
            node = node.setdefault(element, {})
    for path in fields:
        node = tree
        for element in path:
            node = node[element]
        if node:  # a member with fields of its own (a list item) says so with "."
            node["."] = {}
    return tree


def decode(entries: Any) -> Managers | None:
    """Managers from request `managedFields`: None (keep the live ones) when absent, empty
    or malformed; `[{}]` clears them, as upstream."""
    if not isinstance(entries, list) or not entries:
        return None
    if entries == [{}]:
        return {}
    managers: Managers = {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("fieldsV1"), dict):
            return None
        owner = (str(entry.get("manager", "")), str(entry.get("operation", UPDATE)))
        paths: set[Path] = set()
        _members(entry["fieldsV1"], (), paths)
        managers[owner] = managers.get(owner, frozenset()) | paths
    return managers


def _members(node: JSON, path: Path, out: set[Path]) -> None:
    for element, child in node.items():
        if element == ".":
            out.add(path)
        elif isinstance(child, dict) and child:
            _members(child, (*path, element), out)
        else:
            out.add((*path, element))


# ---- errors ---------------------------------------------------------------------------------


def path_text(path: Path) -> str:
    """Upstream's notation: `.spec.ports[port=80,protocol="TCP"].targetPort`."""
    parts = []
    for element in path:
        kind, text = element[:2], element[2:]
        if kind == "f:":
            parts.append("." + text)
        elif kind == "v:":
            parts.append(f"[={text}]")
        else:
            key = json.loads(text)
            parts.append("[" + ",".join(f"{k}={json.dumps(v)}" for k, v in key.items()) + "]")
    return "".join(parts)


def _manager_text(owner: ManagerId, api_version: str) -> str:
    name, operation = owner
    return json.dumps(name) + (f" using {api_version}" if operation == UPDATE else "")


def conflict_error(conflicts: list[tuple[ManagerId, Path]], api_version: str) -> ApiError:
    """409 Conflict worded as upstream's "Apply failed with N conflict(s)"."""
    causes = [
        {
            "reason": "FieldManagerConflict",
            "message": f"conflict with {_manager_text(owner, api_version)}",
            "field": path_text(path),
        }
        for owner, path in conflicts
    ]
    if len(conflicts) == 1:
        message = f"Apply failed with 1 conflict: {causes[0]['message']}: {causes[0]['field']}"
    else:
        lines: list[str] = []
        for owner in sorted({owner for owner, _ in conflicts}):
            lines.append(f"conflicts with {_manager_text(owner, api_version)}:")
            lines.extend(f"- {path_text(path)}" for who, path in conflicts if who == owner)
        message = f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)
    return ApiError(status_body(409, "Conflict", message, {"causes": causes}))


def missing_field_manager() -> ApiError:
    """422 for an apply without `?fieldManager=`, as upstream validates PatchOptions."""
    detail = "Required value: is required for apply patch"
    cause = {"reason": "FieldValueRequired", "message": detail, "field": "fieldManager"}
    details = {"group": "meta.k8s.io", "kind": "PatchOptions", "causes": [cause]}
    message = f'PatchOptions.meta.k8s.io "" is invalid: fieldManager: {detail}'
    return ApiError(status_body(422, "Invalid", message, details))
