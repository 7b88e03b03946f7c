"""Federation v1's ReplicaSet planner: how many of a federated ReplicaSet's replicas each
member runs.

The behaviour is Federation v1's (federation-controller/util/planner), phase by phase:

1. Members are ordered by weight (descending), then by the FNV-1 32-bit hash of the
   cluster name followed by `key` (`namespace/name`), so ties do not always favour the
   alphabetically first cluster. A member with neither its own entry nor a "*" entry
   gets 0 and takes no further part.
2. Every member gets its `minReplicas`, in that order, capped by what is left to place
   and by its capacity.
3. With `rebalance: false`, a member already running more than that keeps its current
   replicas (capped by `maxReplicas` and capacity) as long as there are replicas left.
4. Rounds follow while replicas remain and the previous round changed something: what is
   left is split by weight, each share rounded up, in member order; a member that reaches
   its `maxReplicas` or capacity leaves the rounds (what exceeded capacity is recorded
   as overflow). Replicas kept in phase 3 count towards a member's share.
5. With `rebalance: false` the overflow is trimmed to the replicas that found no place.

Two deliberate differences from upstream, where its behaviour was undefined: a cluster
listed twice is planned once, and two members with equal weight and equal hash are
ordered by name (upstream used an unstable sort).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kubectl_fed.core.replicas.preferences import (
    PreferencesInput,
    ReplicaSetPreferences,
    parse_preferences,
)
from kubectl_fed.errors import UsageError

_FNV32_OFFSET = 0x811C9DC5
_FNV32_PRIME = 0x01000193
_MASK32 = 0xFFFFFFFF


def fnv1_32(data: bytes) -> int:
    """FNV-1 (multiply, then xor; not FNV-1a) 32-bit hash, as Go's `hash/fnv.New32`."""
    value = _FNV32_OFFSET
    for byte in data:
        value = ((value * _FNV32_PRIME) & _MASK32) ^ byte
    return value


@dataclass(slots=True)
class _Slot:
    """One member taking part in the plan, with its effective preference."""

    name: str
    min_replicas: int
    max_replicas: int | None
    weight: int
    capacity: int | None


def plan(
    total: int,
    clusters: Sequence[str],
    preferences: PreferencesInput,
    current: Mapping[str, int] | None = None,
    capacity: Mapping[str, int] | None = None,
    key: str = "",
) -> tuple[dict[str, int], dict[str, int]]:
    """Split `total` replicas over `clusters` as Federation v1 did.

    `preferences` is the annotation's JSON text, its decoded dict, a parsed
    `ReplicaSetPreferences` or None (the default: equal weights). `current` is what each
    member runs now, only used when `rebalance` is false (Federation v1 passed its
    running-and-ready pods); `capacity` is how many replicas a member can run at most
    (Federation v1 estimated it, only for members with unschedulable pods, as their
    `spec.replicas` minus those pods). `key` is the ReplicaSet's `namespace/name`.
    Members left out of `clusters` (e.g. unreachable) get nothing; their share goes to the
    others. Returns `(placement, overflow)`: placement has every member
    of `clusters` (0 included), in member order; overflow has only the members whose
    capacity cut their share, with how many more replicas they would have liked.
    Raises `UsageError` for invalid preferences or a negative total.
    """
    prefs = parse_preferences(preferences)
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise UsageError(f"replicas must be a non-negative integer, got {total!r}")
    current = _checked_counts(current, "current")
    capacity = _checked_counts(capacity, "capacity")
    members = list(dict.fromkeys(clusters))
    placement = dict.fromkeys(members, 0)
    slots = _ordered_slots(members, prefs, capacity, key)
    remaining = _assign_minimums(slots, placement, total)
    preallocated: dict[str, int] = {}
    if not prefs.rebalance:
        remaining = _keep_current(slots, placement, current, preallocated, remaining)
    overflow, remaining = _distribute(slots, placement, preallocated, remaining)
    if not prefs.rebalance:
        overflow = {name: min(extra, remaining) for name, extra in overflow.items()}
    return placement, {name: overflow[name] for name in members if overflow.get(name, 0) > 0}


