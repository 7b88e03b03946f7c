"""The arithmetic of a Deployment rollout, as upstream's deployment util computes it.

Pure functions over Deployment and ReplicaSet bodies (pkg/controller/deployment/util in
Kubernetes v1.32): max surge and max unavailable from their int-or-percent values, how far
the new ReplicaSet may grow, how a resize spreads over the ReplicaSets of a rollout in
flight, and the Deployment's status counts.
"""

from __future__ import annotations

import math
from typing import Any

JSON = dict[str, Any]

REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
DEFAULT_SURGE = DEFAULT_UNAVAILABLE = "25%"
NO_PROGRESS_DEADLINE = 2**31 - 1


def replicas(obj: JSON) -> int:
    return int((obj.get("spec") or {}).get("replicas", 1))


def status_count(obj: JSON, field: str) -> int:
    return int((obj.get("status") or {}).get(field, 0) or 0)


def annotation(obj: JSON, key: str) -> str | None:
    value = ((obj.get("metadata") or {}).get("annotations") or {}).get(key)
    return None if value is None else str(value)


def revision(obj: JSON) -> int:
    try:
        return int(annotation(obj, REVISION) or 0)
    except ValueError:
        return 0


def strategy_type(deployment: JSON) -> str:
    strategy = (deployment.get("spec") or {}).get("strategy") or {}
    return str(strategy.get("type") or "RollingUpdate")


