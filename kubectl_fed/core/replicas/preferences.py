"""The ReplicaSet preferences annotation of Federation v1, parsed and validated.

The annotation `federation.kubernetes.io/replica-set-preferences` holds JSON such as
`{"rebalance": true, "clusters": {"*": {"minReplicas": 1, "maxReplicas": 5, "weight": 2}}}`.
As upstream, `weight` and `minReplicas` default to 0 and a missing `maxReplicas` (or null)
means unbounded. Unlike upstream, which silently fell back to the default on bad JSON,
every problem here is a `UsageError` (exit 2) naming it, so nothing is sent to a cluster.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kubectl_fed.core.model.objects import annotations_of, name_of, namespace_of
from kubectl_fed.errors import UsageError

PREFERENCES_ANNOTATION = "federation.kubernetes.io/replica-set-preferences"
ALL_CLUSTERS = "*"
_INT64_MAX = 2**63 - 1
_TOP_FIELDS = ("rebalance", "clusters")
_CLUSTER_FIELDS = ("minReplicas", "maxReplicas", "weight")


@dataclass(frozen=True)
class ClusterPreference:
    """What one member (or every member, under "*") should get."""

    min_replicas: int = 0
    max_replicas: int | None = None
    weight: int = 0

    def to_json(self) -> dict[str, int]:
        data = {"minReplicas": self.min_replicas, "weight": self.weight}
        if self.max_replicas is not None:
            data["maxReplicas"] = self.max_replicas
        return data


@dataclass(frozen=True)
class ReplicaSetPreferences:
    clusters: Mapping[str, ClusterPreference] = field(default_factory=dict)
    rebalance: bool = False

    def for_cluster(self, cluster: str) -> ClusterPreference | None:
        """The member's own entry, else the "*" entry, else None (it gets no replicas)."""
        return self.clusters.get(cluster, self.clusters.get(ALL_CLUSTERS))

    def to_json(self) -> dict[str, Any]:
        clusters = {name: pref.to_json() for name, pref in self.clusters.items()}
        return {"rebalance": self.rebalance, "clusters": clusters}


DEFAULT_PREFERENCES = ReplicaSetPreferences(clusters={ALL_CLUSTERS: ClusterPreference(weight=1)})

PreferencesInput = str | Mapping[str, Any] | ReplicaSetPreferences | None


def parse_preferences(value: PreferencesInput, *, where: str = "") -> ReplicaSetPreferences:
    """Parse the annotation's JSON text (or its already decoded dict) into the typed model.

    None, blank text and `{}` give the default (`{"clusters": {"*": {"weight": 1}}}`).
    `where` (e.g. "replicaset default/web") prefixes error messages.
    """
    if isinstance(value, ReplicaSetPreferences):
        return value
    try:
        data = _decode(value)
        if not data:
            return DEFAULT_PREFERENCES
        return _preferences(data)
    except _Invalid as err:
        prefix = f"{where}: " if where else ""
        raise UsageError(f"{prefix}invalid {PREFERENCES_ANNOTATION} annotation: {err}") from None


def preferences_of(obj: Mapping[str, Any]) -> ReplicaSetPreferences:
    """The preferences a ReplicaSet object carries in its annotation (or the default)."""
    where = f"replicaset {namespace_of(obj)}/{name_of(obj) or '?'}"
    return parse_preferences(annotations_of(obj).get(PREFERENCES_ANNOTATION), where=where)


class _Invalid(ValueError):
    pass


def _decode(value: str | Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            value = json.loads(value, object_pairs_hook=_no_duplicate_keys)
        except json.JSONDecodeError as err:
            raise _Invalid(f"not valid JSON: {err}") from None
        except RecursionError:
            raise _Invalid("nested too deeply") from None
    if not isinstance(value, Mapping):
        raise _Invalid(f"expected a JSON object, got {_json_type(value)}")
    return value


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, item in pairs:
        if key in seen:
            raise _Invalid(f"duplicate key {key!r}")
        seen[key] = item
    return seen


def _preferences(data: Mapping[str, Any]) -> ReplicaSetPreferences:
    _reject_unknown(data, _TOP_FIELDS, "")
    rebalance = data.get("rebalance", False)
    if not isinstance(rebalance, bool):
        raise _Invalid(f"rebalance: expected true or false, got {_json_type(rebalance)}")
    if "clusters" not in data:
        raise _Invalid('"clusters" is required (use {"clusters": {"*": {"weight": 1}}} for all)')
    clusters = data["clusters"]
    if not isinstance(clusters, Mapping):
        raise _Invalid(f"clusters: expected an object, got {_json_type(clusters)}")
    parsed = {_cluster_name(name): _cluster(name, entry) for name, entry in clusters.items()}
    return ReplicaSetPreferences(clusters=parsed, rebalance=rebalance)


def _cluster_name(name: Any) -> str:
    if not isinstance(name, str) or not name:
        raise _Invalid("clusters: cluster names must be non-empty strings")
    return name


def _cluster(name: str, entry: Any) -> ClusterPreference:
    where = f"clusters.{name}"
    if not isinstance(entry, Mapping):
        raise _Invalid(f"{where}: expected an object, got {_json_type(entry)}")
    _reject_unknown(entry, _CLUSTER_FIELDS, f"{where}.")
    minimum = _count(entry.get("minReplicas", 0), f"{where}.minReplicas")
    weight = _count(entry.get("weight", 0), f"{where}.weight")
    raw_max = entry.get("maxReplicas")
    maximum = None if raw_max is None else _count(raw_max, f"{where}.maxReplicas")
    if maximum is not None and minimum > maximum:
        raise _Invalid(f"{where}: minReplicas {minimum} is greater than maxReplicas {maximum}")
    return ClusterPreference(min_replicas=minimum, max_replicas=maximum, weight=weight)


def _count(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(f"{where}: expected a non-negative integer, got {_json_text(value)}")
    if value < 0:
        raise _Invalid(f"{where}: must not be negative, got {value}")
    if value > _INT64_MAX:
        raise _Invalid(f"{where}: {value} is too large")
    return value


def _reject_unknown(data: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for key in data:
        if key not in allowed:
            known = ", ".join(allowed)
            raise _Invalid(f"unknown field {where}{key!s} (known fields: {known})")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _json_text(value: Any) -> str:
    if isinstance(value, Mapping | list):
        return _json_type(value)
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
