"""The `replicasets/<name>/scale` and `deployments/<name>/scale` subresources (an
autoscaling/v1 `Scale`), for `kubectl scale`."""

from __future__ import annotations

from typing import Any

from kubectl_fed.sandbox.apiserver import patching
from kubectl_fed.sandbox.apiserver.errors import bad_request
from kubectl_fed.sandbox.apiserver.humanize import format_label_selector
from kubectl_fed.sandbox.apiserver.store import Store

JSON = dict[str, Any]
_KEPT_METADATA = ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")


def to_scale(workload: JSON) -> JSON:
    meta = workload["metadata"]
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {key: meta[key] for key in _KEPT_METADATA if key in meta},
        "spec": {"replicas": (workload.get("spec") or {}).get("replicas", 1)},
        "status": {
            "replicas": (workload.get("status") or {}).get("replicas", 0),
            "selector": _selector(workload),
        },
    }


def _selector(workload: JSON) -> str:
    """The selector as a string (labels.Selector.String): `app=web,tier in (a,b)`."""
    selector = (workload.get("spec") or {}).get("selector") or {}
    shown = format_label_selector(selector)
    return "" if shown == "<none>" else shown


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
    """Reads and writes the replicas of a ReplicaSet or Deployment (`plural`) through its Scale."""

    def __init__(self, store: Store, plural: str, namespace: str | None, name: str) -> None:
        self.store, self.plural, self.namespace, self.name = store, plural, namespace, name

    def get(self) -> JSON:
        return to_scale(self.store.get(self.plural, self.namespace, self.name))

    def update(self, scale: JSON, *, dry_run: bool = False) -> JSON:
        replicas = (scale.get("spec") or {}).get("replicas")
        if not isinstance(replicas, int):
            raise bad_request("a Scale needs an integer spec.replicas")
        workload = self.store.get(self.plural, self.namespace, self.name)
        wanted = (scale.get("metadata") or {}).get("resourceVersion")
        if wanted:
            workload["metadata"]["resourceVersion"] = wanted
        workload["spec"]["replicas"] = replicas
        updated = self.store.update(
            self.plural, self.namespace, self.name, workload, dry_run=dry_run
        )
        return to_scale(updated)

    def patch(self, patch: Any, patch_type: str, *, dry_run: bool = False) -> JSON:
        return self.update(_patched(self.get(), patch, patch_type), dry_run=dry_run)
