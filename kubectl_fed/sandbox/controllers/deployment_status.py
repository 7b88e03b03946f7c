"""A Deployment's status as upstream's controller computes it (calculateStatus and
syncRolloutStatus of pkg/controller/deployment, Kubernetes v1.32): the counts, Available,
and Progressing as a rollout advances, completes or runs out of its progress deadline."""

from __future__ import annotations

import copy
import time
from typing import Any

from kubectl_fed.sandbox.apiserver.humanize import parse_timestamp
from kubectl_fed.sandbox.controllers import deployment_conditions as conditions
from kubectl_fed.sandbox.controllers import rollout

JSON = dict[str, Any]


def calculate(deployment: JSON, new: JSON | None, old: list[JSON]) -> JSON:
    """calculateStatus: the counts, the conditions so far, and Available."""
    status = rollout.counts(deployment, [*old, *([new] if new else [])], new)
    so_far = (deployment.get("status") or {}).get("conditions")
    if so_far:
        status["conditions"] = copy.deepcopy(so_far)
    minimum = rollout.replicas(deployment) - rollout.max_unavailable(deployment)
    conditions.availability(status, status.get("availableReplicas", 0) >= minimum)
    return status


def rollout_status(deployment: JSON, new: JSON | None, old: list[JSON]) -> JSON:
    """syncRolloutStatus: `calculate`, then Progressing unless the rollout had finished."""
    status = calculate(deployment, new, old)
    if not rollout.has_progress_deadline(deployment):
        conditions.remove(status, conditions.PROGRESSING)
        return status
    current = conditions.get(deployment.get("status") or {}, conditions.PROGRESSING)
    finished = (
        status.get("replicas", 0) == status.get("updatedReplicas", 0)
        and current is not None
        and current.get("reason") == conditions.NEW_RS_AVAILABLE
    )
    if not finished:
        _progress(deployment, status, new, current)
    return status


def _progress(deployment: JSON, status: JSON, new: JSON | None, current: JSON | None) -> None:
    name = (new or deployment)["metadata"]["name"]
    subject = f'ReplicaSet "{name}"' if new else f'Deployment "{name}"'
    progressing = conditions.PROGRESSING
    if rollout.complete(deployment, status):
        message = f"{subject} has successfully progressed."
        condition = conditions.new(progressing, "True", conditions.NEW_RS_AVAILABLE, message)
    elif rollout.progressing(deployment, status):
        message = f"{subject} is progressing."
        condition = conditions.new(progressing, "True", conditions.RS_UPDATED, message)
        if current is not None:  # a new lastUpdateTime even for the same reason
            if current.get("status") == "True":
                condition["lastTransitionTime"] = current.get("lastTransitionTime")
            conditions.remove(status, progressing)
    elif _deadline_passed(deployment, status):
        message = f"{subject} has timed out progressing."
        condition = conditions.new(progressing, "False", conditions.TIMED_OUT, message)
    else:
        return
    conditions.put(status, condition)


def _deadline(deployment: JSON, status: JSON) -> float | None:
    """When the Progressing condition of an unfinished rollout runs out, in epoch seconds."""
    condition = conditions.get(status, conditions.PROGRESSING)
    if condition is None or not rollout.has_progress_deadline(deployment):
        return None
    if condition.get("reason") in (conditions.NEW_RS_AVAILABLE, conditions.TIMED_OUT):
        return None
    updated = parse_timestamp(condition.get("lastUpdateTime"))
    if updated is None:
        return None
    return updated.timestamp() + int(deployment["spec"]["progressDeadlineSeconds"])


def _deadline_passed(deployment: JSON, status: JSON) -> bool:
    condition = conditions.get(status, conditions.PROGRESSING)
    if condition is not None and condition.get("reason") == conditions.TIMED_OUT:
        return True
    deadline = _deadline(deployment, status)
    return deadline is not None and deadline < time.time()


def due(deployment: JSON) -> float | None:
    """Seconds until an unfinished rollout's deadline: a pass then marks it timed out."""
    status = deployment.get("status") or {}
    if rollout.complete(deployment, status):
        return None
    deadline = _deadline(deployment, status)
    return None if deadline is None else max(0.0, deadline - time.time()) + 1.0
