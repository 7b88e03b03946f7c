"""Parse an API path into what it addresses: a collection, an object or a subresource."""

from __future__ import annotations

from dataclasses import dataclass

from kubectl_fed.sandbox.apiserver.discovery import ResourceInfo, resource_info
from kubectl_fed.sandbox.apiserver.errors import path_not_found


@dataclass(frozen=True)
class ResourcePath:
    info: ResourceInfo
    namespace: str | None
    name: str | None
    subresource: str | None

    @property
    def plural(self) -> str:
        return self.info.plural


def _group_version(parts: list[str]) -> tuple[str, str, list[str]] | None:
    if len(parts) >= 3 and parts[0] == "api":
        return "", parts[1], parts[2:]
    if len(parts) >= 4 and parts[0] == "apis":
        return parts[1], parts[2], parts[3:]
    return None


def parse_resource_path(path: str) -> ResourcePath | None:
    """`/api/v1/namespaces/ns/services/web` -> services, ns, web; None if not a resource path."""
    parts = [part for part in path.split("/") if part]
    found = _group_version(parts)
    if found is None:
        return None
    group, version, rest = found
    namespace = None
    if len(rest) >= 3 and rest[0] == "namespaces":
        nested = resource_info(group, version, rest[2])
        if nested is not None and nested.namespaced:
            namespace, rest = rest[1], rest[2:]
    info = resource_info(group, version, rest[0])
    if info is None or len(rest) > 3 or (namespace is not None and not info.namespaced):
        raise path_not_found()
    name = rest[1] if len(rest) >= 2 else None
    subresource = rest[2] if len(rest) == 3 else None
    if subresource is not None and subresource not in info.subresources:
        raise path_not_found()
    return ResourcePath(info, namespace, name, subresource)
