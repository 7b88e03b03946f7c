"""Kubernetes Events as controllers record them, repeated ones folded into a count."""

from __future__ import annotations

import threading
import time
from typing import Any

from kubectl_fed.sandbox.apiserver.errors import ApiError
from kubectl_fed.sandbox.apiserver.store import Store, now_timestamp

JSON = dict[str, Any]
NORMAL = "Normal"
WARNING = "Warning"


class EventRecorder:
    """Records events for one component (`source.component`, e.g. loadbalancer-controller)."""

    def __init__(self, store: Store, component: str, host: str = "") -> None:
        self._store = store
        self._component = component
        self._host = host
        self._names: dict[tuple[str, str, str, str], str] = {}
        self._lock = threading.Lock()

    def record(self, obj: JSON, event_type: str, reason: str, message: str) -> None:
        meta = obj["metadata"]
        key = (meta["uid"], event_type, reason, message)
        with self._lock:
            name = self._names.get(key)
        if name is not None and self._bump(meta.get("namespace") or "default", name):
            return
        created = self._store.create(
            "events",
            meta.get("namespace") or "default",
            self._event(obj, event_type, reason, message),
        )
        with self._lock:
            self._names[key] = created["metadata"]["name"]

    def _bump(self, namespace: str, name: str) -> bool:
        try:
            current = self._store.get("events", namespace, name)
            patch = {"count": int(current.get("count", 1)) + 1, "lastTimestamp": now_timestamp()}
            self._store.patch("events", namespace, name, patch)
            return True
        except ApiError:
            return False

    def _event(self, obj: JSON, event_type: str, reason: str, message: str) -> JSON:
        meta = obj["metadata"]
        stamp = now_timestamp()
        source: JSON = {"component": self._component}
        if self._host:
            source["host"] = self._host
        return {
            "metadata": {"name": f"{meta['name']}.{time.time_ns():x}"},
            "involvedObject": {
                "apiVersion": obj.get("apiVersion", ""),
                "kind": obj.get("kind", ""),
                "namespace": meta.get("namespace", ""),
                "name": meta["name"],
                "uid": meta["uid"],
                "resourceVersion": meta.get("resourceVersion", ""),
            },
            "reason": reason,
            "message": message,
            "source": source,
            "firstTimestamp": stamp,
            "lastTimestamp": stamp,
            "count": 1,
            "type": event_type,
            "eventTime": None,
            "reportingComponent": self._component,
            "reportingInstance": self._host,
        }
