"""The kinds a member serves beyond the federated ones, found by API discovery.

Asked only when a command names a kind that is not federated, of the first selected member,
once per run: `/api/v1` and `/apis` (then each group's preferred version until the alias is
found), or for a manifest only its own group-version's resource list. A kind found so is
fanned out as written, with no federation semantics (core/kinds: `federated=False`), and its
REST path is registered for the run (backends/kube_resources.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from kubectl_fed.backends.kube_resources import register
from kubectl_fed.core.kinds import Api, Kind

Document = dict[str, Any]


class Discoverable(Protocol):
    def discover(self, path: str) -> Document: ...


class Discovery:
    """What one member serves, read lazily and kept for the run."""

    def __init__(self, backend: Discoverable) -> None:
        self._backend = backend
        self._lists: dict[str, list[Kind]] = {}  # group-version -> its kinds

    def by_alias(self, alias: str) -> Kind | None:
        for kinds in self._all_group_versions():
            for kind in kinds:
                if alias in (*kind.aliases, kind.resource, kind.qualified_plural):
                    return _registered(kind)
        return None

    def by_api_kind(self, api_version: str, kind_field: str) -> Kind | None:
        found = next((k for k in self._kinds_of(api_version) if k.kind == kind_field), None)
        return None if found is None else _registered(found)

    def _all_group_versions(self) -> Iterator[list[Kind]]:
        yield self._kinds_of("v1")
        groups = self._backend.discover("/apis").get("groups") or []
        for group in groups:
            preferred = (group.get("preferredVersion") or {}).get("groupVersion")
            if preferred:
                yield self._kinds_of(str(preferred))

    def _kinds_of(self, group_version: str) -> list[Kind]:
        if group_version not in self._lists:
            path = "/api/v1" if group_version == "v1" else f"/apis/{group_version}"
            listed = self._backend.discover(path).get("resources") or []
            self._lists[group_version] = [
                _kind(group_version, r) for r in listed if "/" not in str(r.get("name"))
            ]
        return self._lists[group_version]


def _kind(group_version: str, resource: Document) -> Kind:
    coordinates = Api(
        group_version,
        str(resource.get("kind")),
        str(resource.get("name")),
        tuple(str(name) for name in resource.get("shortNames") or ()),
        str(resource.get("singularName") or ""),
    )
    return Kind(coordinates, namespaced=bool(resource.get("namespaced", True)), federated=False)


def _registered(kind: Kind) -> Kind:
    register(kind)
    return kind
