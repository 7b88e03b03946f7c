"""`HttpTransport`: requests to one API server over the standard library's HTTP client.

Used for contexts whose credentials are plain data (a bearer token or token file, a
client certificate, basic auth; a CA, `insecure-skip-tls-verify`, `tls-server-name`).
Everything else (exec plugins, auth providers, proxies) goes through the official client
(`ApiClientTransport`): see `backends/kubeconfig.py`. Importing the official client costs
more than a whole `kubectl get`, so the common case does without it.

Connections are kept alive and reused, at most `pool_size` idle ones per member. A
pooled connection the server has closed meanwhile is noticed before reuse and replaced.
"""

from __future__ import annotations

import base64
import http.client
import json
import select
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import SplitResult, urlencode, urlsplit

from kubectl_fed.backends.kube_errors import connect_error, exchange_error
from kubectl_fed.backends.kube_transport import JSON, Request, Response, read_body
from kubectl_fed.backends.local_files import read_regular_file
from kubectl_fed.backends.memory_files import memory_file
from kubectl_fed.core.limits import MAX_INPUT_BYTES
from kubectl_fed.core.results import ClusterCallError, Reason


@dataclass(frozen=True)
class FileOrData:
    """A kubeconfig `x` / `x-data` pair: a file path, or base64 data (data wins)."""

    path: str | None = None
    data: str | None = None

    def __bool__(self) -> bool:
        return bool(self.path or self.data)

    def read(self) -> bytes:
        if self.data:
            return base64.b64decode(self.data, validate=False)
        assert self.path is not None
        return read_regular_file(self.path, MAX_INPUT_BYTES)


@dataclass(frozen=True)
class HttpTarget:
    """Where a member's API server is and how to prove who we are to it."""

    server: str
    ca: FileOrData = FileOrData()
    insecure: bool = False
    tls_server_name: str | None = None
    token: str | None = None
    token_file: str | None = None
    client_certificate: FileOrData = FileOrData()
    client_key: FileOrData = FileOrData()
    username: str | None = None
    password: str | None = None


@dataclass(frozen=True)
class _Endpoint:
    """What every connection to the member is built from (computed once, on first use)."""

    host: str
    port: int
    prefix: str
    tls: ssl.SSLContext | None
    server_hostname: str
    headers: dict[str, str]


class HttpTransport:
    """Sends requests to one member; safe to call from several threads at once."""

    def __init__(self, target: HttpTarget, *, pool_size: int, user_agent: str) -> None:
        self._target = target
        self._pool_size = pool_size
        self._user_agent = user_agent
        self._endpoint: _Endpoint | None = None
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    def __call__(self, request: Request, timeout: float) -> Response:
        endpoint = self._ready()
        connection = self._checkout(endpoint, timeout)
        if connection.sock is None:
            try:
                connection.connect()
            except Exception as err:
                connection.close()
                raise connect_error(err, timeout) from None
        try:
            response = self._exchange(endpoint, connection, request, timeout)
        except ClusterCallError:
            connection.close()
            raise
        except Exception as err:
            connection.close()
            raise exchange_error(err, timeout) from None
        self._checkin(connection, response)
        return Response(response.status, response.data, response.headers, response.phrase)

    def _ready(self) -> _Endpoint:
        with self._lock:
            if self._endpoint is None:
                self._endpoint = _endpoint(self._target, self._user_agent)
            return self._endpoint

    def _checkout(self, endpoint: _Endpoint, timeout: float) -> http.client.HTTPConnection:
        with self._lock:
            while self._idle:
                connection = self._idle.pop()
                if _still_open(connection):
                    connection.timeout = timeout
                    assert connection.sock is not None
                    connection.sock.settimeout(timeout)
                    return connection
                connection.close()
        return _new_connection(endpoint, timeout)

    def _checkin(self, connection: http.client.HTTPConnection, answer: _Answer) -> None:
        with self._lock:
            if not answer.will_close and len(self._idle) < self._pool_size:
                self._idle.append(connection)
                return
        connection.close()

    def _exchange(
        self,
        endpoint: _Endpoint,
        connection: http.client.HTTPConnection,
        request: Request,
        timeout: float,
    ) -> _Answer:
        headers = {**endpoint.headers, "Accept": JSON}
        body = None
        if request.body is not None:
            body = json.dumps(request.body).encode()
            headers["Content-Type"] = request.content_type
        url = endpoint.prefix + request.path
        if request.query:
            url += "?" + urlencode(request.query)
        end = time.monotonic() + timeout
        connection.request(request.method, url, body, headers)
        raw = connection.getresponse()
        data = read_body(raw.read1, raw.getheader("Content-Length"), end, timeout)
        raw.read()  # nothing left: marks the answer complete, so the connection can be reused
        return _Answer(raw.status, data, dict(raw.getheaders()), raw.reason, raw.will_close)


