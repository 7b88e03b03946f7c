"""`KubeBackend`: one member cluster over the Kubernetes REST API, JSON dicts in and out.

Every call is bounded by the request timeout, retries included. Retries (at most
`MAX_ATTEMPTS` tries, exponential backoff or the server's Retry-After, never beyond the
time left) happen only where repeating cannot do harm:
- 429 Too Many Requests, for every method: the server refused the request unprocessed;
- 5xx and reset connections, for reads (GET), server-side apply (the same apply twice
  is the same result) and PUT carrying a resourceVersion (a repeat of an update that did
  land is refused with 409, never applied twice). POST and DELETE are not repeated.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from kubectl_fed.backends.kube_errors import (
    ContinueExpired,
    RequestNotSent,
    is_retryable_transport,
    status_error,
)
from kubectl_fed.backends.kube_resources import Resource, resource, resource_of
from kubectl_fed.backends.kube_transport import Request, Response, Transport
from kubectl_fed.core.members.protocols import DELETE, Deletion, JsonPatch, get_or_none
from kubectl_fed.core.members.results import ClusterCallError, Reason
from kubectl_fed.core.model.limits import LIST_PAGE_SIZE, expansion_problem
from kubectl_fed.core.model.markers import FIELD_MANAGER
from kubectl_fed.core.model.objects import KubeObject, labels_of, metadata_of, namespace_of

Names = list[str]  # `list` is shadowed by KubeBackend.list inside the class body
Objects = list[KubeObject]
MAX_ATTEMPTS = 3
FIRST_BACKOFF = 0.2
MAX_CONFLICT_RETRIES = 3
APPLY_PATCH = "application/apply-patch+yaml"
JSON_PATCH = "application/json-patch+json"
# Every write: a field the server does not know (a typo) is refused, never dropped silently.
STRICT = ("fieldValidation", "Strict")
ZONE_LABELS = ("topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone")
# Answers of a server that does not do server-side apply (fall back to get + replace).
_NO_APPLY = {405, 415, 501}


class KubeBackend:
    """Implements `core.ports.MemberCluster` for one kubeconfig context."""

    def __init__(
        self,
        name: str,
        transport: Transport,
        *,
        request_timeout: float,
        sleep: Callable[[float], None] = time.sleep,
        trace: Callable[[str], None] | None = None,
    ) -> None:
        self.name = name
        self._transport = transport
        self._timeout = request_timeout
        self._sleep = sleep
        self._trace = trace

    # -- reads ------------------------------------------------------------------

    def server_version(self) -> str:
        return str(self._call(Request("GET", "/version")).get("gitVersion", "unknown"))

    def discover(self, path: str) -> KubeObject:
        """An API discovery document (`/api/v1`, `/apis`, `/apis/GROUP/VERSION`)."""
        return self._call(Request("GET", path))

    def get(self, kind: str, namespace: str | None, name: str) -> KubeObject:
        res = resource(kind)
        return _with_type(self._call(Request("GET", res.path(namespace, name))), res)

    def list(
        self, kind: str, namespace: str | None, label_selector: str | None = None
    ) -> list[KubeObject]:
        """Every object, LIST_PAGE_SIZE a page; a `continue` token that expired (the
        objects changed too much meanwhile) starts the list again, once."""
        res = resource(kind)
        query = {"limit": str(LIST_PAGE_SIZE)}
        if label_selector:
            query["labelSelector"] = label_selector
        try:
            return self._pages(res, namespace, query)
        except ContinueExpired:
            return self._pages(res, namespace, query)

    def _pages(self, res: Resource, namespace: str | None, first: dict[str, str]) -> Objects:
        query = dict(first)
        items: list[KubeObject] = []
        while True:
            page = self._call(Request("GET", res.path(namespace), tuple(query.items())))
            items.extend(_with_type(item, res) for item in _items(page))
            token = metadata_of(page).get("continue")
            if not token:
                return items
            query["continue"] = token

    # -- writes -----------------------------------------------------------------
    # Creates and updates name our field manager (FIELD_MANAGER) too, so managedFields shows
    # who wrote them. (An apply does not remove what such an Update entry owns: that is why
    # `create` of a federated object goes through server-side apply, see core/writes/member.py.)

    def create(self, obj: KubeObject, *, dry_run: bool = False) -> KubeObject:
        res = resource_of(obj)
        query = (("fieldManager", FIELD_MANAGER), STRICT, *_dry(dry_run))
        request = Request("POST", res.path(_namespace(obj, res)), query, obj)
        return self._call(request)

    def replace(self, obj: KubeObject, *, dry_run: bool = False) -> KubeObject:
        res = resource_of(obj)
        path = res.path(_namespace(obj, res), _name(obj))
        query = (("fieldManager", FIELD_MANAGER), STRICT, *_dry(dry_run))
        return self._call(Request("PUT", path, query, obj))

    def apply(self, obj: KubeObject, *, field_manager: str, dry_run: bool = False) -> KubeObject:
        res = resource_of(obj)
        path = res.path(_namespace(obj, res), _name(obj))
        query = (("fieldManager", field_manager), ("force", "true"), STRICT, *_dry(dry_run))
        try:
            return self._call(Request("PATCH", path, query, obj, APPLY_PATCH))
        except _NoServerSideApply:
            return self._apply_by_replace(obj, res, dry_run)

    def create_as_applied(
        self, obj: KubeObject, *, field_manager: str, dry_run: bool = False
    ) -> KubeObject:
        """POST, then hand the fields the POST gave `field_manager`'s Update entry to its
        Apply entry, as kubectl's upgrade from client-side to server-side apply does."""
        res = resource_of(obj)
        query = (("fieldManager", field_manager), STRICT, *_dry(dry_run))
        created = self._call(Request("POST", res.path(_namespace(obj, res)), query, obj))
        return created if dry_run else self._owned_as_applied(created, res, field_manager)

    def _owned_as_applied(self, created: KubeObject, res: Resource, manager: str) -> KubeObject:
        """`created` with its managedFields rewritten; unchanged when that cannot be done
        (an older server). When the entry moved meanwhile (a controller's write), the
        guarded patch fails: the object is read again and the hand-over tried again, so
        every field the create set stays one a later apply can drop."""
        current = created
        for _attempt in range(MAX_CONFLICT_RETRIES):
            patch = _apply_ownership_patch(current, manager)
            if patch is None:
                return current
            path = res.path(_namespace(current, res), _name(current))
            try:
                return self._call(Request("PATCH", path, (STRICT,), patch, JSON_PATCH))
            except ClusterCallError:
                try:
                    current = _with_type(self._call(Request("GET", path)), res)
                except ClusterCallError:
                    return current  # the create stands
        return current

    def json_patch(
        self,
        kind: str,
        namespace: str | None,
        name: str,
        operations: JsonPatch,
        *,
        dry_run: bool = False,
    ) -> KubeObject:
        res = resource(kind)
        query = (("fieldManager", FIELD_MANAGER), *_dry(dry_run))
        path = res.path(namespace, name)
        return _with_type(self._call(Request("PATCH", path, query, operations, JSON_PATCH)), res)

    def delete(self, kind: str, namespace: str | None, name: str, how: Deletion = DELETE) -> None:
        grace = () if how.grace_period is None else (("gracePeriodSeconds", str(how.grace_period)),)
        query = (("propagationPolicy", how.propagation), *grace, *_dry(how.dry_run))
        self._call(Request("DELETE", resource(kind).path(namespace, name), query))

    def _apply_by_replace(self, obj: KubeObject, res: Resource, dry_run: bool) -> KubeObject:
        """Create, or overlay `obj` on the live object and PUT it; re-read on 409."""
        namespace, name = _namespace(obj, res), _name(obj)
        for _ in range(MAX_CONFLICT_RETRIES):
            try:
                live = self.get(res.plural, namespace, name)
            except ClusterCallError as err:
                if err.reason is Reason.NOT_FOUND:
                    return self.create(obj, dry_run=dry_run)
                raise
            try:
                return self.replace(_overlay(live, obj), dry_run=dry_run)
            except ClusterCallError as err:
                if err.reason is not Reason.CONFLICT:
                    raise
        raise ClusterCallError(Reason.CONFLICT, f"{res.kind} {name} kept changing; try again")

    # -- cluster facts ------------------------------------------------------------

    def list_zones(self) -> Names:
        zones = set()
        for node in self.list("nodes", None):
            labels = labels_of(node)
            zone = next((labels[key] for key in ZONE_LABELS if labels.get(key)), None)
            if zone:
                zones.add(str(zone))
        return sorted(zones)

    def ingress_uid(self) -> str | None:
        from kubectl_fed.core.ingress.glbc_uid import (
            UID_CONFIGMAP_NAME,
            UID_CONFIGMAP_NAMESPACE,
            UID_KEY,
        )

        configmap = get_or_none(self, "configmaps", UID_CONFIGMAP_NAMESPACE, UID_CONFIGMAP_NAME)
        uid = ((configmap or {}).get("data") or {}).get(UID_KEY)
        return str(uid) if uid is not None else None

    def access_review(self, verb: str, resource_name: str, namespace: str | None) -> bool:
        res = resource(resource_name)
        attributes = {"verb": verb, "group": res.group, "resource": res.plural}
        if namespace is not None:
            attributes["namespace"] = namespace
        review = {
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SelfSubjectAccessReview",
            "spec": {"resourceAttributes": attributes},
        }
        answer = self.create(review)
        return bool((answer.get("status") or {}).get("allowed"))

    # -- one call, with retries -----------------------------------------------------

    def _call(self, request: Request) -> dict[str, Any]:
        end = time.monotonic() + self._timeout
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return self._attempt(request, end)
            except _Retryable as retry:
                if attempt == MAX_ATTEMPTS or not self._backoff(attempt, retry.headers, end):
                    raise retry.error from None
        raise AssertionError("unreachable")  # the loop always returns or raises

    def _attempt(self, request: Request, end: float) -> dict[str, Any]:
        try:
            response = self._send(request, max(end - time.monotonic(), 0.001))
        except ClusterCallError as err:
            if isinstance(err, RequestNotSent) or (
                is_retryable_transport(err) and _repeatable(request)
            ):
                raise _Retryable(err, None) from None
            if err.reason is Reason.TIMEOUT:  # name the flag's value, not the time left
                message = f"no answer within {self._timeout:g}s"
                if request.method != "GET":  # the server may have done it all the same
                    message += ": the request was sent; its outcome is unknown"
                raise ClusterCallError(err.reason, message) from None
            raise
        if 200 <= response.status < 300:
            return _decode(response)
        if response.status < 400:  # 1xx, or a redirect we must not follow: nothing was done
            message = f"HTTP {response.status} {response.phrase}".strip()
            raise ClusterCallError(Reason.BAD_RESPONSE, message)
        error = _failure(request, response)
        if _retry_on(request, response.status):
            raise _Retryable(error, response.headers)
        raise error

    def _send(self, request: Request, timeout: float) -> Response:
        """One exchange; with --debug, one line per request (method, path, outcome, time)."""
        if self._trace is None:
            return self._transport(request, timeout)
        started = time.monotonic()
        outcome = "no answer"
        try:
            response = self._transport(request, timeout)
            outcome = str(response.status)
            return response
        except ClusterCallError as err:
            outcome = f"{err.reason.value}: {err.message}"
            raise
        finally:
            took = (time.monotonic() - started) * 1000
            self._trace(
                f"{self.name}: {request.method} {request.path} -> {outcome} ({took:.0f} ms)"
            )

    def _backoff(self, attempt: int, headers: Mapping[str, str] | None, end: float) -> bool:
        """Sleep before the next try; False when the wait would outlast the time left."""
        wait = _retry_after(headers) or FIRST_BACKOFF * 2 ** (attempt - 1)
        if time.monotonic() + wait >= end:
            return False
        self._sleep(wait)
        return True


