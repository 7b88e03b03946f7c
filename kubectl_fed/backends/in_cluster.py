"""A backend for the cluster this process runs in, reached with the pod's service account.

What client-go's in-cluster config does: the API server is `https://$KUBERNETES_SERVICE_HOST:
$KUBERNETES_SERVICE_PORT`, trusted through the service account's `ca.crt`, and the bearer
token is the service account's `token` file. The kubelet rotates that file, so it is read
again every minute (client-go's cached token source does the same) and the new token is used
from then on.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from kubectl_fed.backends.kube import KubeBackend
from kubectl_fed.backends.kube_http import FileOrData, HttpTarget, HttpTransport
from kubectl_fed.backends.kube_transport import Request, Response
from kubectl_fed.backends.kubeconfig import USER_AGENT
from kubectl_fed.errors import UsageError

SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")
IN_CLUSTER_NAME = "in-cluster"
TOKEN_REREAD_SECONDS = 60.0
_POOL_SIZE = 2


def in_cluster_target(
    environ: Mapping[str, str], directory: Path = SERVICE_ACCOUNT_DIR
) -> HttpTarget:
    """Where the API server is and the service account's CA and token; UsageError outside a pod."""
    host = environ.get("KUBERNETES_SERVICE_HOST", "")
    port = environ.get("KUBERNETES_SERVICE_PORT", "")
    if not host or not port:
        raise UsageError(
            "not running inside a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
            "must be set"
        )
    token_file, ca_file = directory / "token", directory / "ca.crt"
    for needed in (token_file, ca_file):
        if not needed.is_file():
            raise UsageError(f"in-cluster configuration: {needed} does not exist")
    server_host = f"[{host}]" if ":" in host else host
    return HttpTarget(
        server=f"https://{server_host}:{port}",
        ca=FileOrData(path=str(ca_file)),
        token=_read_token(token_file),
        token_file=str(token_file),
    )


class RereadTokenTransport:
    """An `HttpTransport` whose bearer token is read again from its file every minute."""

    def __init__(
        self,
        target: HttpTarget,
        *,
        pool_size: int = _POOL_SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        assert target.token_file is not None
        self._target, self._token_file = target, Path(target.token_file)
        self._pool_size, self._clock = pool_size, clock
        self._lock = threading.Lock()
        self._inner = self._transport(target)
        self._read_at = clock()

    def _transport(self, target: HttpTarget) -> HttpTransport:
        return HttpTransport(target, pool_size=self._pool_size, user_agent=USER_AGENT)

    def _current(self) -> HttpTransport:
        with self._lock:
            now = self._clock()
            if now - self._read_at < TOKEN_REREAD_SECONDS:
                return self._inner
            self._read_at = now
            try:
                token = _read_token(self._token_file)
            except OSError:
                return self._inner  # keep the token we have; the next read may succeed
            if token != self._target.token:
                self._target = replace(self._target, token=token)
                old, self._inner = self._inner, self._transport(self._target)
                old.close()
            return self._inner

    def __call__(self, request: Request, timeout: float) -> Response:
        return self._current()(request, timeout)

    def close(self) -> None:
        with self._lock:
            self._inner.close()


def in_cluster_backend(
    *,
    request_timeout: float,
    environ: Mapping[str, str] | None = None,
    directory: Path = SERVICE_ACCOUNT_DIR,
    trace: Callable[[str], None] | None = None,
) -> KubeBackend:
    """A `KubeBackend` named `in-cluster` for the cluster this pod runs in."""
    target = in_cluster_target(os.environ if environ is None else environ, directory)
    transport = RereadTokenTransport(target)
    return KubeBackend(IN_CLUSTER_NAME, transport, request_timeout=request_timeout, trace=trace)


def _read_token(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip()