@dataclass(frozen=True)
class _Answer:
    status: int
    data: bytes
    headers: dict[str, str]
    phrase: str
    will_close: bool


def _still_open(connection: http.client.HTTPConnection) -> bool:
    """An idle keep-alive socket that is readable has been closed by the server."""
    sock = connection.sock
    if sock is None:
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable


class _TLSConnection(http.client.HTTPSConnection):
    """An HTTPS connection that may name another host for SNI and certificate checks."""

    def __init__(self, host: str, port: int, *, timeout: float, context: ssl.SSLContext, sni: str):
        super().__init__(host, port, timeout=timeout, context=context)
        self._sni = sni
        self._tls = context

    def connect(self) -> None:
        http.client.HTTPConnection.connect(self)
        self.sock = self._tls.wrap_socket(self.sock, server_hostname=self._sni)


def _new_connection(endpoint: _Endpoint, timeout: float) -> http.client.HTTPConnection:
    if endpoint.tls is None:
        return http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=timeout)
    return _TLSConnection(
        endpoint.host,
        endpoint.port,
        timeout=timeout,
        context=endpoint.tls,
        sni=endpoint.server_hostname,
    )


def server_url(server: str) -> SplitResult:
    """The API server's URL; `host:port` alone means HTTPS, as kubectl reads it.

    ValueError when it is not an http(s) URL with a host and a valid port.
    """
    url = urlsplit(server if "://" in server else f"https://{server}")
    shown = shown_server(server)
    if url.scheme not in ("https", "http") or not url.hostname:
        raise ValueError(f"server {shown!r} is not an http(s) URL")
    try:
        _ = url.port  # a port out of range or not a number raises
    except ValueError:
        raise ValueError(f"server {shown!r} has an invalid port") from None
    return url


def shown_server(server: str) -> str:
    """The server URL as it may be printed: a `user:password@` part is masked."""
    scheme, separator, rest = server.rpartition("://")
    authority, slash, path = rest.partition("/")
    if "@" not in authority:
        return server
    return f"{scheme}{separator}***@{authority.rsplit('@', 1)[1]}{slash}{path}"


def _endpoint(target: HttpTarget, user_agent: str) -> _Endpoint:
    try:
        url = server_url(target.server)
    except ValueError as err:
        raise ClusterCallError(Reason.UNREACHABLE, str(err)) from None
    assert url.hostname is not None  # server_url checked it
    secure = url.scheme == "https"
    return _Endpoint(
        host=url.hostname,
        port=url.port or (443 if secure else 80),
        prefix=url.path.rstrip("/"),
        tls=_tls_context(target) if secure else None,
        server_hostname=target.tls_server_name or url.hostname,
        headers={"User-Agent": user_agent, **_auth_headers(target)},
    )


def _tls_context(target: HttpTarget) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if target.insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif target.ca:
        _load(context.load_verify_locations, "certificate authority", cadata=_ca_text(target))
    else:
        context.load_default_certs()
    if target.client_certificate:
        _load_client_certificate(context, target)
    return context


def _ca_text(target: HttpTarget) -> str:
    try:
        return target.ca.read().decode("ascii")
    except (OSError, ValueError) as err:
        raise ClusterCallError(Reason.UNREACHABLE, f"certificate authority: {err}") from None


def _load(method: Callable[..., None], what: str, **kwargs: str) -> None:
    try:
        method(**kwargs)
    except (OSError, ValueError, ssl.SSLError) as err:
        message = f"{what}: {getattr(err, 'reason', None) or err}"
        raise ClusterCallError(Reason.UNREACHABLE, message) from None


def _load_client_certificate(context: ssl.SSLContext, target: HttpTarget) -> None:
    """`load_cert_chain` reads only files: inline data goes through in-memory files."""
    try:
        certfile = _as_file(target.client_certificate)
        keyfile = _as_file(target.client_key) if target.client_key else None
        context.load_cert_chain(certfile, keyfile)
    except (OSError, ValueError, ssl.SSLError) as err:
        detail = getattr(err, "reason", None) or err
        raise ClusterCallError(Reason.UNAUTHORIZED, f"credentials: {detail}") from None


def _as_file(source: FileOrData) -> str:
    if not source.data:
        assert source.path is not None
        return source.path
    return memory_file(source.read())


def _auth_headers(target: HttpTarget) -> dict[str, str]:
    """The bearer token first, then basic auth, as the official client and kubectl order them."""
    token = target.token
    if not token and target.token_file:
        try:
            token = read_regular_file(target.token_file, MAX_INPUT_BYTES).decode().strip()
        except (OSError, ValueError) as err:
            raise ClusterCallError(Reason.UNAUTHORIZED, f"credentials: {err}") from None
    if token:
        return {"Authorization": f"Bearer {token}"}
    if target.username and target.password:
        pair = f"{target.username}:{target.password}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode()}
    return {}
