"""How the API spells what belongs to an API group; the core group is the empty one."""

from __future__ import annotations


def group_version(group: str, version: str) -> str:
    """`apps/v1`, or `v1` in the core group: an apiVersion, a discovery groupVersion."""
    return f"{group}/{version}" if group else version


def qualified(name: str, group: str) -> str:
    """`ingresses.networking.k8s.io`, or `services` in the core group, as messages spell it."""
    return f"{name}.{group}" if group else name


def api_path(group: str, version: str) -> str:
    """`apis/apps/v1`, or `api/v1` for the core group: where the group version is served."""
    return f"apis/{group}/{version}" if group else f"api/{version}"
