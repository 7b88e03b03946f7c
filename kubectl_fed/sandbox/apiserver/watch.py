"""`?watch=true`: a chunked stream of JSON watch events, as kube-apiserver sends them."""

from __future__ import annotations

import json
import queue
import select
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kubectl_fed.sandbox.apiserver.errors import bad_request, status_body
from kubectl_fed.sandbox.apiserver.store import WatchEvent

if TYPE_CHECKING:
    from kubectl_fed.sandbox.apiserver.handler import ApiHandler
    from kubectl_fed.sandbox.apiserver.routes import ResourcePath

DEFAULT_TIMEOUT_SECONDS = 1800
POLL_SECONDS = 0.25
BOOKMARK_SECONDS = 60
BOOKMARK_BEFORE_END = 2


def _start_version(handler: ApiHandler) -> int | None:
    """None means "send the current state first" (resourceVersion unset, "" or "0")."""
    raw = handler.query.get("resourceVersion", "")
    if raw in ("", "0"):
        return None
    try:
        return int(raw)
    except ValueError as err:
        raise bad_request(f"invalid resource version {raw!r}") from err


def _timeout(handler: ApiHandler) -> float:
    raw = handler.query.get("timeoutSeconds")
    try:
        return float(raw) if raw else DEFAULT_TIMEOUT_SECONDS
    except ValueError as err:
        raise bad_request(f"invalid timeoutSeconds {raw!r}") from err


class _Stream:
    """Writes one watch response: chunked encoding, one JSON event per chunk."""

    def __init__(self, handler: ApiHandler, target: ResourcePath, as_table: bool) -> None:
        self.handler, self.target, self.as_table = handler, target, as_table
        self.sent_columns = False

    def start(self) -> None:
        handler = self.handler
        handler.send_response(200)
        content_type = (
            "application/json;as=Table;v=v1;g=meta.k8s.io" if self.as_table else "application/json"
        )
        handler.send_header("Content-Type", content_type)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.send_header("Cache-Control", "no-cache, private")
        handler.end_headers()

    def _object(self, event: WatchEvent) -> dict[str, Any]:
        if not self.as_table:
            return event.object
        # like kube-apiserver, only the first event of a watch carries the column definitions
        table = self.handler.table(self.target, [event.object], no_headers=self.sent_columns)
        self.sent_columns = True
        return table

    def send(self, event_type: str, obj: dict[str, Any]) -> None:
        data = json.dumps({"type": event_type, "object": obj}).encode() + b"\n"
        self.handler.wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")
        self.handler.wfile.flush()

    def bookmark(self, version: int) -> dict[str, Any]:
        """A BOOKMARK event's object: only the kind and a resourceVersion."""
        return {
            "kind": self.target.info.kind,
            "apiVersion": self.target.info.group_version,
            "metadata": {"resourceVersion": str(version), "creationTimestamp": None},
        }

    def send_event(self, event: WatchEvent) -> None:
        self.send(event.type, self._object(event))

    def finish(self) -> None:
        self.handler.wfile.write(b"0\r\n\r\n")
        self.handler.wfile.flush()


def _client_gone(handler: ApiHandler) -> bool:
    """During a watch the client sends nothing; a readable socket means it hung up."""
    readable, _, _ = select.select([handler.connection], [], [], 0)
    return bool(readable)


def _as_seen(event: WatchEvent, matches: Callable[[dict[str, Any]], bool]) -> WatchEvent | None:
    """The event a selective watcher sees: an object entering or leaving its selection
    is ADDED or DELETED for it, as kube-apiserver's watch cache reports it."""
    now = matches(event.object)
    before = event.old_object is not None and matches(event.old_object)
    if event.type != "MODIFIED" or event.old_object is None or now == before:
        return event if now else None
    return WatchEvent("ADDED" if now else "DELETED", event.resource, event.object)


def serve_watch(handler: ApiHandler, target: ResourcePath, as_table: bool) -> int:
    store = handler.cluster.store
    label_selector = handler.query.get("labelSelector")
    field_selector = handler.query.get("fieldSelector")
    matches = store.matcher(label_selector, field_selector)
    start, timeout = _start_version(handler), _timeout(handler)
    events: queue.Queue[WatchEvent] = queue.Queue()

    def on_event(event: WatchEvent) -> None:
        namespace = event.object["metadata"].get("namespace")
        if event.resource != target.plural:
            return
        if target.namespace is not None and namespace != target.namespace:
            return
        seen = _as_seen(event, matches)
        if seen is not None:
            events.put(seen)

    initial: list[dict[str, Any]] = []
    if start is None:
        initial, start = store.snapshot(
            target.plural, target.namespace, label_selector, field_selector
        )
    unsubscribe = store.watch(on_event, since=start)
    stream = _Stream(handler, target, as_table)
    stream.start()
    handler.log_request_status(200)
    if unsubscribe is None:
        message = f"too old resource version: {start} ({store.history_start})"
        gone = status_body(410, "Expired", message)
        stream.send("ERROR", gone)
        stream.finish()
        return 200
    try:
        for obj in initial:
            stream.send_event(WatchEvent("ADDED", target.plural, obj))
        bookmarks = handler.query.get("allowWatchBookmarks") in ("true", "1")
        _pump(handler, stream, events, timeout, bookmarks)
        stream.finish()
    finally:
        unsubscribe()
    return 200


def _bookmark_times(start: float, timeout: float) -> list[float]:
    """When a watch with bookmarks sends them: every minute, and once shortly before the
    watch times out, so that a client can resume from a recent version (as upstream)."""
    times = [start + BOOKMARK_SECONDS * n for n in range(1, int(timeout // BOOKMARK_SECONDS) + 1)]
    times.append(start + max(timeout - BOOKMARK_BEFORE_END, timeout / 2))
    return sorted(times)


def _pump(
    handler: ApiHandler,
    stream: _Stream,
    events: queue.Queue[WatchEvent],
    timeout: float,
    bookmarks: bool,
) -> None:
    started = time.monotonic()
    deadline = started + timeout
    due = _bookmark_times(started, timeout) if bookmarks else []
    while not handler.cluster.stopping.is_set():
        now = time.monotonic()
        if now >= deadline:
            return
        if due and now >= due[0]:
            version = handler.cluster.store.resource_version
            if events.empty():  # every event up to `version` was sent: a safe resume point
                due.pop(0)
                stream.send("BOOKMARK", stream.bookmark(version))
        wait = min(POLL_SECONDS, deadline - now)
        if due:
            wait = min(wait, max(due[0] - now, 0.0))
        try:
            event = events.get(timeout=wait)
        except queue.Empty:
            if _client_gone(handler):
                handler.close_connection = True
                return
            continue
        stream.send_event(event)
