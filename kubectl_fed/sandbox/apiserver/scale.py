"""The `replicasets/<name>/scale` subresource (an autoscaling/v1 `Scale`), for `kubectl scale`."""

from __future__ import annotations

from typing import Any

from kubectl_fed.sandbox.apiserver import patching
from kubectl_fed.sandbox.apiserver.errors import bad_request
from kubectl_fed.sandbox.apiserver.store import Store

JSON = dict[str, Any]
_KEPT_METADATA = ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")


def to_scale(replicaset: JSON) -> JSON:
    meta = replicaset["metadata"]
    labels = ((replicaset.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {key: meta[key] for key in _KEPT_METADATA if key in meta},
        "spec": {"replicas": (replicaset.get("spec") or {}).get("replicas", 1)},
        "status": {
            "replicas": (replicaset.get("status") or {}).get("replicas", 0),
            "selector": ",".join(f"{key}={value}" for key, value in sorted(labels.items())),
        },
    }


def _patched(scale: JSON, patch: Any, patch_type: str) -> JSON:
    if patch_type == "json":
        result = patching.json_patch(scale, patch)
    elif isinstance(patch, dict) and patch_type == "merge":
        result = patching.merge_patch(scale, patch)
    elif isinstance(patch, dict):
        result = patching.strategic_merge_patch(scale, patch)
    else:
        raise bad_request("the patch must be a JSON object")
    if not isinstance(result, dict):
        raise bad_request("the patch did not produce a Scale")
    return result


class ScaleSubresource:
    """Reads and writes a ReplicaSet's replicas through its Scale."""

    def __init__(self, store: Store, namespace: str | None, name: str) -> None:
        self.store, self.namespace, self.name = store, namespace, name

    def get(self) -> JSON:
        return to_scale(self.store.get("replicasets", self.namespace, self.name))

    def update(self, scale: JSON, *, dry_run: bool = False) -> JSON:
        replicas = (scale.get("spec") or {}).get("replicas")
        if not isinstance(replicas, int):
            raise bad_request("a Scale needs an integer spec.replicas")
        replicaset = self.store.get("replicasets", self.namespace, self.name)
        wanted = (scale.get("metadata") or {}).get("resourceVersion")
        if wanted:
            replicaset["metadata"]["resourceVersion"] = wanted
        replicaset["spec"]["replicas"] = replicas
        updated = self.store.update(
            "replicasets", self.namespace, self.name, replicaset, dry_run=dry_run
        )
        return to_scale(updated)

    def patch(self, patch: Any, patch_type: str, *, dry_run: bool = False) -> JSON:
        return self.update(_patched(self.get(), patch, patch_type), dry_run=dry_run)
