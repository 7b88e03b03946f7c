"""Public entry point of the replica planner: `from kubectl_fed.planner import plan`."""

from kubectl_fed.core.replicas.planner import fnv1_32, plan, scheduled_replicas
from kubectl_fed.core.replicas.preferences import (
    DEFAULT_PREFERENCES,
    PREFERENCES_ANNOTATION,
    ClusterPreference,
    ReplicaSetPreferences,
    parse_preferences,
    preferences_of,
)

__all__ = [
    "DEFAULT_PREFERENCES",
    "PREFERENCES_ANNOTATION",
    "ClusterPreference",
    "ReplicaSetPreferences",
    "fnv1_32",
    "parse_preferences",
    "plan",
    "preferences_of",
    "scheduled_replicas",
]
