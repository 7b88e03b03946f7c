"""ReplicaSet controller: owned pods to match spec.replicas, and the status counts."""

from __future__ import annotations

import contextlib
import copy
from collections import defaultdict
from typing import Any

from kubectl_fed.sandbox.apiserver.errors import ApiError
from kubectl_fed.sandbox.apiserver.store import Store
from kubectl_fed.sandbox.controllers.events import NORMAL, EventRecorder
from kubectl_fed.sandbox.controllers.pods import controller_uid, is_active, is_ready

JSON = dict[str, Any]


class ReplicaSetController:
    resources = frozenset({"replicasets", "pods"})

    def __init__(self, store: Store) -> None:
        self._store = store
        self._events = EventRecorder(store, "replicaset-controller")

    def reconcile(self) -> None:
        owned: dict[str, list[JSON]] = defaultdict(list)
        for pod in self._store.list("pods"):
            if is_active(pod) and controller_uid(pod):
                owned[controller_uid(pod)].append(pod)
        for rs in self._store.list("replicasets"):
            with contextlib.suppress(ApiError):  # changed meanwhile: the next pass retries
                pods = self._scale(rs, owned.pop(rs["metadata"]["uid"], []))
                self._write_status(rs, pods)
        for orphans in owned.values():  # pods whose ReplicaSet is gone
            for pod in orphans:
                if _owner_kind(pod) != "ReplicaSet":
                    continue
                with contextlib.suppress(ApiError):
                    self._store.delete(
                        "pods", pod["metadata"]["namespace"], pod["metadata"]["name"]
                    )

    def _scale(self, rs: JSON, pods: list[JSON]) -> list[JSON]:
        if rs["metadata"].get("deletionTimestamp"):
            return pods  # being deleted: upstream's controller no longer manages its pods
        wanted = int(rs["spec"].get("replicas", 1))
        if len(pods) < wanted:
            return pods + [self._create_pod(rs) for _ in range(wanted - len(pods))]
        surplus = _deletion_order(pods)[: len(pods) - wanted]
        for pod in surplus:
            meta = pod["metadata"]
            self._store.delete("pods", meta["namespace"], meta["name"])
            self._events.record(rs, NORMAL, "SuccessfulDelete", f"Deleted pod: {meta['name']}")
        gone = {p["metadata"]["uid"] for p in surplus}
        return [p for p in pods if p["metadata"]["uid"] not in gone]

    def _create_pod(self, rs: JSON) -> JSON:
        meta = rs["metadata"]
        template = copy.deepcopy(rs["spec"].get("template") or {})
        pod_meta = template.get("metadata") or {}
        pod = {
            "metadata": {
                "generateName": f"{meta['name']}-",
                "labels": pod_meta.get("labels") or {},
                "annotations": pod_meta.get("annotations") or {},
                "ownerReferences": [
                    {
                        "apiVersion": "apps/v1",
                        "kind": "ReplicaSet",
                        "name": meta["name"],
                        "uid": meta["uid"],
                        "controller": True,
                        "blockOwnerDeletion": True,
                    }
                ],
            },
            "spec": template.get("spec") or {},
        }
        if not pod["metadata"]["annotations"]:
            del pod["metadata"]["annotations"]
        created = self._store.create("pods", meta["namespace"], pod)
        self._events.record(
            rs, NORMAL, "SuccessfulCreate", f"Created pod: {created['metadata']['name']}"
        )
        return created

    def _write_status(self, rs: JSON, pods: list[JSON]) -> None:
        template_labels = ((rs["spec"].get("template") or {}).get("metadata") or {}).get(
            "labels"
        ) or {}
        ready = sum(1 for p in pods if is_ready(p))
        counts = {
            "replicas": len(pods),
            "fullyLabeledReplicas": sum(1 for p in pods if _has_labels(p, template_labels)),
            "readyReplicas": ready,
            "availableReplicas": ready,
            "observedGeneration": int(rs["metadata"].get("generation", 1)),
        }
        current = rs.get("status") or {}
        if all(current.get(k, 0) == v for k, v in counts.items()):
            return
        # upstream omits zero counts other than replicas
        status = {k: v for k, v in counts.items() if v or k == "replicas"}
        meta = rs["metadata"]
        self._store.update(
            "replicasets", meta["namespace"], meta["name"], {"status": status}, "status"
        )


def _deletion_order(pods: list[JSON]) -> list[JSON]:
    """Unscheduled first, then not ready, then the newest (as upstream's ActivePods order)."""
    newest_first = sorted(
        pods, key=lambda p: p["metadata"].get("creationTimestamp", ""), reverse=True
    )
    return sorted(newest_first, key=lambda p: (bool(p["spec"].get("nodeName")), is_ready(p)))


def _has_labels(pod: JSON, labels: dict[str, str]) -> bool:
    have = pod["metadata"].get("labels") or {}
    return all(have.get(k) == v for k, v in labels.items())


def _owner_kind(pod: JSON) -> str:
    for owner in pod["metadata"].get("ownerReferences") or []:
        if owner.get("controller"):
            return str(owner.get("kind", ""))
    return ""
