"""`/openapi/v2` and `/openapi/v3`, generated from the served kinds' `schemas`.

Shaped as kube-apiserver v1.32 serves them: v3 is an index (`paths` of group versions,
each with a `serverRelativeURL` carrying the document's hash) and one document per group
version, whose schemas use `allOf: [{$ref}]` for nested types; v2 is one Swagger document.
Each kind's schema carries `x-kubernetes-group-version-kind` (what `kubectl explain` finds it
by), lists merged by key carry `x-kubernetes-patch-merge-key` (what client-side `kubectl
apply` builds its strategic merge patch with), and each kind's paths list the query
parameters the server honours, `fieldValidation` among them (what tells kubectl 1.32 to
leave field validation to the server). Documents are built at first use, once per process.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from kubectl_fed.sandbox.apiserver.discovery import RESOURCES, ResourceInfo
from kubectl_fed.sandbox.apiserver.groups import api_path
from kubectl_fed.sandbox.apiserver.patching import merge_key_for, merges_as_set
from kubectl_fed.sandbox.apiserver.schemas import FieldType, Model, kind_model, models
from kubectl_fed.sandbox.apiserver.seed import KUBERNETES_VERSION

JSON = dict[str, Any]
V3_PREFIX = "/openapi/v3/"
PATCH_DEFINITION = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"
INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
PATCH_CONTENT_TYPES = (
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
)
_FORMATS = {"date-time": ("string", "date-time"), "date": ("string", "date")}
_FORMATS["byte"] = ("string", "byte")
_QUERY = {
    "dryRun": "When present, indicates that modifications should not be persisted.",
    "fieldManager": "fieldManager is a name associated with the actor or entity that is "
    "making these changes.",
    "fieldValidation": "fieldValidation instructs the server on how to handle objects in "
    "the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values "
    "are: - Ignore - Warn (the default) - Strict",
    "force": 'Force is going to "force" Apply requests.',
    "labelSelector": "A selector to restrict the list of returned objects by their labels.",
    "fieldSelector": "A selector to restrict the list of returned objects by their fields.",
    "limit": "limit is a maximum number of responses to return for a list call.",
    "continue": "The continue option should be set when retrieving more results from the server.",
    "resourceVersion": "resourceVersion sets a constraint on what resource versions a "
    "request may be served from.",
    "timeoutSeconds": "Timeout for the list/watch call.",
    "watch": "Watch for changes to the described resources.",
    "allowWatchBookmarks": 'allowWatchBookmarks requests watch events with type "BOOKMARK".',
    "propagationPolicy": "Whether and how garbage collection will be performed.",
    "gracePeriodSeconds": "The duration in seconds before the object should be deleted.",
}
_WRITE_PARAMS = ("dryRun", "fieldManager", "fieldValidation")
_LIST_PARAMS = (
    "allowWatchBookmarks",
    "continue",
    "fieldSelector",
    "labelSelector",
    "limit",
    "resourceVersion",
    "timeoutSeconds",
    "watch",
)


# ---- schemas -----------------------------------------------------------------------------


def _ref(model: Model, v3: bool) -> str:
    return _ref_name(model.definition, v3)


def _type_schema(field_type: FieldType, v3: bool, *, wrap: bool) -> JSON:
    """A field type's schema; `wrap` puts a reference in `allOf` as v3 does for properties."""
    kind = field_type.kind
    if kind == "model":
        ref = {"$ref": _ref(models()[field_type.model], v3)}
        return {"allOf": [ref], "default": {}} if v3 and wrap else ref
    if kind == "array" and field_type.item is not None:
        return {"type": "array", "items": _type_schema(field_type.item, v3, wrap=True)}
    if kind == "map" and field_type.item is not None:
        values = _type_schema(field_type.item, v3, wrap=True)
        return {"type": "object", "additionalProperties": values}
    if kind == "int-or-string":
        ref = {"$ref": _ref_name(INT_OR_STRING, v3)}
        return {"allOf": [ref]} if v3 and wrap else ref
    if kind == "any":
        return {"type": "object"}
    if kind in _FORMATS:
        type_name, type_format = _FORMATS[kind]
        return {"type": type_name, "format": type_format}
    return {"type": kind}


