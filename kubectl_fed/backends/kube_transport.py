"""One HTTP exchange with an API server, as data in and data out.

`Request` is built by `KubeBackend` (pure); `HttpTransport` (kube_http.py) sends it for
contexts with plain credentials, `ApiClientTransport` through the official client's
`ApiClient` (exec plugins, auth providers, proxies). Tests can substitute any callable
with the same signature.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from kubectl_fed.backends.kube_errors import tls_error, transport_error
from kubectl_fed.core.members.results import ClusterCallError, Reason
from kubectl_fed.core.model.limits import MAX_RESPONSE_BYTES

if TYPE_CHECKING:
    from kubernetes.client import ApiClient

JSON = "application/json"
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    body: Any = None
    content_type: str = JSON


@dataclass(frozen=True)
class Response:
    status: int
    data: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    phrase: str = ""


class Transport(Protocol):
    def __call__(self, request: Request, timeout: float) -> Response:
        """Send `request`; raise ClusterCallError when no HTTP answer came back."""
        ...


class ClosableTransport(Transport, Protocol):
    def close(self) -> None:
        """Close idle connections; the transport may still be used afterwards."""
        ...


class ApiClientTransport:
    """Sends requests through one `ApiClient`, built on first use (credentials are lazy)."""

    def __init__(self, build_client: Callable[[], ApiClient]) -> None:
        self._build_client = build_client
        self._client: ApiClient | None = None
        self._lock = threading.Lock()

    def client(self) -> ApiClient:
        with self._lock:
            if self._client is None:
                self._client = self._build_client()
            return self._client

    def close(self) -> None:
        """Close the client's connections and stop any credential plugin still running.

        Never waits: a client still being built (its plugin running past the deadline)
        is left to its abandoned thread, which the stopped plugin ends.
        """
        from kubectl_fed.backends.exec_plugins import stop_plugins

        stop_plugins()
        if not self._lock.acquire(blocking=False):
            return
        try:
            client, self._client = self._client, None
        finally:
            self._lock.release()
        if client is not None:
            client.close()  # type: ignore[no-untyped-call]

    def __call__(self, request: Request, timeout: float) -> Response:
        client = self.client()
        method, url, headers, body, post = client.param_serialize(
            request.method,
            request.path,
            query_params=list(request.query),
            header_params={"Accept": JSON, "Content-Type": request.content_type},
            body=request.body,
            auth_settings=["BearerToken"],
        )
        end = time.monotonic() + timeout
        try:
            answer = client.call_api(method, url, headers, body, post, _request_timeout=timeout)
            raw = answer.response
            try:
                data = read_body(raw.read1, raw.headers.get("Content-Length"), end, timeout)
            finally:
                raw.release_conn()
        except ClusterCallError:
            raise
        except Exception as err:
            if _is_wrapped_tls_error(err):
                raise tls_error(str(err)) from None
            raise transport_error(err, timeout) from None
        return Response(answer.status, data or b"", dict(raw.headers), str(raw.reason or ""))


def read_body(
    read: Callable[[int], bytes], length: str | None, end: float, timeout: float
) -> bytes:
    """An answer's body, at most MAX_RESPONSE_BYTES and no later than `end`.

    `read(n)` returns what has arrived (at most n bytes), b"" at the end of the body; a
    body of announced length is complete once that many bytes came.

    A bigger body (announced or streamed) and one still arriving at the deadline are the
    member's error: the caller closes the connection, so the rest is never read.
    """
    announced = int(length) if length and length.strip().isdigit() else None
    if announced is not None and announced > MAX_RESPONSE_BYTES:
        raise _too_large()
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise _too_large()
        if time.monotonic() > end:
            raise ClusterCallError(Reason.TIMEOUT, f"no answer within {timeout:g}s")
        chunks.append(chunk)
        if size == announced:  # complete: no further read to learn that it ended
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _too_large() -> ClusterCallError:
    limit = MAX_RESPONSE_BYTES // (1024 * 1024)
    return ClusterCallError(Reason.BAD_RESPONSE, f"answer larger than {limit} MiB")


def _is_wrapped_tls_error(err: Exception) -> bool:
    """The client's REST layer turns urllib3 SSLError into an ApiException(status=0)."""
    from kubernetes.client.exceptions import ApiException

    return isinstance(err, ApiException) and str(err.reason or "").startswith("SSLError")
