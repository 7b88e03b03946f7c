"""List pages: `limit` and `continue`, as kube-apiserver answers them.

A page holds at most `limit` objects in the list's order (namespace, then name); when more
remain, its `metadata` has a `continue` token and `remainingItemCount` (left out when a
selector filters the list, as upstream does). The token names the list's resourceVersion
and the last key sent; the next page is read from the current objects after that key.
Unlike etcd, the sandbox keeps no old revisions, so a later page shows objects as they are
now rather than as they were at the first page's version. A token whose version the
cluster's event history no longer holds answers 410 `Expired`, as a compacted etcd does.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kubectl_fed.sandbox.apiserver.errors import ApiError, bad_request, status_body

JSON = dict[str, Any]
EXPIRED_MESSAGE = (
    "The provided continue parameter is too old to display a consistent list result. You can "
    "start a new list without the continue parameter, or use the continue token in this "
    "response to retrieve the remainder of the results. Continuing with the provided token "
    "results in an inconsistent list - objects that were created, modified, or deleted "
    "between the time the first chunk was returned and now may show up in the list."
)


@dataclass(frozen=True)
class Page:
    items: list[JSON]
    resource_version: int
    metadata: JSON


def _key(obj: JSON) -> tuple[str, str]:
    meta = obj.get("metadata") or {}
    return str(meta.get("namespace") or ""), str(meta.get("name") or "")


def encode_token(resource_version: int, last: tuple[str, str]) -> str:
    """Upstream's token: the version and the key to start after (`<ns>/<name>` and a NUL)."""
    token = {"v": "meta.k8s.io/v1", "rv": resource_version, "start": "/".join(last) + "\x00"}
    return base64.urlsafe_b64encode(json.dumps(token).encode()).decode().rstrip("=")


def _decode_token(raw: str) -> tuple[int, tuple[str, str]]:
    try:
        padded = raw + "=" * (-len(raw) % 4)
        token = json.loads(base64.urlsafe_b64decode(padded))
        namespace, _, name = str(token["start"]).rstrip("\x00").partition("/")
        return int(token["rv"]), (namespace, name)
    except (binascii.Error, ValueError, KeyError, TypeError) as err:
        raise bad_request(f"continue key is not valid: {err}") from err


def expired() -> ApiError:
    return ApiError(status_body(410, "Expired", EXPIRED_MESSAGE))


def _limit(raw: str | None) -> int:
    try:
        return max(int(raw or 0), 0)
    except ValueError as err:
        raise bad_request(f"invalid limit {raw!r}") from err


def page(
    items: list[JSON],
    version: int,
    query: dict[str, str],
    *,
    kept: Callable[[int], bool],
) -> Page:
    """The page `query` asks for of `items` (listed at `version`); `kept(rv)` says whether the
    cluster's history still holds `rv`."""
    limit, token = _limit(query.get("limit")), query.get("continue")
    if token:
        version, last = _decode_token(token)
        if not kept(version):
            raise expired()
        items = [item for item in items if _key(item) > last]
    metadata: JSON = {"resourceVersion": str(version)}
    if limit and len(items) > limit:
        remaining = len(items) - limit
        items = items[:limit]
        metadata["continue"] = encode_token(version, _key(items[-1]))
        if not query.get("labelSelector") and not query.get("fieldSelector"):
            metadata["remainingItemCount"] = remaining
    return Page(items, version, metadata)