class _NoServerSideApply(ClusterCallError):
    pass


class _Retryable(Exception):
    def __init__(self, error: ClusterCallError, headers: Mapping[str, str] | None) -> None:
        super().__init__(error.message)
        self.error = error
        self.headers = headers


def _failure(request: Request, response: Response) -> ClusterCallError:
    if request.content_type == APPLY_PATCH and response.status in _NO_APPLY:
        return _NoServerSideApply(Reason.INVALID, "server-side apply is not supported")
    return status_error(response.status, response.data, response.phrase)


def _repeatable(request: Request) -> bool:
    if request.method == "GET" or request.content_type == APPLY_PATCH:
        return True
    if request.method != "PUT" or not isinstance(request.body, dict):
        return False
    return bool(metadata_of(request.body).get("resourceVersion"))


def _retry_on(request: Request, status: int) -> bool:
    return status == 429 or (status >= 500 and status != 501 and _repeatable(request))


def _retry_after(headers: Mapping[str, str] | None) -> float | None:
    if not headers:
        return None
    value = {k.lower(): v for k, v in headers.items()}.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: rare from API servers; fall back to our backoff


def _decode(response: Response) -> dict[str, Any]:
    """The answer's JSON object; anything else is the member's error, not ours."""
    try:
        document = json.loads(response.data)
    except RecursionError:
        raise ClusterCallError(Reason.BAD_RESPONSE, "JSON nested too deeply") from None
    except ValueError:
        raise ClusterCallError(Reason.BAD_RESPONSE, "the server answered with non-JSON") from None
    if not isinstance(document, dict):
        found = type(document).__name__
        raise ClusterCallError(Reason.BAD_RESPONSE, f"expected a JSON object, got {found}")
    problem = expansion_problem(document, max_values=None)
    if problem:
        raise ClusterCallError(Reason.BAD_RESPONSE, problem)
    return document


