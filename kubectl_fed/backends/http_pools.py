"""One urllib3 connection pool per member: kept-alive connections, direct or through a proxy.

urllib3 checks a pooled connection before reusing it (one the server closed meanwhile is
replaced), keeps at most `size` idle ones, and tunnels https through an http(s) proxy with
CONNECT. It never retries or follows redirects here: `KubeBackend` decides what may be
repeated, for both HTTP paths alike (backends/kube.py).

Imported on a member's first request only: urllib3 costs about 40 ms to import.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import urllib3
from urllib3.util import Retry

# Shared by every request: no retries, no redirects (a 3xx is an answer, as kube.py reads it).
NO_RETRIES = Retry(total=False, redirect=False)


@dataclass(frozen=True)
class Route:
    """Where requests go: `pool`, with paths prefixed by `origin` (set only when an http
    proxy forwards plain-http requests, which then name the whole URL)."""

    pool: urllib3.HTTPConnectionPool
    origin: str = ""


def member_pool(
    scheme: str,
    host: str,
    port: int,
    *,
    tls: ssl.SSLContext | None,
    server_hostname: str | None,
    size: int,
    proxy: str | None = None,
) -> Route:
    """A pool for one API server; `tls` is the complete context (CA, client certificate)."""
    options: dict[str, Any] = {"maxsize": size, "block": False, "retries": NO_RETRIES}
    if tls is not None:
        insecure = tls.verify_mode == ssl.CERT_NONE
        options.update(
            ssl_context=tls,
            cert_reqs="CERT_NONE" if insecure else "CERT_REQUIRED",
            server_hostname=server_hostname,
        )
        if insecure:
            options["assert_hostname"] = False
            quiet_insecure_warnings()
    if proxy is None:
        secure = scheme == "https"
        pool_class = urllib3.HTTPSConnectionPool if secure else urllib3.HTTPConnectionPool
        return Route(pool_class(host, port, **options))
    manager = urllib3.ProxyManager(
        proxy, num_pools=1, proxy_headers=_proxy_headers(proxy), **options
    )
    pool = manager.connection_from_host(host, port, scheme)
    shown_host = f"[{host}]" if ":" in host else host
    return Route(pool, "" if scheme == "https" else f"http://{shown_host}:{port}")


def _proxy_headers(proxy: str) -> dict[str, str]:
    """Basic credentials for the proxy, from its URL's `user:password@`."""
    url = urlsplit(proxy)
    if url.username is None:
        return {}
    pair = f"{unquote(url.username)}:{unquote(url.password or '')}"
    return urllib3.make_headers(proxy_basic_auth=pair)


def quiet_insecure_warnings() -> None:
    """The kubeconfig asked for `insecure-skip-tls-verify`, as kubectl allows: no warning."""
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
