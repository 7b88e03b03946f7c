"""One HTTPS listener per simulated cluster, and one acceptor thread shared by all of them.

Each cluster costs no thread while idle: a single `Acceptor` waits on every listening
socket and hands each new connection to a thread of its own (HTTP/1.1 keep-alive, so a
client keeps reusing it). Closing the listening socket makes a cluster unreachable
(connection refused) while its store keeps the data.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import socketserver
import ssl
import threading
from typing import Any

from kubectl_fed.sandbox.apiserver.access import AccessRules
from kubectl_fed.sandbox.apiserver.faults import Fault
from kubectl_fed.sandbox.apiserver.requestlog import RequestLog
from kubectl_fed.sandbox.apiserver.store import Store
from kubectl_fed.sandbox.serving import OpenConnections

HANDSHAKE_TIMEOUT = 10.0


class Acceptor:
    """Accepts connections for many listening servers from one thread."""

    def __init__(self) -> None:
        self._selector = selectors.DefaultSelector()
        self._stopping = threading.Event()
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._selector.register(self._wake_reader, selectors.EVENT_READ, None)
        self._thread = threading.Thread(target=self._run, name="sandbox-acceptor", daemon=True)
        self._thread.start()

    def register(self, server: _TLSServer) -> None:
        self._selector.register(server.socket, selectors.EVENT_READ, server)

    def unregister(self, server: _TLSServer) -> None:
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(server.socket)

    def stop(self) -> None:
        self._stopping.set()
        self._wake_writer.send(b"x")
        self._thread.join()
        self._selector.close()
        self._wake_reader.close()
        self._wake_writer.close()

    def _run(self) -> None:
        while not self._stopping.is_set():
            for key, _ in self._selector.select(timeout=1.0):
                if key.data is not None:
                    self._accept(key.data)

    @staticmethod
    def _accept(server: _TLSServer) -> None:
        try:
            request, address = server.get_request()
        except OSError:  # the listener was closed meanwhile, or the client went away
            return
        server.process_request(request, address)


class _TLSServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """A TCP server whose connections are wrapped in TLS in their own thread."""

    allow_reuse_address = True
    daemon_threads = False
    block_on_close = True

    def __init__(self, cluster: ApiCluster, handler: Any) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.cluster = cluster
        self.socket.setblocking(False)
        self.connections = OpenConnections()

    def reopen(self, port: int) -> None:
        self.socket = socket.socket(self.address_family, self.socket_type)
        self.server_address = ("127.0.0.1", port)
        self.server_bind()
        self.server_activate()
        self.socket.setblocking(False)

    def finish_request(self, request: Any, client_address: Any) -> None:
        request.settimeout(HANDSHAKE_TIMEOUT)
        self._track(request)
        try:
            tls = self.cluster.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # a client that does not trust our CA, or went away
        finally:
            self._untrack(request)
        # wrapping detached the plain socket: from now on the TLS socket is the connection
        self._track(tls)
        try:
            self.RequestHandlerClass(tls, client_address, self)  # type: ignore[arg-type]
        finally:
            self._untrack(tls)

    def _track(self, connection: socket.socket) -> None:
        self.connections.add(connection)
        if self.cluster.stopping.is_set():
            connection.close()

    def _untrack(self, connection: socket.socket) -> None:
        self.connections.discard(connection)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that broke mid-answer is the client's business, not a server error."""


class ApiCluster:
    """The API endpoint of one simulated cluster: store, credentials, faults, request log."""

    def __init__(
        self,
        name: str,
        store: Store,
        token: str,
        tls: ssl.SSLContext,
        acceptor: Acceptor,
        *,
        latency_ms: int = 0,
    ) -> None:
        from kubectl_fed.sandbox.apiserver.handler import ApiHandler

        self.name = name
        self.store = store
        self.token = token
        self.tls = tls
        self.latency_ms = latency_ms
        self.requests = RequestLog()
        self.access = AccessRules()
        self.stopping = threading.Event()
        self._fault: Fault | None = None
        self._released = threading.Event()  # set: requests held by the slow fault go on
        self._lock = threading.Lock()
        self._acceptor = acceptor
        self._server = _TLSServer(self, ApiHandler)
        self.port: int = self._server.server_address[1]
        acceptor.register(self._server)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def fault(self) -> Fault | None:
        return self._fault

    def fail(self, fault: Fault) -> None:
        """Start misbehaving as `fault` says (replacing any earlier fault)."""
        with self._lock:
            self._restore()
            self._released = threading.Event()
            self._fault = fault
            if fault.mode == "unreachable":
                self._acceptor.unregister(self._server)
                self._server.socket.close()
            self._server.connections.shut_down()

    def heal(self) -> None:
        """Answer normally again; the data was never touched."""
        with self._lock:
            self._restore()

    def hold(self, seconds: float) -> None:
        """Delay a request of the slow fault: `seconds`, or until healed or stopped."""
        self._released.wait(seconds)

    def _restore(self) -> None:
        self._released.set()
        if self._fault is not None and self._fault.mode == "unreachable":
            self._server.reopen(self.port)
            self._acceptor.register(self._server)
        self._fault = None

    def stop(self) -> None:
        """Close the listener and every connection, then wait for their threads."""
        self.stopping.set()
        self._released.set()
        with self._lock:
            if self._fault is None or self._fault.mode != "unreachable":
                self._acceptor.unregister(self._server)
            self._server.connections.shut_down()
            self._server.server_close()