def _items(page: dict[str, Any]) -> list[dict[str, Any]]:
    items = page.get("items") or []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ClusterCallError(Reason.BAD_RESPONSE, "a list whose items are not all objects")
    return items


def _with_type(obj: dict[str, Any], res: Resource) -> KubeObject:
    """List items come without apiVersion/kind; callers always get both."""
    obj.setdefault("apiVersion", res.group_version)
    obj.setdefault("kind", res.kind)
    return obj


def _overlay(live: KubeObject, desired: KubeObject) -> KubeObject:
    """`desired` written over `live`, keeping server-set fields such as spec.clusterIP."""
    merged = _merge_maps(live, desired)
    merged.pop("status", None)
    return merged


def _merge_maps(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """Maps merged key by key, everything else (lists, scalars) taken from `top`."""
    merged = copy.deepcopy(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge_maps(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _dry(dry_run: bool) -> tuple[tuple[str, str], ...]:
    return (("dryRun", "All"),) if dry_run else ()


def _name(obj: KubeObject) -> str:
    name = metadata_of(obj).get("name")
    if not name:
        raise ValueError("object without metadata.name")
    return str(name)


def _namespace(obj: KubeObject, res: Resource) -> str | None:
    if not res.namespaced:
        return None
    return namespace_of(obj)


def _apply_ownership_patch(obj: KubeObject, manager: str) -> list[dict[str, Any]] | None:
    """A JSON patch that turns `manager`'s Update entry into an Apply entry; None when there
    is nothing to turn (or no managedFields).

    Only that entry's `operation` is replaced, guarded by tests of the entry itself (not of
    the resourceVersion): a controller's write in between (a status, GLBC's annotations)
    keeps its own entry and does not fail the patch; an entry that moved does, and the
    object is read again."""
    entries = metadata_of(obj).get("managedFields")
    if not isinstance(entries, list):
        return None
    patch: list[dict[str, Any]] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        if (entry.get("manager"), entry.get("operation")) != (manager, "Update"):
            continue
        at = f"/metadata/managedFields/{index}"
        patch += [
            {"op": "test", "path": f"{at}/manager", "value": manager},
            {"op": "test", "path": f"{at}/operation", "value": "Update"},
            {"op": "replace", "path": f"{at}/operation", "value": "Apply"},
        ]
    return patch or None
