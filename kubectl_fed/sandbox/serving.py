"""What the sandbox's HTTP servers share: JSON answers, and cutting the open connections."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any


def send_json(
    handler: BaseHTTPRequestHandler,
    status: int,
    document: Any,
    content_type: str = "application/json",
) -> None:
    """Answer the handler's request with `document` as JSON, its length announced."""
    payload = json.dumps(document).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    handler.wfile.write(payload)


class OpenConnections:
    """A server's open connections, so that stopping it can cut them: a client's idle
    keep-alive connection would otherwise keep a handler thread waiting."""

    def __init__(self) -> None:
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def add(self, connection: socket.socket) -> None:
        with self._lock:
            self._open.add(connection)

    def discard(self, connection: socket.socket) -> None:
        with self._lock:
            self._open.discard(connection)

    def shut_down(self) -> None:
        """Shut every open connection down (both ways); its handler then sees it closed."""
        with self._lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
