"""What the API server fills in on create, per kind, as upstream's defaulting does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

JSON = dict[str, Any]


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


def _namespace(obj: JSON) -> None:
    obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
    obj["status"] = {"phase": "Active"}


def _pod(obj: JSON) -> None:
    _pod_spec(obj.setdefault("spec", {}))
    obj["status"] = {"phase": "Pending", "qosClass": "BestEffort"}


def _replicaset(obj: JSON) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    _pod_spec(spec.setdefault("template", {}).setdefault("spec", {}))
    obj["status"] = {"replicas": 0}


def _deployment(obj: JSON) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    spec.setdefault(
        "strategy",
        {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
    )
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)
    _pod_spec(spec.setdefault("template", {}).setdefault("spec", {}))
    obj["status"] = {}


def _secret(obj: JSON) -> None:
    obj.setdefault("type", "Opaque")


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


def default_on_create(plural: str, obj: JSON) -> None:
    """Fill defaults into a new object in place (and reset its status where upstream does)."""
    apply_defaults = _ON_CREATE.get(plural)
    if apply_defaults is not None:
        apply_defaults(obj)
