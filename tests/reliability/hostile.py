"""Hostile members: small HTTPS servers on 127.0.0.1 that answer every request as told.

`hostile_member(answer)` starts one whose handler calls `answer(handler)` for every
request; `with_member(world, ...)` writes a kubeconfig holding the sandbox's contexts and
the hostile one (named `hostile`), so a run can pick `--clusters us-central1,hostile`.
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import ssl
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import trustme
import yaml

from tests.reliability.helpers import World
from tests.support.manifests import write

Answer = Callable[[http.server.BaseHTTPRequestHandler], None]
HOSTILE = "hostile"


def send(
    handler: http.server.BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    for key, value in {"Content-Type": "application/json", **(headers or {})}.items():
        handler.send_header(key, value)
    if "Content-Length" not in (headers or {}):
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def send_json(handler: http.server.BaseHTTPRequestHandler, status: int, document: Any) -> None:
    send(handler, status, json.dumps(document).encode())


@contextlib.contextmanager
def hostile_member(answer: Answer) -> Iterator[tuple[str, trustme.CA]]:
    """A member at the yielded URL (trusting the yielded CA) that answers with `answer`."""
    ca = trustme.CA()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError, ssl.SSLError):
                answer(self)  # a client that gave up, as it should, ends the answer

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

        def log_message(self, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.handle_error = lambda *_: None  # type: ignore[method-assign]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{httpd.server_address[1]}", ca
    finally:
        httpd.shutdown()
        httpd.server_close()


def with_member(
    world: World, directory: Path, url: str, ca: trustme.CA, user: dict[str, Any] | None = None
) -> str:
    """A kubeconfig file: the sandbox's contexts plus `hostile` at `url`."""
    config: dict[str, Any] = yaml.safe_load(world.sandbox.kubeconfig_path.read_text())
    ca_data = base64.b64encode(ca.cert_pem.bytes()).decode()
    config["clusters"].append(
        {"name": HOSTILE, "cluster": {"server": url, "certificate-authority-data": ca_data}}
    )
    config["users"].append({"name": HOSTILE, "user": user or {"token": "hostile-token"}})
    config["contexts"].append({"name": HOSTILE, "context": {"cluster": HOSTILE, "user": HOSTILE}})
    return write(directory, "kubeconfig-hostile", yaml.safe_dump(config))


def exec_user(command: str) -> dict[str, Any]:
    """A user whose credentials come from an exec plugin running Python `command`
    (such contexts go through the official client, not our own HTTP transport)."""
    return {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": sys.executable,
            "args": ["-c", command],
            "interactiveMode": "Never",
        }
    }


TOKEN_PLUGIN = (
    "import json; print(json.dumps({'apiVersion': 'client.authentication.k8s.io/v1beta1',"
    " 'kind': 'ExecCredential', 'status': {'token': 'hostile-exec-token'}}))"
)