def scheduled_replicas(
    placement: Mapping[str, int],
    overflow: Mapping[str, int],
    current: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """What Federation v1's controller wrote to each member: its share plus its overflow
    (replicas that are welcome if they do get scheduled), and 0 for a member that runs
    some now but is no longer planned."""
    result = dict.fromkeys(current or {}, 0)
    result.update(placement)
    for name, extra in overflow.items():
        result[name] = result.get(name, 0) + extra
    return result


def _checked_counts(counts: Mapping[str, int] | None, what: str) -> Mapping[str, int]:
    for name, count in (counts or {}).items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"{what} of cluster {name!r} must be a non-negative int: {count!r}")
    return counts or {}


def _ordered_slots(
    members: list[str], prefs: ReplicaSetPreferences, capacity: Mapping[str, int], key: str
) -> list[_Slot]:
    suffix = key.encode()
    ranked: list[tuple[int, int, str, _Slot]] = []
    for name in members:
        pref = prefs.for_cluster(name)
        if pref is None:
            continue
        slot = _Slot(name, pref.min_replicas, pref.max_replicas, pref.weight, capacity.get(name))
        ranked.append((-pref.weight, fnv1_32(name.encode() + suffix), name, slot))
    ranked.sort(key=lambda entry: entry[:3])
    return [entry[3] for entry in ranked]


def _assign_minimums(slots: list[_Slot], placement: dict[str, int], remaining: int) -> int:
    for slot in slots:
        share = min(slot.min_replicas, remaining)
        if slot.capacity is not None:
            share = min(share, slot.capacity)
        remaining -= share
        placement[slot.name] = share
    return remaining


def _keep_current(
    slots: list[_Slot],
    placement: dict[str, int],
    current: Mapping[str, int],
    preallocated: dict[str, int],
    remaining: int,
) -> int:
    for slot in slots:
        planned = placement[slot.name]
        running = current.get(slot.name)
        if running is None or running <= planned:
            continue
        target = running
        if slot.max_replicas is not None:
            target = min(target, slot.max_replicas)
        if slot.capacity is not None:
            target = min(target, slot.capacity)
        extra = max(0, min(target - planned, remaining))
        remaining -= extra
        preallocated[slot.name] = extra
        placement[slot.name] = planned + extra
    return remaining


def _distribute(
    slots: list[_Slot], placement: dict[str, int], preallocated: dict[str, int], remaining: int
) -> tuple[dict[str, int], int]:
    """Phase 4: weighted rounds until nothing is left or a round changes nothing."""
    overflow: dict[str, int] = {}
    active = slots
    modified = True
    while modified and remaining > 0:
        modified = False
        weight_sum = sum(slot.weight for slot in active)
        if weight_sum <= 0:
            break  # upstream then drops every member from the rounds: nothing more is placed
        budget = remaining
        still_open: list[_Slot] = []
        for slot in active:
            start = placement[slot.name]
            extra = min((budget * slot.weight + weight_sum - 1) // weight_sum, remaining)
            kept = preallocated.get(slot.name, 0)
            if kept:
                used = min(extra, kept)
                preallocated[slot.name] = kept - used
                extra -= used
                modified = modified or used > 0
            planned, full = _capped(slot, start + extra, overflow)
            if not full:
                still_open.append(slot)
            remaining -= planned - start
            placement[slot.name] = planned
            modified = modified or planned > start
        active = still_open
    return overflow, remaining


def _capped(slot: _Slot, wanted: int, overflow: dict[str, int]) -> tuple[int, bool]:
    """`wanted` cut to the member's maxReplicas and capacity, and whether it is now full."""
    full = False
    if slot.max_replicas is not None and wanted > slot.max_replicas:
        wanted, full = slot.max_replicas, True
    if slot.capacity is not None and wanted > slot.capacity:
        overflow[slot.name] = wanted - slot.capacity
        wanted, full = slot.capacity, True
    return wanted, full
