"""One HTTP exchange with an API server, as data in and data out.

`Request` is built by `KubeBackend` (pure); `HttpTransport` (kube_http.py) sends it for
contexts with plain credentials, `ApiClientTransport` through the official client's
`ApiClient` (exec plugins, auth providers, proxies). Tests can substitute any callable
with the same signature.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from kubectl_fed.backends.kube_errors import tls_error, transport_error

if TYPE_CHECKING:
    from kubernetes.client import ApiClient

JSON = "application/json"


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
        with self._lock:
            client, self._client = self._client, None
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
        try:
            answer = client.call_api(method, url, headers, body, post, _request_timeout=timeout)
            raw = answer.response
            data = raw.data
            raw.release_conn()
        except Exception as err:
            if _is_wrapped_tls_error(err):
                raise tls_error(str(err)) from None
            raise transport_error(err, timeout) from None
        return Response(answer.status, data or b"", dict(raw.headers), str(raw.reason or ""))


def _is_wrapped_tls_error(err: Exception) -> bool:
    """The client's REST layer turns urllib3 SSLError into an ApiException(status=0)."""
    from kubernetes.client.exceptions import ApiException

    return isinstance(err, ApiException) and str(err.reason or "").startswith("SSLError")
