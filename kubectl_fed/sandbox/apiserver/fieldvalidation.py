"""Server-side field validation: the `fieldValidation` query parameter, as kube-apiserver does it.

Unknown fields (not in the kind's schema, see `schemas`) and duplicate fields of a request
body are refused with `Strict`, reported as `Warning` headers with `Warn` (the default) and
passed over with `Ignore`; unless refused, unknown fields are dropped before the object is
stored, as decoding into upstream's typed objects drops them. The wording is upstream's:

- create/update: 400 `<Kind> in version "<v>" cannot be handled as a <Kind>: strict decoding
  error: unknown field "spec.replcas", duplicate field "metadata.name"` (in body order);
- merge and strategic merge patches: 422 ` "" is invalid: patch: Invalid value: "...": strict
  decoding error: …` (the patch's duplicates, then its unknown fields sorted);
- JSON patches: the same, naming unknown and duplicate keys of the operations
  (`json patch unknown field "[0].foo"`) and the unknown fields of the patched object.

Server-side apply is not checked (upstream refuses unknown fields there through its
structured merge, not through this parameter).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from kubectl_fed.sandbox.apiserver.discovery import ResourceInfo
from kubectl_fed.sandbox.apiserver.errors import ApiError, Choice, bad_request, status_body
from kubectl_fed.sandbox.apiserver.schemas import FieldType, Model, kind_model, models

DIRECTIVES = ("Strict", "Warn", "Ignore")
_JSON_PATCH_FIELDS = ("op", "path", "from", "value")
# the request's directive; upstream defaults to Warn and refuses unknown values
DIRECTIVE = Choice(
    DIRECTIVES,
    "Warn",
    'fieldValidation parameter unsupported: "{raw}" (valid values are "Ignore", "Warn" or '
    '"Strict")',
)


@dataclass
class Decoded:
    """A JSON body and the duplicate keys found in it, by the id of the object holding them."""

    value: Any
    duplicates: dict[int, list[str]] = field(default_factory=dict)


def decode(body: bytes) -> Decoded:
    """Parse JSON keeping the last value of a duplicate key, as Go's decoder does."""
    duplicates: dict[int, list[str]] = {}

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        repeated: list[str] = []
        for key, value in items:
            if key in result and key not in repeated:
                repeated.append(key)
            result[key] = value
        if repeated:
            duplicates[id(result)] = repeated
        return result

    try:
        value = json.loads(body or b"null", object_pairs_hook=pairs)
    except ValueError as err:
        raise bad_request(f"the request body is not valid JSON: {err}") from err
    return Decoded(value, duplicates)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Walk:
    """Collects `unknown field`/`duplicate field` errors; `prune` drops unknown fields."""

    def __init__(self, duplicates: dict[int, list[str]], *, ordered: bool, prune: bool) -> None:
        self.duplicates, self.ordered, self.prune = duplicates, ordered, prune
        self.unknown: list[str] = []
        self.repeated: list[str] = []
        self.in_order: list[str] = []

    def model(self, model: Model, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            return
        repeated = self.duplicates.get(id(value), [])
        keys = list(value) if self.ordered else sorted(value)
        for key in keys:
            if key.startswith("$"):  # strategic merge patch directives
                continue
            declared = model.fields.get(key)
            where = _join(path, key)
            if declared is None:
                self._add(self.unknown, f'unknown field "{where}"')
                if self.prune:
                    del value[key]
                continue
            if key in repeated:
                self._add(self.repeated, f'duplicate field "{where}"')
            self.value(declared.type, value[key], where)

    def value(self, field_type: FieldType, value: Any, path: str) -> None:
        if field_type.kind == "model":
            self.model(models()[field_type.model], value, path)
        elif field_type.kind == "array" and field_type.item and isinstance(value, list):
            for index, item in enumerate(value):
                self.value(field_type.item, item, f"{path}[{index}]")
        elif field_type.kind == "map" and field_type.item and isinstance(value, dict):
            for key, item in value.items():
                self.value(field_type.item, item, f"{path}[{key}]")

    def _add(self, bucket: list[str], error: str) -> None:
        bucket.append(error)
        self.in_order.append(error)


def _strict_message(errors: list[str]) -> str:
    return "strict decoding error: " + ", ".join(errors)


def check_object(info: ResourceInfo, decoded: Decoded, mode: str) -> list[str]:
    """A create or update body: refuse it (Strict) or return the warnings; unknown fields are
    dropped from `decoded.value` unless refused."""
    if mode == "Ignore":
        _Walk({}, ordered=True, prune=True).model(kind_model(info), decoded.value, "")
        return []
    walk = _Walk(decoded.duplicates, ordered=True, prune=mode != "Strict")
    walk.model(kind_model(info), decoded.value, "")
    if walk.in_order and mode == "Strict":
        kind = info.kind
        message = (
            f'{kind} in version "{info.version}" cannot be handled as a {kind}: '
            + _strict_message(walk.in_order)
        )
        raise bad_request(message)
    return walk.in_order


def check_apply(info: ResourceInfo, applied: Any, namespace: str | None, name: str) -> None:
    """Server-side apply cannot type an applied configuration with an unknown field, whatever
    `fieldValidation` says: upstream answers its typed-patch error, a 500 naming the first
    such field (list items here by index; upstream names keyed items by their keys)."""
    walk = _Walk({}, ordered=True, prune=False)
    walk.model(kind_model(info), applied, "")
    if not walk.unknown:
        return
    path = walk.unknown[0].removeprefix('unknown field "').removesuffix('"')
    where = f"{namespace}/{name}" if namespace else name
    message = (
        f"failed to create typed patch object ({where}; {info.group}/{info.version}, "
        f"Kind={info.kind}): .{path}: field not declared in schema"
    )
    body = status_body(500, "", message)
    del body["reason"]  # upstream's StatusReasonUnknown, left out of the JSON
    raise ApiError(body)


def check_patch(
    info: ResourceInfo, patch: Decoded, patch_type: str, patched: Any, mode: str
) -> list[str]:
    """A merge, strategic merge or JSON patch (`patched`: the object it produces, for JSON
    patches): refuse it (Strict) or return the warnings; unknown fields of a merge patch are
    dropped from it unless refused."""
    model = kind_model(info)
    if mode == "Ignore":
        if patch_type != "json":
            _Walk({}, ordered=False, prune=True).model(model, patch.value, "")
        return []
    errors: list[str] = []
    if patch_type == "json":
        errors += _json_patch_operations(patch)
        walk = _Walk({}, ordered=False, prune=False)
        walk.model(model, patched, "")
        errors += walk.unknown
    else:
        walk = _Walk(patch.duplicates, ordered=False, prune=mode != "Strict")
        walk.model(model, patch.value, "")
        errors += walk.repeated + walk.unknown
    if errors and mode == "Strict":
        shown = _go_map(patch.value) if patch_type == "strategic" else json.dumps(patched)
        raise invalid_patch(shown, _strict_message(errors))
    return errors


def _json_patch_operations(patch: Decoded) -> list[str]:
    errors: list[str] = []
    for index, operation in enumerate(patch.value if isinstance(patch.value, list) else []):
        if not isinstance(operation, dict):
            continue
        repeated = patch.duplicates.get(id(operation), [])
        for key in operation:
            if key not in _JSON_PATCH_FIELDS:
                errors.append(f'json patch unknown field "[{index}].{key}"')
            elif key in repeated:
                errors.append(f'json patch duplicate field "[{index}].{key}"')
    return errors


def _go_map(value: Any) -> str:
    """A decoded patch as Go's `%+v` prints a map[string]interface{}."""
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_go_map(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(_go_map(item) for item in value) + "]"
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def invalid_patch(shown: str, message: str) -> ApiError:
    detail = f"Invalid value: {json.dumps(shown)}: {message}"
    causes = [{"reason": "FieldValueInvalid", "message": detail, "field": "patch"}]
    return ApiError(
        status_body(422, "Invalid", f' "" is invalid: patch: {detail}', {"causes": causes})
    )


def warning_header(text: str) -> str:
    """A `Warning` header value (RFC 7234 code 299), as kube-apiserver sends them."""
    return f"299 - {json.dumps(text)}"
