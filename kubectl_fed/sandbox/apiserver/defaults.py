"""What the API server fills in on create, per kind, as upstream's defaulting does."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

JSON = dict[str, Any]
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"


def _pod_spec(spec: JSON) -> None:
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("securityContext", {})
    for container in spec.get("containers") or []:
        image = str(container.get("image", ""))
        latest = ":" not in image.rsplit("/", 1)[-1] or image.endswith(":latest")
        container.setdefault("imagePullPolicy", "Always" if latest else "IfNotPresent")
        container.setdefault("terminationMessagePath", "/dev/termination-log")
        container.setdefault("terminationMessagePolicy", "File")
        container.setdefault("resources", {})
        for port in container.get("ports") or []:
            port.setdefault("protocol", "TCP")


def _namespace_label(obj: JSON) -> None:
    """Every namespace is labelled with its name (upstream's SetDefaults_Namespace)."""
    meta = obj.setdefault("metadata", {})
    if meta.get("name"):
        meta["labels"] = {**(meta.get("labels") or {}), NAMESPACE_NAME_LABEL: meta["name"]}


def _namespace(obj: JSON) -> None:
    _namespace_label(obj)
    obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
    obj["status"] = {"phase": "Active"}


def _pod(obj: JSON) -> None:
    _pod_spec(obj.setdefault("spec", {}))
    obj["status"] = {"phase": "Pending", "qosClass": "BestEffort"}


def _replicaset_spec(obj: JSON) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    _pod_spec(spec.setdefault("template", {}).setdefault("spec", {}))


def _replicaset(obj: JSON) -> None:
    _replicaset_spec(obj)
    obj["status"] = {"replicas": 0}


def _deployment_spec(obj: JSON) -> None:
    """SetDefaults_Deployment (apps/v1): a RollingUpdate of 25%/25% unless told otherwise."""
    spec = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    strategy = spec.setdefault("strategy", {})
    strategy.setdefault("type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        rolling = strategy.setdefault("rollingUpdate", {})
        rolling.setdefault("maxUnavailable", "25%")
        rolling.setdefault("maxSurge", "25%")
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)
    _pod_spec(spec.setdefault("template", {}).setdefault("spec", {}))


def _deployment(obj: JSON) -> None:
    _deployment_spec(obj)
    obj["status"] = {}


def _secret(obj: JSON) -> None:
    """`stringData` is write-only: its entries go into `data`, base64, over equal keys."""
    obj.setdefault("type", "Opaque")
    strings = obj.pop("stringData", None) or {}
    if strings:
        data = obj.get("data") or {}
        for key, value in strings.items():
            data[key] = base64.b64encode(str(value).encode()).decode()
        obj["data"] = data


def _with_load_balancer_status(obj: JSON) -> None:
    obj["status"] = {"loadBalancer": {}}


def _resourcequota(obj: JSON) -> None:
    obj.setdefault("status", {})


_ON_CREATE: dict[str, Callable[[JSON], None]] = {
    "namespaces": _namespace,
    "pods": _pod,
    "replicasets": _replicaset,
    "deployments": _deployment,
    "secrets": _secret,
    "ingresses": _with_load_balancer_status,
    "services": _with_load_balancer_status,
    "resourcequotas": _resourcequota,
}


# upstream defaults every object it decodes, so an update is defaulted like a create
_ON_UPDATE: dict[str, Callable[[JSON], None]] = {
    "namespaces": _namespace_label,
    "replicasets": _replicaset_spec,
    "deployments": _deployment_spec,
    "secrets": _secret,
}


def default_on_update(plural: str, obj: JSON) -> None:
    """Fill defaults into the new body of an update (PUT or PATCH) in place; status is kept."""
    apply_defaults = _ON_UPDATE.get(plural)
    if apply_defaults is not None:
        apply_defaults(obj)


def default_on_create(plural: str, obj: JSON) -> None:
    """Fill defaults into a new object in place (and reset its status where upstream does)."""
    apply_defaults = _ON_CREATE.get(plural)
    if apply_defaults is not None:
        apply_defaults(obj)
