"""The Compute Engine v1 REST paths a reader of an L7 load balancer calls, over loopback HTTP.

Read-only: list/get of the global load balancer resources and zonal instance groups,
aggregated lists, `backendServices.getHealth` and `instanceGroups.listInstances`.
Errors are GCE's JSON error documents, so google-api-core raises its usual exceptions.
"""

from __future__ import annotations

import json
import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kubectl_fed.sandbox.gce.listing import InvalidQuery, ListQuery
from kubectl_fed.sandbox.gce.resources import GLOBAL, KINDS, Body
from kubectl_fed.sandbox.gce.state import GceState
from kubectl_fed.sandbox.serving import OpenConnections, send_json

ZONAL = {"instanceGroups"}
AGGREGATED = {
    "instanceGroups",
    "backendServices",
    "healthChecks",
    "urlMaps",
    "targetHttpProxies",
    "targetHttpsProxies",
    "sslCertificates",
}
PATH = re.compile(
    r"^/compute/v1/projects/(?P<project>[^/]+)/"
    r"(?:(?P<aggregated>aggregated)/(?P<agg>[A-Za-z]+)"
    r"|(?:global|zones/(?P<zone>[^/]+))/(?P<collection>[A-Za-z]+)"
    r"(?:/(?P<name>[^/]+)(?:/(?P<verb>[A-Za-z]+))?)?)$"
)

# How often serve_forever looks for a shutdown request: stopping a sandbox waits this long.
SHUTDOWN_POLL_INTERVAL = 0.05