def _scaled(value: Any, total: int, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent: an int as is, `25%` of total rounded."""
    if isinstance(value, int):
        return value
    percent = int(str(value).rstrip("%"))
    exact = percent * total / 100
    return math.ceil(exact) if round_up else math.floor(exact)


def fenceposts(deployment: JSON) -> tuple[int, int]:
    """(max surge, max unavailable) of a RollingUpdate Deployment (ResolveFenceposts)."""
    rolling = ((deployment.get("spec") or {}).get("strategy") or {}).get("rollingUpdate") or {}
    desired = replicas(deployment)
    surge = _scaled(rolling.get("maxSurge", DEFAULT_SURGE), desired, True)
    unavailable = _scaled(rolling.get("maxUnavailable", DEFAULT_UNAVAILABLE), desired, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1  # both rounded to zero: surge may not work (quota), so allow one
    return surge, unavailable


def max_surge(deployment: JSON) -> int:
    return fenceposts(deployment)[0] if strategy_type(deployment) == "RollingUpdate" else 0


def max_unavailable(deployment: JSON) -> int:
    desired = replicas(deployment)
    if strategy_type(deployment) != "RollingUpdate" or desired == 0:
        return 0
    return min(fenceposts(deployment)[1], desired)


def total_replicas(replica_sets: list[JSON]) -> int:
    """The sum of spec.replicas (GetReplicaCountForReplicaSets)."""
    return sum(replicas(rs) for rs in replica_sets)


def new_replicas(deployment: JSON, all_sets: list[JSON], new_set: JSON) -> int:
    """How many replicas the new ReplicaSet may have now (NewRSNewReplicas)."""
    desired = replicas(deployment)
    if strategy_type(deployment) != "RollingUpdate":
        return desired
    most = desired + fenceposts(deployment)[0]
    current = total_replicas(all_sets)
    if current >= most:
        return replicas(new_set)
    return replicas(new_set) + min(most - current, desired - replicas(new_set))


def is_saturated(deployment: JSON, replica_set: JSON | None) -> bool:
    if replica_set is None:
        return False
    desired = replicas(deployment)
    return (
        replicas(replica_set) == desired
        and annotation(replica_set, DESIRED_REPLICAS) == str(desired)
        and status_count(replica_set, "availableReplicas") == desired
    )


def _round(value: float) -> int:
    """integer.RoundToInt32: halves away from zero."""
    return int(value - 0.5) if value < 0 else int(value + 0.5)


def proportion(replica_set: JSON, deployment: JSON, to_add: int, added: int) -> int:
    """The share of a resize that falls to one ReplicaSet (GetReplicaSetProportion)."""
    size = replicas(replica_set)
    if size == 0 or to_add == 0 or to_add == added:
        return 0
    if replicas(deployment) == 0:
        fraction = -size
    else:
        after = replicas(deployment) + max_surge(deployment)
        try:
            before = int(annotation(replica_set, MAX_REPLICAS) or 0)
        except ValueError:
            before = 0
        before = before or status_count(deployment, "replicas")
        fraction = _round(size * after / before) - size if before else 0
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def proportional_sizes(deployment: JSON, active: list[JSON]) -> tuple[dict[str, int], str]:
    """New sizes of the active ReplicaSets of a rollout in flight when the Deployment is
    resized, and the event's direction (`up`, `down` or ``)."""
    allowed = replicas(deployment) + max_surge(deployment) if replicas(deployment) > 0 else 0
    to_add = allowed - total_replicas(active)
    newest_first = sorted(active, key=_created, reverse=True)
    if to_add > 0:
        ordered, direction = sorted(newest_first, key=replicas, reverse=True), "up"
    elif to_add < 0:
        ordered, direction = (
            sorted(sorted(active, key=_created), key=replicas, reverse=True),
            "down",
        )
    else:
        ordered, direction = active, ""
    sizes: dict[str, int] = {}
    added = 0
    for replica_set in ordered:
        share = proportion(replica_set, deployment, to_add, added)
        sizes[_name(replica_set)] = replicas(replica_set) + share
        added += share
    if ordered and to_add:
        largest = _name(ordered[0])
        sizes[largest] = max(0, sizes[largest] + to_add - added)
    return sizes, direction


def complete(deployment: JSON, status: JSON) -> bool:
    """DeploymentComplete: every replica updated and available, the spec observed."""
    desired = replicas(deployment)
    generation = int((deployment.get("metadata") or {}).get("generation", 1))
    return (
        int(status.get("updatedReplicas", 0)) == desired
        and int(status.get("replicas", 0)) == desired
        and int(status.get("availableReplicas", 0)) == desired
        and int(status.get("observedGeneration", 0)) >= generation
    )


def progressing(deployment: JSON, status: JSON) -> bool:
    """DeploymentProgressing: more updated, ready or available replicas, or fewer old ones."""
    old = deployment.get("status") or {}

    def count(source: JSON, field: str) -> int:
        return int(source.get(field, 0) or 0)

    old_left = count(old, "replicas") - count(old, "updatedReplicas")
    new_left = count(status, "replicas") - count(status, "updatedReplicas")
    return (
        count(status, "updatedReplicas") > count(old, "updatedReplicas")
        or new_left < old_left
        or count(status, "readyReplicas") > count(old, "readyReplicas")
        or count(status, "availableReplicas") > count(old, "availableReplicas")
    )


def counts(deployment: JSON, all_sets: list[JSON], new_set: JSON | None) -> JSON:
    """The counts of calculateStatus; zero ones left out, as upstream's omitempty does."""
    available = sum(status_count(rs, "availableReplicas") for rs in all_sets)
    found = {
        "observedGeneration": int((deployment.get("metadata") or {}).get("generation", 1)),
        "replicas": sum(status_count(rs, "replicas") for rs in all_sets),
        "updatedReplicas": status_count(new_set, "replicas") if new_set else 0,
        "readyReplicas": sum(status_count(rs, "readyReplicas") for rs in all_sets),
        "availableReplicas": available,
        "unavailableReplicas": max(0, total_replicas(all_sets) - available),
    }
    collisions = (deployment.get("status") or {}).get("collisionCount")
    if collisions:
        found["collisionCount"] = collisions
    return {key: value for key, value in found.items() if value}


def has_progress_deadline(deployment: JSON) -> bool:
    deadline = (deployment.get("spec") or {}).get("progressDeadlineSeconds")
    return deadline is not None and int(deadline) != NO_PROGRESS_DEADLINE


def _created(obj: JSON) -> tuple[str, str]:
    meta = obj.get("metadata") or {}
    return str(meta.get("creationTimestamp", "")), str(meta.get("name", ""))


def _name(obj: JSON) -> str:
    return str((obj.get("metadata") or {}).get("name", ""))


def by_age(replica_sets: list[JSON]) -> list[JSON]:
    """Oldest first, ties by name (controller.ReplicaSetsByCreationTimestamp)."""
    return sorted(replica_sets, key=_created)