def _property(model: Model, name: str, v3: bool) -> JSON:
    declared = model.fields[name]
    schema = _type_schema(declared.type, v3, wrap=True)
    if declared.description:
        schema["description"] = declared.description
    item = declared.type.item
    if declared.type.kind == "array" and item is not None:
        item_fields = models()[item.model].fields if item.kind == "model" else {}
        key = merge_key_for(name, item_fields)
        if key is not None:
            schema["x-kubernetes-patch-merge-key"] = key
            schema["x-kubernetes-patch-strategy"] = "merge"
        elif merges_as_set(name):
            schema["x-kubernetes-patch-strategy"] = "merge"
            schema["x-kubernetes-list-type"] = "set"
    return schema


def _model_schema(model: Model, v3: bool) -> JSON:
    schema: JSON = {"description": model.description, "type": "object"}
    schema["properties"] = {name: _property(model, name, v3) for name in sorted(model.fields)}
    required = sorted(name for name, declared in model.fields.items() if declared.required)
    if required:
        schema["required"] = required
    if model.gvk is not None:
        group, version, kind = model.gvk
        schema["x-kubernetes-group-version-kind"] = [
            {"group": group, "kind": kind, "version": version}
        ]
    return schema


def _reachable(roots: list[Model]) -> list[Model]:
    seen: dict[str, Model] = {}
    pending = list(roots)
    while pending:
        model = pending.pop()
        if model.definition in seen:
            continue
        seen[model.definition] = model
        for declared in model.fields.values():
            field_type = declared.type
            while field_type.item is not None:
                field_type = field_type.item
            if field_type.kind == "model":
                pending.append(models()[field_type.model])
    return [seen[name] for name in sorted(seen)]


def _fixed_definitions() -> JSON:
    """The two definitions no client model describes."""
    return {
        PATCH_DEFINITION: {
            "description": "Patch is provided to give a concrete name and type to the "
            "Kubernetes PATCH request body.",
            "type": "object",
        },
        INT_OR_STRING: {
            "description": "IntOrString is a type that can hold an int32 or a string.",
            "format": "int-or-string",
            "type": "string",
        },
    }


# ---- paths -------------------------------------------------------------------------------


def _parameter(name: str, v3: bool) -> JSON:
    kind = {"limit": "integer", "timeoutSeconds": "integer"}.get(name, "string")
    if name in ("allowWatchBookmarks", "watch", "force"):
        kind = "boolean"
    parameter: JSON = {"name": name, "in": "query", "description": _QUERY[name]}
    if v3:
        parameter["schema"] = {"type": kind, "uniqueItems": True}
    else:
        parameter.update(type=kind, uniqueItems=True)
    return parameter


def _operation_id(verb: str, info: ResourceInfo, collection: bool) -> str:
    group = "".join(part.capitalize() for part in (info.group or "core").split(".")[:1])
    scope = "Namespaced" if info.namespaced else ""
    kind = info.kind + ("List" if collection and verb == "list" else "")
    return f"{verb}{group}{info.version.capitalize()}{scope}{kind}"


def _operation(
    info: ResourceInfo, action: str, params: tuple[str, ...], v3: bool, *, collection: bool
) -> JSON:
    ref = {"$ref": _ref(kind_model(info), v3)}
    operation: JSON = {
        "operationId": _operation_id(action, info, collection),
        "parameters": [_parameter(name, v3) for name in params],
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": {
            "group": info.group,
            "kind": info.kind,
            "version": info.version,
        },
    }
    if v3:
        operation["responses"] = {
            "200": {"description": "OK", "content": {"application/json": {"schema": ref}}}
        }
    else:
        operation["responses"] = {"200": {"description": "OK", "schema": ref}}
    if action in ("post", "put", "patch"):
        body_ref = {"$ref": _ref_name(PATCH_DEFINITION, v3)} if action == "patch" else ref
        types = PATCH_CONTENT_TYPES if action == "patch" else ("application/json",)
        if v3:
            content = {media: {"schema": body_ref} for media in types}
            operation["requestBody"] = {"content": content, "required": True}
        else:
            operation["parameters"].append(
                {"name": "body", "in": "body", "required": True, "schema": body_ref}
            )
            if action == "patch":
                operation["consumes"] = list(types)
    return operation


