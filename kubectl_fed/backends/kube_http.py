"""`HttpTransport`: requests to one API server through a urllib3 connection pool.

Used for contexts whose credentials are plain data (a bearer token or token file, a
client certificate, basic auth; a CA, `insecure-skip-tls-verify`, `tls-server-name`),
directly or through an http(s) proxy (`proxy-url`, $HTTPS_PROXY: backends/proxies.py).
Exec plugins and auth providers go through the official client (`ApiClientTransport`):
see `backends/kubeconfig.py`. Importing the official client costs more than a whole
`kubectl get`, so the common case does without it.

Connections are kept alive and reused, at most `pool_size` idle ones per member
(backends/http_pools.py). The TLS context is built once per member, from memory: CA data
is loaded as text; a client certificate and key given as data go through in-memory files
(backends/memory_files.py), as Python's `ssl` reads them only by file name.
"""

from __future__ import annotations

import base64
import json
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, urlencode, urlsplit

from kubectl_fed.backends.kube_errors import transport_error
from kubectl_fed.backends.kube_transport import JSON, Request, Response, read_body
from kubectl_fed.backends.local_files import read_regular_file
from kubectl_fed.backends.memory_files import memory_file
from kubectl_fed.core.members.results import ClusterCallError, Reason
from kubectl_fed.core.model.limits import MAX_INPUT_BYTES

if TYPE_CHECKING:
    from kubectl_fed.backends.http_pools import Route


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
    """Where a member's API server is, how to reach it and how to prove who we are to it."""

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
    proxy: str | None = None  # an http(s) proxy URL


@dataclass(frozen=True)
class _Endpoint:
    """What the member's pool is built from (computed once, on first use)."""

    url: SplitResult
    port: int
    tls: ssl.SSLContext | None
    headers: dict[str, str]  # every request's; Content-Type added for those with a body


class HttpTransport:
    """Sends requests to one member; safe to call from several threads at once."""

    def __init__(self, target: HttpTarget, *, pool_size: int, user_agent: str) -> None:
        self._target = target
        self._pool_size = pool_size
        self._user_agent = user_agent
        self._endpoint: _Endpoint | None = None
        self._route: Route | None = None
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the pooled connections; the next request opens a new pool."""
        with self._lock:
            route, self._route = self._route, None
        if route is not None:
            route.pool.close()

    def __call__(self, request: Request, timeout: float) -> Response:
        route, endpoint = self._ready()
        headers = endpoint.headers
        body = None
        if request.body is not None:
            body = json.dumps(request.body).encode()
            headers = {**headers, "Content-Type": request.content_type}
        url = route.origin + endpoint.url.path.rstrip("/") + request.path
        if request.query:
            url += "?" + urlencode(request.query)
        end = time.monotonic() + timeout
        try:
            raw = route.pool.urlopen(
                request.method,
                url,
                body=body,
                headers=headers,
                timeout=timeout,
                preload_content=False,
                assert_same_host=False,
            )
        except Exception as err:
            raise transport_error(err, timeout) from None
        return _answer(raw, end, timeout)

    def _ready(self) -> tuple[Route, _Endpoint]:
        with self._lock:
            if self._endpoint is None:
                self._endpoint = _endpoint(self._target, self._user_agent)
            if self._route is None:
                self._route = self._pool(self._endpoint)
            return self._route, self._endpoint

    def _pool(self, endpoint: _Endpoint) -> Route:
        from kubectl_fed.backends.http_pools import member_pool

        url = endpoint.url
        assert url.hostname is not None  # server_url checked it
        return member_pool(
            url.scheme,
            url.hostname,
            endpoint.port,
            tls=endpoint.tls,
            server_hostname=self._target.tls_server_name,
            size=self._pool_size,
            proxy=self._target.proxy,
        )


def _answer(raw: Any, end: float, timeout: float) -> Response:
    """The whole body, then the connection back to the pool; a cut one is closed instead."""
    try:
        data = read_body(raw.read1, raw.headers.get("Content-Length"), end, timeout)
    except BaseException as err:
        raw.close()
        raw.release_conn()
        if isinstance(err, ClusterCallError) or not isinstance(err, Exception):
            raise
        raise transport_error(err, timeout) from None
    raw.release_conn()
    return Response(raw.status, data, raw.headers, raw.reason or "")


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
    secure = url.scheme == "https"
    headers = {"User-Agent": user_agent, "Accept": JSON, **_auth_headers(target)}
    return _Endpoint(
        url=url,
        port=url.port or (443 if secure else 80),
        tls=_tls_context(target) if secure else None,
        headers=headers,
    )


class _HandshakeContext(ssl.SSLContext):
    """A connection cut during the TLS handshake is reported as a TLS error, so it is
    known that nothing was sent (kube_errors.tls_error: the request may be repeated)."""

    def wrap_socket(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().wrap_socket(*args, **kwargs)
        except ConnectionError as err:
            raise ssl.SSLError(f"connection reset during the TLS handshake: {err}") from None


_CONTEXTS: dict[tuple[object, ...], ssl.SSLContext] = {}
_CONTEXTS_LOCK = threading.Lock()


def _tls_context(target: HttpTarget) -> ssl.SSLContext:
    """One context for all members with the same CA and client certificate (a sandbox's
    or a fleet's members often share them): building one costs about a millisecond."""
    key = (target.insecure, target.ca, target.client_certificate, target.client_key)
    with _CONTEXTS_LOCK:
        context = _CONTEXTS.get(key)
        if context is None:
            context = _CONTEXTS[key] = _new_tls_context(target)
        return context


def _new_tls_context(target: HttpTarget) -> ssl.SSLContext:
    context = _HandshakeContext(ssl.PROTOCOL_TLS_CLIENT)
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
