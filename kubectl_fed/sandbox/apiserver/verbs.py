"""The resource verbs of the API server: get, list, watch, create, update, patch, delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from kubectl_fed.sandbox.apiserver import deletion, fieldvalidation, paging, patching
from kubectl_fed.sandbox.apiserver.access import forbidden
from kubectl_fed.sandbox.apiserver.errors import (
    ApiError,
    bad_request,
    method_not_allowed,
    unsupported_media_type,
)
from kubectl_fed.sandbox.apiserver.ownership import missing_field_manager
from kubectl_fed.sandbox.apiserver.routes import ResourcePath
from kubectl_fed.sandbox.apiserver.scale import ScaleSubresource
from kubectl_fed.sandbox.apiserver.watch import serve_watch

if TYPE_CHECKING:
    from kubectl_fed.sandbox.apiserver.handler import ApiHandler

JSON = dict[str, Any]
TABLE_CONTENT_TYPE = "application/json;as=Table;v=v1;g=meta.k8s.io"
PATCH_TYPES = {
    "application/merge-patch+json": "merge",
    "application/strategic-merge-patch+json": "strategic",
    "application/json-patch+json": "json",
    "application/apply-patch+yaml": "apply",
}

# Kinds whose DELETE answers with the deleted object, as kube-apiserver does (and as the
# official clients expect: delete_namespaced_service returns a V1Service); others get a Status.
RETURN_DELETED_OBJECT = frozenset({"pods", "services"})


def _verb(method: str, target: ResourcePath, watch: bool) -> str:
    if target.name is None:
        verbs = {
            "GET": "watch" if watch else "list",
            "POST": "create",
            "DELETE": "deletecollection",
        }
    else:
        verbs = {"GET": "get", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}
    verb = verbs.get(method)
    if verb is None or not target.info.allows(verb):
        raise method_not_allowed()
    return verb


def list_kind(kind: str) -> str:
    return f"{kind}List"


class ResourceVerbs:
    """Answers one request on a resource path through the handler that received it."""

    def __init__(self, handler: ApiHandler) -> None:
        self.handler = handler

    def access_review(self, body: bytes) -> int:
        if self.handler.command != "POST":
            raise method_not_allowed()
        review = self.handler.json_body(body)
        attributes = (review.get("spec") or {}).get("resourceAttributes") or {}
        allowed = self.handler.cluster.access.allowed(
            str(attributes.get("verb", "")),
            str(attributes.get("resource", "")),
            attributes.get("namespace") or None,
        )
        review.setdefault("metadata", {})["creationTimestamp"] = None
        review["apiVersion"], review["kind"] = "authorization.k8s.io/v1", "SelfSubjectAccessReview"
        review["status"] = {"allowed": allowed}
        if allowed:
            review["status"]["reason"] = 'RBAC: allowed by ClusterRoleBinding "sandbox-admin"'
        return self.handler.send_json(201, review)

    def serve(self, target: ResourcePath, body: bytes) -> int:
        watch = self.handler.query.get("watch") in ("true", "1")
        verb = _verb(self.handler.command, target, watch)
        if not self.handler.cluster.access.allowed(verb, target.plural, target.namespace):
            raise forbidden(verb, target.plural, target.info.group, target.namespace, target.name)
        dry_run = self.handler.query.get("dryRun") == "All"
        if target.subresource == "scale":
            return self._scale(target, verb, body, dry_run)
        if verb == "watch":
            return serve_watch(self.handler, target, self.handler.wants_table())
        if verb == "list":
            return self._list(target)
        if verb == "get":
            obj = self.handler.cluster.store.get(target.plural, target.namespace, str(target.name))
            return self._send_object(200, target, obj)
        if verb == "create":
            obj = self.handler.cluster.store.create(
                target.plural,
                target.namespace,
                self._checked_object(target, body),
                dry_run=dry_run,
                field_manager=self._field_manager(),
            )
            return self._send_object(201, target, obj)
        if verb == "update":
            obj = self.handler.cluster.store.update(
                target.plural,
                target.namespace,
                str(target.name),
                self._checked_object(target, body),
                target.subresource,
                dry_run=dry_run,
                field_manager=self._field_manager(),
            )
            return self._send_object(200, target, obj)
        if verb == "patch":
            return self._patch(target, body, dry_run)
        if verb == "delete":
            return self._delete(target, body, dry_run)
        return self._delete_collection(target, dry_run)

    def _list(self, target: ResourcePath) -> int:
        items, version = self.handler.cluster.store.snapshot(
            target.plural,
            target.namespace,
            self.handler.query.get("labelSelector"),
            self.handler.query.get("fieldSelector"),
        )
        store = self.handler.cluster.store
        found = paging.page(
            items, version, self.handler.query, kept=lambda rv: store.events_since(rv) is not None
        )
        items = found.items
        if self.handler.wants_table():
            table = self.handler.table(target, items)
            table["metadata"] = found.metadata
            return self.handler.send_json(200, table, content_type=TABLE_CONTENT_TYPE)
        for item in items:
            item.pop("apiVersion", None)
            item.pop("kind", None)
            self.handler.cluster.store.with_managed_fields(target.plural, item)
        document = {
            "kind": list_kind(target.info.kind),
            "apiVersion": target.info.group_version,
            "metadata": found.metadata,
            "items": items,
        }
        return self.handler.send_json(200, document)

    def _validation(self) -> str:
        return fieldvalidation.DIRECTIVE.of(self.handler.query.get("fieldValidation"))

    def _checked_object(self, target: ResourcePath, body: bytes) -> JSON:
        """A create or update body, after field validation (see `fieldvalidation`)."""
        decoded = fieldvalidation.decode(body)
        if not isinstance(decoded.value, dict):
            raise bad_request("the request body must be a JSON object")
        mode = self._validation()
        self.handler.warnings += fieldvalidation.check_object(target.info, decoded, mode)
        return decoded.value

    def _checked_patch(self, target: ResourcePath, body: bytes, patch_type: str) -> Any:
        """A merge, strategic merge or JSON patch, after field validation."""
        decoded, mode = fieldvalidation.decode(body), self._validation()
        patched = None
        if patch_type == "json" and mode != "Ignore":
            store = self.handler.cluster.store
            current = store.get(target.plural, target.namespace, str(target.name))
            current = store.with_managed_fields(target.plural, current)  # patchable, as upstream
            patched = patching.apply_patch(current, decoded.value, patch_type)
        self.handler.warnings += fieldvalidation.check_patch(
            target.info, decoded, patch_type, patched, mode
        )
        return decoded.value

    def _decode_patch(self, body: bytes) -> tuple[Any, str]:
        content_type = (self.handler.headers.get("Content-Type") or "").split(";")[0].strip()
        patch_type = PATCH_TYPES.get(content_type)
        if patch_type is None:
            raise unsupported_media_type(content_type)
        if patch_type != "apply":
            return self.handler.json_value(body), patch_type
        try:
            return yaml.safe_load(body.decode() or "{}"), patch_type
        except yaml.YAMLError as err:
            raise bad_request(f"error decoding YAML: {err}") from err

    def _scale(self, target: ResourcePath, verb: str, body: bytes, dry_run: bool) -> int:
        store = self.handler.cluster.store
        scale = ScaleSubresource(store, target.plural, target.namespace, str(target.name))
        if verb == "get":
            return self.handler.send_json(200, scale.get())
        if verb == "update":
            return self.handler.send_json(
                200, scale.update(self.handler.json_body(body), dry_run=dry_run)
            )
        if verb != "patch":
            raise method_not_allowed()
        patch, patch_type = self._decode_patch(body)
        return self.handler.send_json(200, scale.patch(patch, patch_type, dry_run=dry_run))

    def _field_manager(self) -> str | None:
        """`?fieldManager=`, else the User-Agent's product name, as upstream defaults it."""
        agent = (self.handler.headers.get("User-Agent") or "").split("/")[0].strip()
        return self.handler.query.get("fieldManager") or agent or None

    def _patch(self, target: ResourcePath, body: bytes, dry_run: bool) -> int:
        patch, patch_type = self._decode_patch(body)
        if patch_type == "apply" and not self.handler.query.get("fieldManager"):
            raise missing_field_manager()
        if patch_type != "apply" and target.subresource is None:
            patch = self._checked_patch(target, body, patch_type)
        elif target.subresource is None:
            fieldvalidation.check_apply(target.info, patch, target.namespace, str(target.name))
        store, name = self.handler.cluster.store, str(target.name)
        existed = self._exists(target)
        obj = store.patch(
            target.plural,
            target.namespace,
            name,
            patch,
            patch_type,
            target.subresource,
            dry_run=dry_run,
            field_manager=self._field_manager(),
            force=self.handler.query.get("force") in ("true", "1"),
        )
        return self._send_object(200 if existed else 201, target, obj)

    def _exists(self, target: ResourcePath) -> bool:
        try:
            self.handler.cluster.store.get(target.plural, target.namespace, str(target.name))
        except ApiError:
            return False
        return True

    def _delete(self, target: ResourcePath, body: bytes, dry_run: bool) -> int:
        options = self.handler.json_body(body) if body.strip() else {}
        query = self.handler.query
        policy = deletion.PROPAGATION.of(
            options.get("propagationPolicy") or query.get("propagationPolicy")
        )
        orphan = options.get("orphanDependents", query.get("orphanDependents") == "true")
        grace = options.get("gracePeriodSeconds", query.get("gracePeriodSeconds"))
        dry_run = dry_run or options.get("dryRun") == ["All"]
        obj = self.handler.cluster.store.delete(
            target.plural,
            target.namespace,
            str(target.name),
            dry_run=dry_run,
            orphan=orphan is True,
            propagation=policy,
            grace_period=deletion.requested_grace(grace),
        )
        if not dry_run and self._exists(target):  # marked, not yet removed: the object
            return self._send_object(200, target, obj)
        if target.plural in RETURN_DELETED_OBJECT:
            return self.handler.send_json(200, obj)
        details: JSON = {"name": target.name, "kind": target.plural, "uid": obj["metadata"]["uid"]}
        if target.info.group:
            details["group"] = target.info.group
        status = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Success",
            "details": details,
        }
        return self.handler.send_json(200, status)

    def _delete_collection(self, target: ResourcePath, dry_run: bool) -> int:
        store = self.handler.cluster.store
        items = store.list(
            target.plural,
            target.namespace,
            self.handler.query.get("labelSelector"),
            self.handler.query.get("fieldSelector"),
        )
        for item in items:
            meta = item["metadata"]
            store.delete(target.plural, meta.get("namespace"), meta["name"], dry_run=dry_run)
        document = {
            "kind": list_kind(target.info.kind),
            "apiVersion": target.info.group_version,
            "metadata": {},
            "items": items,
        }
        return self.handler.send_json(200, document)

    def _send_object(self, code: int, target: ResourcePath, obj: JSON) -> int:
        if self.handler.wants_table() and self.handler.command == "GET":
            return self.handler.send_json(
                code, self.handler.table(target, [obj]), content_type=TABLE_CONTENT_TYPE
            )
        return self.handler.send_json(
            code, self.handler.cluster.store.with_managed_fields(target.plural, obj)
        )