def _ref_name(definition: str, v3: bool) -> str:
    return f"#/components/schemas/{definition}" if v3 else f"#/definitions/{definition}"


def _paths(info: ResourceInfo, v3: bool) -> JSON:
    root = f"/{api_path(info.group, info.version)}"
    collection = (
        f"{root}/namespaces/{{namespace}}/{info.plural}"
        if info.namespaced
        else f"{root}/{info.plural}"
    )
    paths: JSON = {}
    if info.allows("create") or info.allows("list"):
        entry: JSON = {}
        if info.allows("list"):
            entry["get"] = _operation(info, "list", _LIST_PARAMS, v3, collection=True)
        if info.allows("create"):
            entry["post"] = _operation(info, "post", _WRITE_PARAMS, v3, collection=True)
        paths[collection] = entry
    if info.allows("get"):
        paths[f"{collection}/{{name}}"] = {
            "get": _operation(info, "get", (), v3, collection=False),
            "put": _operation(info, "put", _WRITE_PARAMS, v3, collection=False),
            "patch": _operation(info, "patch", (*_WRITE_PARAMS, "force"), v3, collection=False),
            "delete": _operation(
                info,
                "delete",
                ("dryRun", "gracePeriodSeconds", "propagationPolicy"),
                v3,
                collection=False,
            ),
        }
    return paths


# ---- documents ---------------------------------------------------------------------------


def _group_versions() -> dict[str, list[ResourceInfo]]:
    """`api/v1`, `apis/apps/v1`, ... -> the kinds served there."""
    found: dict[str, list[ResourceInfo]] = {}
    for info in RESOURCES:
        key = api_path(info.group, info.version)
        found.setdefault(key, []).append(info)
    return found


def _encode(document: JSON) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def _document(infos: Sequence[ResourceInfo], v3: bool) -> bytes:
    """One document for `infos`: the OpenAPI 3.0 document of a group version, or Swagger 2.0."""
    roots = [kind_model(info) for info in infos]
    schemas = {model.definition: _model_schema(model, v3) for model in _reachable(roots)}
    schemas.update(_fixed_definitions())
    paths: JSON = {}
    for info in infos:
        paths.update(_paths(info, v3))
    document: JSON = {
        "info": {"title": "Kubernetes", "version": KUBERNETES_VERSION},
        "paths": paths,
    }
    if v3:
        document.update({"openapi": "3.0.0", "components": {"schemas": schemas}})
    else:
        document.update({"swagger": "2.0", "definitions": schemas})
    return _encode(document)


@functools.cache
def _v3_documents() -> dict[str, bytes]:
    return {key: _document(infos, True) for key, infos in _group_versions().items()}


def v3_hash(key: str) -> str:
    return hashlib.sha512(_v3_documents()[key]).hexdigest().upper()


def v3_index() -> JSON:
    """The `/openapi/v3` discovery document."""
    return {
        "paths": {
            key: {"serverRelativeURL": f"{V3_PREFIX}{key}?hash={v3_hash(key)}"}
            for key in sorted(_v3_documents())
        }
    }


def v3_document(key: str) -> bytes | None:
    """The `/openapi/v3/<key>` document (`api/v1`, `apis/apps/v1`, ...), None if unknown."""
    return _v3_documents().get(key)


@functools.cache
def v2_document() -> bytes:
    """The `/openapi/v2` Swagger document."""
    return _document(RESOURCES, False)
