"""JSON merge patch (RFC 7386), a strategic merge patch for the fields kubectl sends, JSON patch.

The strategic merge follows upstream's rules for the lists kubectl-fed and kubectl touch:
lists of objects with a merge key (containers by name, ports by port/containerPort, ...)
are merged item by item; other lists are replaced. The `$patch`, `$retainKeys`,
`$setElementOrder/` and `$deleteFromPrimitiveList/` directives are honoured.
"""

from __future__ import annotations

import copy
from collections.abc import Collection
from typing import Any

from kubectl_fed.sandbox.apiserver.errors import ApiError, bad_request, patch_not_applied

JSON = dict[str, Any]

# field name -> merge key candidates, the first present in the items wins
_MERGE_KEYS: dict[str, tuple[str, ...]] = {
    "containers": ("name",),
    "initContainers": ("name",),
    "ephemeralContainers": ("name",),
    "ports": ("containerPort", "port"),
    "env": ("name",),
    "volumes": ("name",),
    "volumeMounts": ("mountPath",),
    "imagePullSecrets": ("name",),
    "conditions": ("type",),
    "ownerReferences": ("uid",),
    "hostAliases": ("ip",),
    "topologySpreadConstraints": ("topologyKey",),
}
# primitive lists upstream merges as sets
_MERGED_PRIMITIVE_LISTS = {"finalizers"}


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge recursively, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def strategic_merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "replace":
        return {key: copy.deepcopy(value) for key, value in patch.items() if key != "$patch"}
    if patch.get("$patch") == "delete":
        return None
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        _apply_key(result, key, value)
    retain = patch.get("$retainKeys")
    if isinstance(retain, list):
        for key in list(result):
            if key not in retain:
                del result[key]
    return result


def _apply_key(result: JSON, key: str, value: Any) -> None:
    if key in ("$patch", "$retainKeys") or key.startswith("$setElementOrder/"):
        return
    if key.startswith("$deleteFromPrimitiveList/"):
        field = key.split("/", 1)[1]
        result[field] = [item for item in result.get(field) or [] if item not in value]
        return
    if value is None:
        result.pop(key, None)
    elif isinstance(value, list):
        result[key] = _merge_list(key, result.get(key), value)
    else:
        merged = strategic_merge_patch(result.get(key), value)
        if merged is None:
            result.pop(key, None)
        else:
            result[key] = merged


def apply_patch(current: JSON, patch: Any, patch_type: str) -> Any:
    """`current` with a `merge`, `strategic` or `json` patch applied (a new object)."""
    if patch_type == "json":
        return json_patch(current, patch)
    if not isinstance(patch, dict):
        raise bad_request("the patch must be a JSON object")
    if patch_type == "merge":
        return merge_patch(current, patch)
    return strategic_merge_patch(current, patch)


def merge_key_for(field: str, item_fields: Collection[str]) -> str | None:
    """The merge key of list `field` whose items declare `item_fields` (for schemas)."""
    return next((key for key in _MERGE_KEYS.get(field, ()) if key in item_fields), None)


def merges_as_set(field: str) -> bool:
    """Whether primitive list `field` is merged as a set."""
    return field in _MERGED_PRIMITIVE_LISTS


def _merge_key(field: str, items: list[Any]) -> str | None:
    for candidate in _MERGE_KEYS.get(field, ()):
        if any(isinstance(item, dict) and candidate in item for item in items):
            return candidate
    return None


def _merge_list(field: str, current: Any, patch: list[Any]) -> list[Any]:
    current_list = current if isinstance(current, list) else []
    if field in _MERGED_PRIMITIVE_LISTS:
        return current_list + [item for item in patch if item not in current_list]
    key = _merge_key(field, patch)
    if key is None:
        return copy.deepcopy(patch)
    if any(isinstance(item, dict) and item.get("$patch") == "replace" for item in patch):
        return [copy.deepcopy(i) for i in patch if not (isinstance(i, dict) and "$patch" in i)]
    merged = copy.deepcopy(current_list)
    for item in patch:
        _merge_item(merged, key, item)
    return merged


def _merge_item(merged: list[Any], key: str, item: Any) -> None:
    index = next(
        (
            i
            for i, old in enumerate(merged)
            if isinstance(old, dict) and old.get(key) == item.get(key)
        ),
        None,
    )
    if item.get("$patch") == "delete":
        if index is not None:
            del merged[index]
    elif index is None:
        merged.append(copy.deepcopy(item))
    else:
        merged[index] = strategic_merge_patch(merged[index], item)


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise bad_request(f"invalid JSON pointer: {path!r}")
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def _parent(doc: Any, parts: list[str]) -> Any:
    node = doc
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _get(doc: Any, parts: list[str]) -> Any:
    node = doc
    for part in parts:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _add(doc: Any, parts: list[str], value: Any) -> Any:
    if not parts:
        return copy.deepcopy(value)
    parent, last = _parent(doc, parts), parts[-1]
    if isinstance(parent, list):
        parent.insert(len(parent) if last == "-" else int(last), copy.deepcopy(value))
    else:
        parent[last] = copy.deepcopy(value)
    return doc


def _remove(doc: Any, parts: list[str]) -> Any:
    parent, last = _parent(doc, parts), parts[-1]
    if isinstance(parent, list):
        del parent[int(last)]
    else:
        del parent[last]
    return doc


def _json_patch_op(doc: Any, op: JSON) -> Any:
    name, parts = op.get("op"), _pointer(str(op.get("path", "")))
    if name == "add":
        return _add(doc, parts, op.get("value"))
    if name == "remove":
        return _remove(doc, parts)
    if name == "replace":
        _get(doc, parts)  # must exist
        return _add(_remove(doc, parts), parts, op.get("value")) if parts else op.get("value")
    if name in ("move", "copy"):
        source = _pointer(str(op.get("from", "")))
        value = copy.deepcopy(_get(doc, source))
        if name == "move":
            doc = _remove(doc, source)
        return _add(doc, parts, value)
    if name == "test":
        if _get(doc, parts) != op.get("value"):
            raise patch_not_applied(f"testing value {op.get('path')} failed: test failed")
        return doc
    raise patch_not_applied(f"Unexpected kind: {name}")


def json_patch(target: Any, operations: Any) -> Any:
    """RFC 6902 JSON patch."""
    if not isinstance(operations, list):
        raise bad_request("a JSON patch must be a list of operations")
    if not all(isinstance(op, dict) for op in operations):
        raise bad_request("a JSON patch operation must be an object")
    doc = copy.deepcopy(target)
    for op in operations:
        try:
            doc = _json_patch_op(doc, op)
        except ApiError:
            raise
        except (KeyError, IndexError, ValueError, TypeError) as err:
            path = op.get("path")
            detail = f"{op.get('op')} operation does not apply: doc is missing path: {path}"
            raise patch_not_applied(detail) from err
    return doc
