"""Classify what went wrong talking to an API server into `ClusterCallError(Reason, message)`.

Messages come from the API's `Status.message` or name the transport problem in a few
words ("connection refused", "certificate verify failed: ..."); they never carry request
headers, tokens or certificate data.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kubectl_fed.core.members.results import ClusterCallError, Reason

_BY_STATUS = {
    400: Reason.INVALID,
    401: Reason.UNAUTHORIZED,
    403: Reason.FORBIDDEN,
    404: Reason.NOT_FOUND,
    409: Reason.CONFLICT,
    410: Reason.CONFLICT,
    422: Reason.INVALID,
    429: Reason.THROTTLED,
}
_VERIFY_FAILED = re.compile(r"certificate verify failed: ([^(\]\n]+)")
_SSL_REASON = re.compile(r"\[SSL: [A-Z_]+\] ([^(\]\n]+)")
_HANDSHAKE_CUT = ("eof", "connection reset", "connection aborted", "broken pipe")


def status_error(status: int, body: bytes, phrase: str = "") -> ClusterCallError:
    """The error for a non-2xx answer, from its Kubernetes `Status` body when it has one."""
    details = _status_body(body)
    message = str(details.get("message") or f"HTTP {status} {phrase}".strip())
    if status == 409 and details.get("reason") == "AlreadyExists":
        return ClusterCallError(Reason.ALREADY_EXISTS, message)
    if status == 410 and details.get("reason") == "Expired":
        return ContinueExpired(Reason.CONFLICT, message)
    if status == 504 or details.get("reason") == "Timeout":
        return ClusterCallError(Reason.TIMEOUT, message)
    if status >= 500:
        return ClusterCallError(Reason.SERVER_ERROR, message)
    return ClusterCallError(_BY_STATUS.get(status, Reason.INVALID), message)


def _status_body(body: bytes) -> dict[str, Any]:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return {}
    if isinstance(document, dict) and document.get("kind") == "Status":
        return document
    return {}


def transport_error(err: BaseException, timeout: float) -> ClusterCallError:
    """The error for a request that got no HTTP answer (urllib3 or socket failure)."""
    from urllib3 import exceptions as u3

    if isinstance(err, u3.NameResolutionError):
        return ClusterCallError(Reason.UNREACHABLE, "cannot resolve the server's host name")
    if isinstance(err, u3.NewConnectionError):
        if any(sign in str(err).lower() for sign in _HANDSHAKE_CUT):  # cut while connecting
            return RequestNotSent(Reason.UNREACHABLE, "connection lost during the TLS handshake")
        return ClusterCallError(Reason.UNREACHABLE, _connect_failure(str(err)))
    if isinstance(err, u3.ConnectTimeoutError):
        return ClusterCallError(Reason.UNREACHABLE, f"connection timed out after {timeout:g}s")
    if isinstance(err, u3.ReadTimeoutError | TimeoutError):
        return ClusterCallError(Reason.TIMEOUT, f"no answer within {timeout:g}s")
    if isinstance(err, u3.SSLError):
        return tls_error(str(err))
    if isinstance(err, u3.ProtocolError | ConnectionError):
        return ClusterCallError(Reason.UNREACHABLE, "connection reset by the server")
    return ClusterCallError(Reason.UNREACHABLE, f"request failed: {type(err).__name__}")


class ContinueExpired(ClusterCallError):
    """410 Expired: a list's `continue` token is older than the server's history."""


class RequestNotSent(ClusterCallError):
    """The connection broke before the request went out: repeating it is always safe."""


def tls_error(text: str) -> ClusterCallError:
    """A TLS failure: a certificate problem, or a connection lost during the handshake."""
    verify = _VERIFY_FAILED.search(text)
    if verify:
        message = f"certificate verify failed: {verify.group(1).strip()}"
        return ClusterCallError(Reason.UNREACHABLE, message)
    lowered = text.lower()
    if any(sign in lowered for sign in _HANDSHAKE_CUT):
        return RequestNotSent(Reason.UNREACHABLE, "connection lost during the TLS handshake")
    reason = _SSL_REASON.search(text)
    detail = reason.group(1) if reason else (text.splitlines() or ["handshake failed"])[-1]
    return ClusterCallError(Reason.UNREACHABLE, f"TLS error: {detail.strip()[:160]}")


def _connect_failure(text: str) -> str:
    lowered = text.lower()
    for known in ("connection refused", "no route to host", "network is unreachable"):
        if known in lowered:
            return known
    if "timed out" in lowered:
        return "connection timed out"
    return "cannot connect to the server"


def is_retryable_transport(error: ClusterCallError) -> bool:
    """Reset connections are worth another try; refused ones and certificate failures are not."""
    return error.reason is Reason.UNREACHABLE and error.message.startswith("connection reset")
