"""The few Compute Engine v1 REST calls `backends.gce` makes, as JSON over urllib3.

Credentials are Application Default Credentials (google-auth) on an authorized urllib3
session, both imported by the first call (a background read's, while members are read).
With KUBECTL_FED_GCE_ENDPOINT set (an emulator or proxy) the calls go there, without
credentials. Every failure is one of three exceptions with a one-line message:
`NotFound` and `CallFailed` are about one resource, `GceUnavailable` about the API itself.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

ENDPOINT_ENV = "KUBECTL_FED_GCE_ENDPOINT"
DEFAULT_ENDPOINT = "https://compute.googleapis.com"
READ_ONLY_SCOPE = "https://www.googleapis.com/auth/compute.readonly"
PAGE_SIZE = 500  # the most a Compute list answers at once
# The IAM permission each call needs (all in roles/compute.viewer), named when GCE says 403.
PERMISSIONS = {
    "forwardingRules": "compute.globalForwardingRules.get",
    "addresses": "compute.globalAddresses.get",
    "targetHttpProxies": "compute.targetHttpProxies.get",
    "targetHttpsProxies": "compute.targetHttpsProxies.get",
    "urlMaps": "compute.urlMaps.get",
    "backendServices": "compute.backendServices.get",
    "healthChecks": "compute.healthChecks.get",
    "firewalls": "compute.firewalls.list",
}

Document = dict[str, Any]


class GceUnavailable(Exception):
    """The Compute API cannot be asked at all (no credentials, refused, unreachable)."""


class NotFound(Exception):
    """GCE has no such resource (404)."""


class CallFailed(Exception):
    """GCE answered this one call with an error other than 404 or 401/403."""


class ComputeApi:
    """GET (and getHealth's POST) on `projects/<project>/global/...`; thread-safe."""

    def __init__(self, project: str, environ: Mapping[str, str], timeout: float, pool: int):
        self.project = project
        self.endpoint = (environ.get(ENDPOINT_ENV) or DEFAULT_ENDPOINT).rstrip("/")
        if "://" not in self.endpoint:  # client_options.api_endpoint takes a bare host
            self.endpoint = f"https://{self.endpoint}"
        self._timeout = timeout
        self._emulated = bool(environ.get(ENDPOINT_ENV))
        self._pool = pool
        self._http: Any = None
        self._lock = threading.Lock()
        self.calls = 0  # requests sent, for the benchmark's count

    def get(self, collection: str, name: str) -> Document:
        return self._call("GET", f"{collection}/{quote(name, safe='')}", collection)

    def get_health(self, service: str, group: str) -> Document:
        path = f"backendServices/{quote(service, safe='')}/getHealth"
        return self._call("POST", path, "backendServices", {"group": group})

    def list(self, collection: str) -> Iterator[Document]:
        """Every item of a global collection, page after page."""
        token = ""
        while True:
            query = f"?maxResults={PAGE_SIZE}" + (f"&pageToken={quote(token)}" if token else "")
            page = self._call("GET", collection + query, collection)
            yield from page.get("items") or []
            token = str(page.get("nextPageToken") or "")
            if not token:
                return

    def _call(self, method: str, path: str, collection: str, body: Any = None) -> Document:
        from urllib3.exceptions import HTTPError, NewConnectionError, ProtocolError, TimeoutError

        url = f"{self.endpoint}/compute/v1/projects/{quote(self.project, safe='')}/global/{path}"
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data else {}
        for attempt in (1, 2):
            try:
                response = self._session().request(
                    method, url, body=data, headers=headers, timeout=self._timeout
                )
                break
            except ProtocolError:  # a reset keep-alive connection: once more on a new one
                if attempt == 2:
                    raise GceUnavailable(self._unreachable("connection reset")) from None
            except NewConnectionError:
                raise GceUnavailable(self._unreachable("ConnectionError")) from None
            except TimeoutError:
                raise GceUnavailable(
                    f"the Compute API at {self.endpoint} did not answer within {self._timeout:g}s"
                ) from None
            except HTTPError as err:
                raise GceUnavailable(self._unreachable(type(err).__name__)) from None
        with self._lock:
            self.calls += attempt
        return _answer(response.status, response.data, collection)

    def _unreachable(self, why: str) -> str:
        return f"cannot reach the Compute API at {self.endpoint} ({why})"

    def _session(self) -> Any:
        with self._lock:
            if self._http is None:
                self._http = self._new_session()
            return self._http

    def _new_session(self) -> Any:
        import urllib3

        plain = urllib3.PoolManager(maxsize=self._pool, retries=False)
        if self._emulated:
            return plain
        import google.auth
        from google.auth.exceptions import DefaultCredentialsError
        from google.auth.transport.urllib3 import AuthorizedHttp

        try:
            credentials, _ = google.auth.default(scopes=[READ_ONLY_SCOPE])
        except DefaultCredentialsError:
            raise GceUnavailable(
                "no Google Cloud credentials (run `gcloud auth application-default login`)"
            ) from None
        return _Authorized(AuthorizedHttp(credentials, http=plain))  # type: ignore[no-untyped-call]


class _Authorized:
    """AuthorizedHttp whose failed token refresh is GceUnavailable, not a traceback."""

    def __init__(self, http: Any) -> None:
        self._http = http

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        from google.auth.exceptions import RefreshError, TransportError

        try:
            return self._http.request(method, url, **kwargs)
        except (RefreshError, TransportError) as err:
            first = (str(err).strip() or type(err).__name__).splitlines()[0]
            raise GceUnavailable(f"Google Cloud credentials did not work: {first}") from None


def _answer(status: int, data: bytes, collection: str) -> Document:
    try:
        document = json.loads(data) if data else {}
    except ValueError:
        document = {}
    if not isinstance(document, dict):
        document = {}
    if status < 300:
        return document
    message = _message(document) or f"HTTP {status}"
    if status == 404:
        raise NotFound(message)
    if status in (401, 403):
        needs = PERMISSIONS.get(collection, "")
        hint = f" (needs {needs}, in roles/compute.viewer)" if needs else ""
        raise GceUnavailable(f"the Compute API refused access: {message}{hint}")
    raise CallFailed(f"{status} {message}")


def _message(document: Document) -> str:
    error = document.get("error")
    text = str(error.get("message") or "") if isinstance(error, dict) else ""
    return text.strip().splitlines()[0] if text.strip() else ""
