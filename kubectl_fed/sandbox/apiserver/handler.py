"""The HTTP request handler: authentication, faults, routing, and kube-apiserver's answers."""

from __future__ import annotations

import hmac
import json
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from kubectl_fed.sandbox.apiserver import discovery, faults, openapi
from kubectl_fed.sandbox.apiserver.access import forbidden_path
from kubectl_fed.sandbox.apiserver.errors import (
    ApiError,
    bad_request,
    not_acceptable,
    path_not_found,
    status_body,
)
from kubectl_fed.sandbox.apiserver.fieldvalidation import warning_header
from kubectl_fed.sandbox.apiserver.requestlog import RequestRecord
from kubectl_fed.sandbox.apiserver.routes import ResourcePath, parse_resource_path
from kubectl_fed.sandbox.apiserver.seed import KUBERNETES_VERSION
from kubectl_fed.sandbox.apiserver.tables import to_table
from kubectl_fed.sandbox.apiserver.verbs import ResourceVerbs

if TYPE_CHECKING:
    from kubectl_fed.sandbox.apiserver.server import ApiCluster, _TLSServer

JSON = dict[str, Any]
HEALTH_PATHS = ("/healthz", "/livez", "/readyz")
ANONYMOUS_PATHS = (*HEALTH_PATHS, "/version")
VERSION = {
    "major": "1",
    "minor": "29",
    "gitVersion": KUBERNETES_VERSION,
    "gitCommit": "4b1d8a1c5d6f7e8f9a0b1c2d3e4f5a6b7c8d9e0f",
    "gitTreeState": "clean",
    "buildDate": "2024-10-22T08:13:45Z",
    "goVersion": "go1.22.8",
    "compiler": "gc",
    "platform": "linux/amd64",
}


class ApiHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 300  # an idle keep-alive connection is closed after five minutes
    # Headers and body are two writes: with Nagle's algorithm the body would wait for the
    # client's delayed ACK (~40 ms per response). Real API servers send without delay.
    disable_nagle_algorithm = True
    server: _TLSServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the cluster's RequestLog records every request."""

    @property
    def cluster(self) -> ApiCluster:
        return self.server.cluster

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    # ---- one request -------------------------------------------------------------------

    def _handle(self) -> None:
        split = urlsplit(self.path)
        self.url_path, self.query_text = split.path.rstrip("/") or "/", split.query
        self.query = {key: values[-1] for key, values in parse_qs(split.query).items()}
        code, self.logged = 500, False
        self.warnings: list[str] = []  # sent as `Warning` headers with the answer
        self.cluster.requests.begin()
        try:
            body = self._read_body()
            self._pause(self.cluster.latency_ms / 1000)
            self._apply_fault()
            self._authenticate()
            code = self._route(body)
        except ApiError as err:
            code = self.send_json(err.code, err.status, err.headers)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as err:  # a sandbox bug must still answer like an API server
            failure = status_body(500, "InternalError", f"Internal error occurred: {err!r}", {})
            code = self.send_json(500, failure)
        finally:
            if not self.logged:
                self.log_request_status(code)
            self.cluster.requests.end()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Called by send_response: record the request before any byte of its answer leaves,
        so a client that has its answer also finds it in the request log."""
        if not getattr(self, "logged", True):  # only within _handle
            self.log_request_status(int(code))

    def log_request_status(self, code: int) -> None:
        """Record this request once (a watch records itself as soon as it streams)."""
        if self.logged:
            return
        self.logged = True
        self.cluster.requests.add(RequestRecord(self.command, self.url_path, self.query_text, code))

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _pause(self, seconds: float) -> None:
        if seconds > 0:
            self.cluster.stopping.wait(seconds)

    def _apply_fault(self) -> None:
        fault = self.cluster.fault
        if fault is None:
            return
        if fault.mode == "slow":
            self.cluster.hold(fault.seconds)
        elif fault.mode == "error":
            raise faults.server_error(fault.code)
        elif fault.mode == "throttle":
            raise faults.throttled()
        elif fault.mode == "unauthorized":
            raise faults.unauthorized()
        elif fault.mode == "forbidden":
            raise forbidden_path(self.command.lower(), self.url_path)
        elif fault.mode == "conflict" and self.command in faults.UPDATE_METHODS:
            raise faults.conflict(self.url_path)
        elif fault.mode == "unreachable":
            self.close_connection = True
            raise faults.server_error(503)

    def _authenticate(self) -> None:
        header = self.headers.get("Authorization") or ""
        if not header and self.url_path in ANONYMOUS_PATHS:
            return
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), self.cluster.token.encode()
        ):
            raise faults.unauthorized()

    # ---- routing -----------------------------------------------------------------------

    def _route(self, body: bytes) -> int:
        path = self.url_path
        if path in HEALTH_PATHS:
            return self.send_text(200, "ok")
        if path == "/version":
            return self.send_json(200, VERSION)
        if path == "/openapi/v2" or path.startswith("/openapi/v3"):
            return self._openapi(path)
        document = self._discovery(path)
        if document is not None:
            return document
        target = parse_resource_path(path)
        if target is None:
            raise path_not_found()
        verbs = ResourceVerbs(self)
        if target.plural == "selfsubjectaccessreviews":
            return verbs.access_review(body)
        return verbs.serve(target, body)

    def _openapi(self, path: str) -> int:
        accept = self.headers.get("Accept") or "*/*"
        if not any(kind in accept for kind in ("application/json", "*/*", "application/*")):
            raise not_acceptable()
        if path == "/openapi/v2":
            return self._send(200, openapi.v2_document(), "application/json", None)
        if path == "/openapi/v3":
            return self.send_json(200, openapi.v3_index())
        key = path.removeprefix(openapi.V3_PREFIX)
        document = openapi.v3_document(key)
        if document is None:
            raise path_not_found()
        headers = {"Etag": f'"{openapi.v3_hash(key)}"'}
        if self.query.get("hash") == openapi.v3_hash(key):
            headers["Cache-Control"] = "public, immutable"
        return self._send(200, document, "application/json", headers)

    def _discovery(self, path: str) -> int | None:
        if path in ("/api", "/apis"):
            version = discovery.negotiate_aggregated(self.headers.get("Accept"))
            if version is not None:
                document = discovery.aggregated_discovery(path == "/api", version)
                return self.send_json(
                    200, document, content_type=discovery.aggregated_content_type(version)
                )
            if path == "/api":
                return self.send_json(200, discovery.core_api_versions("127.0.0.1"))
            return self.send_json(200, discovery.api_group_list())
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "api":
            found = discovery.api_resource_list("", parts[1])
        elif len(parts) == 3 and parts[0] == "apis":
            found = discovery.api_resource_list(parts[1], parts[2])
        elif len(parts) == 2 and parts[0] == "apis":
            found = discovery.api_group(parts[1])
        else:
            return None
        if found is None:
            raise path_not_found()
        return self.send_json(200, found)

    # ---- bodies ------------------------------------------------------------------------

    def json_value(self, body: bytes) -> Any:
        try:
            return json.loads(body or b"null")
        except ValueError as err:
            raise bad_request(f"the request body is not valid JSON: {err}") from err

    def json_body(self, body: bytes) -> JSON:
        value = self.json_value(body)
        if not isinstance(value, dict):
            raise bad_request("the request body must be a JSON object")
        return value

    def wants_table(self) -> bool:
        accept = self.headers.get("Accept") or ""
        first = accept.split(",")[0]
        return "as=Table" in first.replace(" ", "")

    def table(self, target: ResourcePath, objects: list[JSON], *, no_headers: bool = False) -> JSON:
        try:
            return to_table(
                target.plural,
                objects,
                now=datetime.now(UTC),
                include_object=self.query.get("includeObject", "Metadata"),
                no_headers=no_headers,
            )
        except ValueError as err:
            raise bad_request(str(err)) from err

    # ---- output ------------------------------------------------------------------------

    def send_json(
        self,
        code: int,
        body: Any,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> int:
        return self._send(code, json.dumps(body).encode(), content_type, headers)

    def send_text(self, code: int, text: str) -> int:
        return self._send(code, text.encode(), "text/plain; charset=utf-8", None)

    def _send(
        self, code: int, data: bytes, content_type: str, headers: dict[str, str] | None
    ) -> int:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        headers = headers or {}
        if "Cache-Control" not in headers:
            self.send_header("Cache-Control", "no-cache, private")
        for name, value in headers.items():
            self.send_header(name, value)
        for warning in getattr(self, "warnings", []):
            self.send_header("Warning", warning_header(warning))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        return code
