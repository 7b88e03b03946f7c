"""The control channel of a background sandbox: plain HTTP on 127.0.0.1, one shared secret.

Requests carry the secret from the state file in the `X-Sandbox-Secret` header.
`GET /status`, `POST /fail {"context", "mode", "seconds", "code"}`, `POST /heal {"context"}`
and `POST /stop` are all it answers.
"""

from __future__ import annotations

import hmac
import http.client
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from kubectl_fed.sandbox.federation import SandboxFederation
from kubectl_fed.sandbox.serving import send_json

SECRET_HEADER = "X-Sandbox-Secret"
MAX_BODY = 64 * 1024  # control requests are a few small JSON fields
JSON = dict[str, Any]


class ControlError(Exception):
    """The control channel refused a request (`status` 4xx) or could not be reached (0)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def describe(federation: SandboxFederation) -> JSON:
    clusters = [
        {"name": c.name, "server": c.url, "fault": c.fault.describe() if c.fault else None}
        for c in federation.clusters
    ]
    return {"clusters": clusters}


def _apply(federation: SandboxFederation, path: str, body: JSON) -> JSON:
    if path == "/status":
        return describe(federation)
    context = str(body.get("context", ""))
    if context not in federation.names:
        known = ", ".join(federation.names)
        raise ControlError(404, f"no cluster named {context!r} in the sandbox (clusters: {known})")
    cluster = federation.cluster(context)
    if path == "/heal":
        cluster.heal()
        return describe(federation)
    if path == "/fail":
        options = {key: body[key] for key in ("seconds", "code") if body.get(key) is not None}
        try:
            cluster.fail(str(body.get("mode", "")), **options)
        except ValueError as err:
            raise ControlError(400, str(err)) from err
        return describe(federation)
    raise ControlError(404, f"unknown control request {path}")


class ControlServer:
    """Serves the control channel for `federation` until `/stop` (then calls `on_stop`)."""

    def __init__(self, federation: SandboxFederation, secret: str, on_stop: Callable[[], None]):
        self.federation, self.secret, self.on_stop = federation, secret, on_stop
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="sandbox-control")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        control = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def do_GET(self) -> None:
                self._answer()

            do_POST = do_GET

            def _answer(self) -> None:
                offered = (self.headers.get(SECRET_HEADER) or "").encode()
                if not hmac.compare_digest(offered, control.secret.encode()):
                    self.close_connection = True  # the body is never read
                    self._send(401, {"error": "wrong control secret"})
                    return
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    self.close_connection = True
                    self._send(413, {"error": f"a control request is at most {MAX_BODY} bytes"})
                    return
                raw = self.rfile.read(length) if length else b"{}"
                if self.path == "/stop":
                    self._send(200, {"stopping": True})
                    control.on_stop()
                    return
                try:
                    self._send(200, _apply(control.federation, self.path, json.loads(raw)))
                except ControlError as err:
                    self._send(err.status, {"error": str(err)})
                except ValueError:
                    self._send(400, {"error": "the request body is not JSON"})

            def _send(self, status: int, body: JSON) -> None:
                send_json(self, status, body)

        return Handler


def call(
    port: int, secret: str, path: str, body: JSON | None = None, timeout: float = 10.0
) -> JSON:
    """One control request; raises ControlError with the server's message or status 0."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        method = "GET" if path == "/status" else "POST"
        data = json.dumps(body or {})
        connection.request(method, path, body=data, headers={SECRET_HEADER: secret})
        response = connection.getresponse()
        answer: JSON = json.loads(response.read() or b"{}")
    except (OSError, ValueError) as err:
        raise ControlError(0, f"the sandbox process does not answer: {err}") from err
    finally:
        connection.close()
    if response.status != 200:
        raise ControlError(response.status, str(answer.get("error", response.reason)))
    return answer
