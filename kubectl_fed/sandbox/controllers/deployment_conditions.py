"""A Deployment's Available and Progressing conditions, set as upstream's deployment util does."""

from __future__ import annotations

from typing import Any

from kubectl_fed.sandbox.apiserver.store import now_timestamp

JSON = dict[str, Any]

AVAILABLE, PROGRESSING = "Available", "Progressing"
MINIMUM_AVAILABLE = ("MinimumReplicasAvailable", "Deployment has minimum availability.")
MINIMUM_UNAVAILABLE = (
    "MinimumReplicasUnavailable",
    "Deployment does not have minimum availability.",
)
NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
RS_UPDATED = "ReplicaSetUpdated"
NEW_RS_CREATED = "NewReplicaSetCreated"
FOUND_NEW_RS = "FoundNewReplicaSet"
TIMED_OUT = "ProgressDeadlineExceeded"
PAUSED, RESUMED = "DeploymentPaused", "DeploymentResumed"


def new(kind: str, status: str, reason: str, message: str) -> JSON:
    stamp = now_timestamp()
    return {
        "type": kind,
        "status": status,
        "lastUpdateTime": stamp,
        "lastTransitionTime": stamp,
        "reason": reason,
        "message": message,
    }


def get(status: JSON, kind: str) -> JSON | None:
    return next((c for c in status.get("conditions") or [] if c.get("type") == kind), None)


def remove(status: JSON, kind: str) -> None:
    kept = [c for c in status.get("conditions") or [] if c.get("type") != kind]
    if kept:
        status["conditions"] = kept
    else:
        status.pop("conditions", None)


def put(status: JSON, condition: JSON) -> None:
    """SetDeploymentCondition: same status and reason is no change; same status keeps the
    transition time; the condition goes last."""
    current = get(status, condition["type"])
    if current is not None and (current["status"], current.get("reason")) == (
        condition["status"],
        condition["reason"],
    ):
        return
    if current is not None and current["status"] == condition["status"]:
        condition["lastTransitionTime"] = current.get("lastTransitionTime")
    remove(status, condition["type"])
    status.setdefault("conditions", []).append(condition)


def availability(status: JSON, available: bool) -> None:
    reason, message = MINIMUM_AVAILABLE if available else MINIMUM_UNAVAILABLE
    put(status, new(AVAILABLE, "True" if available else "False", reason, message))