class GceError(Exception):
    def __init__(self, status: HTTPStatus, message: str, reason: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


def not_found(resource: str) -> GceError:
    return GceError(HTTPStatus.NOT_FOUND, f"The resource '{resource}' was not found", "notFound")


class Router:
    """Maps a method and path to a JSON document, or raises GceError."""

    def __init__(self, state: GceState) -> None:
        self.state = state
        self._calls: list[tuple[str, str]] = []
        self._calls_lock = threading.Lock()

    def calls(self) -> list[tuple[str, str]]:
        """(method, path and query) of every call so far, in arrival order."""
        with self._calls_lock:
            return list(self._calls)

    def clear_calls(self) -> None:
        with self._calls_lock:
            self._calls.clear()

    def handle(self, method: str, path: str, body: Body) -> Body:
        with self._calls_lock:
            self._calls.append((method, path))
        url = urlsplit(path)
        match = PATH.match(url.path)
        if match is None:
            raise GceError(HTTPStatus.NOT_FOUND, f"Unknown path {url.path}", "notFound")
        parts = match.groupdict()
        if parts["project"] != self.state.project:
            raise not_found(f"projects/{parts['project']}")
        try:
            query = ListQuery.parse(parse_qs(url.query))
        except InvalidQuery as err:
            raise GceError(HTTPStatus.BAD_REQUEST, str(err), "invalid") from None
        if parts["aggregated"]:
            return self._aggregated(method, parts["agg"], query)
        return self._scoped(method, parts, body, query)

    def _scoped(self, method: str, parts: dict[str, Any], body: Body, query: ListQuery) -> Body:
        collection, name, verb = parts["collection"], parts["name"], parts["verb"]
        scope = parts["zone"] or GLOBAL
        if collection not in KINDS or (collection in ZONAL) != (scope != GLOBAL):
            raise not_found(self._where(collection, name, scope))
        if verb is not None:
            _expect(method, "POST")
            return self._verb(collection, name, verb, scope, body)
        _expect(method, "GET")
        if name is None:
            return self._list(collection, scope, query)
        found = self.state.get_resource(collection, name, scope)
        if found is None:
            raise not_found(self._where(collection, name, scope))
        return found

    def _list(self, collection: str, scope: str, query: ListQuery) -> Body:
        where = GLOBAL if scope == GLOBAL else f"zones/{scope}"
        items, next_page = query.page(self.state.list_resources(collection, scope))
        listed = {
            "kind": f"compute#{KINDS[collection]}List",
            "id": f"projects/{self.state.project}/{where}/{collection}",
            "items": items,
            "selfLink": f"{self.state.links.base}/projects/{self.state.project}/{where}/"
            f"{collection}",
        }
        return {**listed, "nextPageToken": next_page} if next_page else listed

    def _aggregated(self, method: str, collection: str, query: ListQuery) -> Body:
        """Aggregated lists filter but do not page (every scope fits in one answer here)."""
        _expect(method, "GET")
        if collection not in AGGREGATED:
            raise not_found(f"projects/{self.state.project}/aggregated/{collection}")
        scopes = {
            scope: [item for item in items if query.matches(item)]
            for scope, items in self.state.aggregated(collection).items()
        }
        return {
            "kind": f"compute#{KINDS[collection]}AggregatedList",
            "id": f"projects/{self.state.project}/aggregated/{collection}",
            "items": {scope: {collection: items} for scope, items in scopes.items() if items},
        }

    def _verb(self, collection: str, name: str, verb: str, scope: str, body: Body) -> Body:
        if (collection, verb) == ("backendServices", "getHealth"):
            return self._health(name, str(body.get("group", "")))
        if (collection, verb) == ("instanceGroups", "listInstances"):
            instances = self.state.group_instances(scope, name)
            if instances is None:
                raise not_found(self._where(collection, name, scope))
            return {
                "kind": "compute#instanceGroupsListInstances",
                "items": [{"instance": link, "status": "RUNNING"} for link in instances],
            }
        raise GceError(HTTPStatus.NOT_FOUND, f"Unknown method {collection}.{verb}", "notFound")

    def _health(self, service: str, group: str) -> Body:
        if not self.state.has_resource("backendServices", service):
            raise not_found(self._where("backendServices", service, GLOBAL))
        health = self.state.group_health(service, group)
        if health is None:
            raise GceError(
                HTTPStatus.BAD_REQUEST,
                f"Invalid value for field 'resource.group': '{group}'. "
                f"Instance group is not a backend of backend service {service}.",
                "invalid",
            )
        return {"kind": "compute#backendServiceGroupHealth", "healthStatus": health}

    def _where(self, collection: str, name: str | None, scope: str) -> str:
        where = GLOBAL if scope == GLOBAL else f"zones/{scope}"
        return f"projects/{self.state.project}/{where}/{collection}/{name or ''}".rstrip("/")


def _expect(method: str, allowed: str) -> None:
    if method != allowed:
        raise GceError(
            HTTPStatus.METHOD_NOT_ALLOWED,
            f"{method} is not supported by the sandbox's read-only Compute API",
            "methodNotAllowed",
        )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no delayed-ACK stall
    server: _Server

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def _serve(self, method: str) -> None:
        try:
            document = self.server.router.handle(method, self.path, self._body())
            self._reply(HTTPStatus.OK, document)
        except GceError as err:
            self._reply(err.status, _error_document(err))
        except ValueError as err:
            bad = GceError(HTTPStatus.BAD_REQUEST, f"Invalid JSON payload: {err}", "parseError")
            self._reply(bad.status, _error_document(bad))

    def _body(self) -> Body:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parsed = json.loads(raw) if raw.strip() else {}
        return parsed if isinstance(parsed, dict) else {}

    def _reply(self, status: HTTPStatus, document: Body) -> None:
        send_json(self, status, document, "application/json; charset=UTF-8")

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the sandbox must not write access logs over the user's terminal."""


def _error_document(err: GceError) -> Body:
    message = str(err)
    return {
        "error": {
            "code": int(err.status),
            "message": message,
            "errors": [{"message": message, "domain": "global", "reason": err.reason}],
        }
    }


class _Server(ThreadingHTTPServer):
    """Joins its handler threads on close, after cutting the clients' idle keep-alive
    connections, so stopping the emulator leaves no thread behind."""

    daemon_threads = False
    block_on_close = True
    # socketserver's default of 5 pending connections resets clients when 200 members'
    # getHealth calls and a benchmark's parallel commands arrive at once.
    request_queue_size = 256

    def __init__(self, router: Router) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.router = router
        self.connections = OpenConnections()

    def process_request(self, request: Any, client_address: Any) -> None:
        self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.connections.discard(request)
        super().shutdown_request(request)


class GceServer:
    """The emulator on an ephemeral loopback port: `endpoint` is what
    `client_options.api_endpoint` takes. The port is bound by `start()`."""

    def __init__(self, state: GceState) -> None:
        self.state = state
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        if self._server is None:
            raise RuntimeError("the GCE emulator is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> GceServer:
        self._server = _Server(Router(self.state))
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL_INTERVAL},
            name="gce-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    @property
    def router(self) -> Router:
        if self._server is None:
            raise RuntimeError("the GCE emulator is not running")
        return self._server.router

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None and thread is not None:
            server.shutdown()
            server.connections.shut_down()
            server.server_close()
            thread.join()
