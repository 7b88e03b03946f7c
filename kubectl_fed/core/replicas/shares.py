"""Each member's share of a federated ReplicaSet, and the federation-wide total it came from.

A member's ReplicaSet carries its own share in `spec.replicas`; the federation-wide total
(what the user asked for) is kept in the annotation `kubectl-fed.io/total-replicas` on
every member, so `scale`, `rebalance` and `get` can recover it without a control plane.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kubectl_fed.core.model.desired import new_record, read_record, stamped
from kubectl_fed.core.model.markers import TOTAL_REPLICAS_ANNOTATION
from kubectl_fed.core.model.objects import KubeObject, annotations_of, key_of
from kubectl_fed.core.replicas.planner import plan, scheduled_replicas
from kubectl_fed.core.replicas.preferences import ReplicaSetPreferences, preferences_of

DEFAULT_REPLICAS = 1


def tie_break_key(obj: Mapping[str, Any]) -> str:
    """`namespace/name`: the planner's tie-break key, as Federation v1 used it."""
    return "/".join(key_of(obj))


def spec_replicas(obj: Mapping[str, Any]) -> int:
    value = (obj.get("spec") or {}).get("replicas", DEFAULT_REPLICAS)
    return value if isinstance(value, int) and not isinstance(value, bool) else DEFAULT_REPLICAS


def recorded_total(obj: Mapping[str, Any]) -> int | None:
    """The federation-wide total a member's ReplicaSet records, None when absent or bad."""
    annotations = annotations_of(obj)
    text = annotations.get(TOTAL_REPLICAS_ANNOTATION)
    try:
        value = int(str(text))
    except ValueError:
        return None
    return value if value >= 0 else None


def with_share(obj: Mapping[str, Any], share: int, total: int) -> KubeObject:
    """A copy of `obj` running `share` replicas and recording the federation's `total`."""
    result: KubeObject = copy.deepcopy(dict(obj))
    result.setdefault("spec", {})["replicas"] = share
    metadata = result.setdefault("metadata", {})
    metadata["annotations"] = {
        **(metadata.get("annotations") or {}),
        TOTAL_REPLICAS_ANNOTATION: str(total),
    }
    record = read_record(result)
    if record is not None and spec_replicas(record.desired) != total:
        # a new total (scale) is a new desired state: recorded, so reconcile keeps it
        wanted = copy.deepcopy(record.desired)
        wanted.setdefault("spec", {})["replicas"] = total
        result = stamped(result, new_record(wanted))
    return result


@dataclass(frozen=True)
class SharePlan:
    """What each member should run: `shares` (every planned member, member order)."""

    key: str
    total: int
    shares: dict[str, int]
    overflow: dict[str, int]


def plan_shares(
    replicaset: Mapping[str, Any],
    members: Sequence[str],
    *,
    total: int | None = None,
    current: Mapping[str, int] | None = None,
    capacity: Mapping[str, int] | None = None,
    rebalance: bool | None = None,
) -> SharePlan:
    """Split the ReplicaSet's total (its `spec.replicas` unless `total` is given) over the
    `members` able to run it; `rebalance` overrides the preferences' own flag.

    Raises UsageError when the preferences annotation is invalid."""
    prefs: ReplicaSetPreferences = preferences_of(replicaset)
    if rebalance is not None:
        prefs = dataclasses.replace(prefs, rebalance=rebalance)
    wanted = spec_replicas(replicaset) if total is None else total
    key = tie_break_key(replicaset)
    placement, overflow = plan(wanted, members, prefs, current, capacity, key=key)
    shares = scheduled_replicas(placement, overflow)
    return SharePlan(key, wanted, {name: shares.get(name, 0) for name in members}, overflow)


def member_objects(
    replicaset: Mapping[str, Any], members: Sequence[str], shares: SharePlan
) -> dict[str, KubeObject]:
    """The ReplicaSet as each member gets it: its share, the total recorded."""
    return {
        name: with_share(replicaset, shares.shares.get(name, 0), shares.total) for name in members
    }
