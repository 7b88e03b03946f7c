"""Which proxy, if any, carries a member's requests, decided as kubectl decides it.

The cluster's `proxy-url` in the kubeconfig wins and applies to every server. Otherwise
$HTTPS_PROXY (https servers) or $HTTP_PROXY (http servers), upper case before lower case,
unless $NO_PROXY names the host or the host is `localhost` or a loopback address (Go's
`net/http.ProxyFromEnvironment`, which kubectl uses). A value without a scheme means http.

$NO_PROXY is a comma list: `*` (every host), an IP address, a CIDR block, or a domain
(`example.com` matches it and its subdomains, `.example.com` only the subdomains), each
optionally with `:port`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import SplitResult

if TYPE_CHECKING:
    import ipaddress

# What our HTTP stack can tunnel through; other schemes (socks5) go to the official client.
SUPPORTED_SCHEMES = ("http", "https")


def env_proxy(server: SplitResult, environ: Mapping[str, str]) -> str | None:
    """The proxy the environment names for `server`, or None."""
    name = "HTTPS_PROXY" if server.scheme == "https" else "HTTP_PROXY"
    value = _variable(environ, name)
    if not value or not server.hostname:
        return None
    port = server.port or (443 if server.scheme == "https" else 80)
    if bypassed(server.hostname, port, _variable(environ, "NO_PROXY")):
        return None
    return value if "://" in value else f"http://{value}"


def supported(proxy: str) -> bool:
    return proxy.partition("://")[0].lower() in SUPPORTED_SCHEMES


def bypassed(host: str, port: int, no_proxy: str) -> bool:
    """Whether a request to host:port goes direct, whatever proxy is set."""
    host = host.lower().strip("[]")
    address = _address(host)
    if host == "localhost" or (address is not None and address.is_loopback):
        return True
    for entry in (part.strip().lower() for part in no_proxy.split(",")):
        if entry == "*":
            return True
        if entry and _matches(entry, host, address, port):
            return True
    return False


def _matches(
    entry: str, host: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address | None, port: int
) -> bool:
    if "/" in entry:
        import ipaddress

        try:
            return address is not None and address in ipaddress.ip_network(entry, strict=False)
        except ValueError:
            return False
    entry_host, entry_port = _split_port(entry)
    if entry_port is not None and entry_port != port:
        return False
    entry_address = _address(entry_host.strip("[]"))
    if entry_address is not None:
        return entry_address == address
    if entry_host.startswith("."):
        return host.endswith(entry_host)
    return host == entry_host or host.endswith("." + entry_host)


def _split_port(entry: str) -> tuple[str, int | None]:
    host, colon, port = entry.rpartition(":")
    if colon and port.isdigit() and (host.endswith("]") or ":" not in host):
        return host, int(port)
    return entry, None


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    import ipaddress  # only when a proxy is set: it costs a few milliseconds

    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _variable(environ: Mapping[str, str], name: str) -> str:
    return environ.get(name) or environ.get(name.lower()) or ""
