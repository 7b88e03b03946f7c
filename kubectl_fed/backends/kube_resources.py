"""The REST paths of the resources kubectl-fed uses: every federated kind's, derived from its
declaration (core/kinds), and the few others it reads (no per-cluster discovery)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from kubectl_fed.core.kinds import KINDS, Kind


@dataclass(frozen=True)
class Resource:
    plural: str
    kind: str
    group_version: str
    namespaced: bool = True

    @property
    def group(self) -> str:
        return self.group_version.rpartition("/")[0]

    @property
    def prefix(self) -> str:
        core = self.group_version == "v1"
        return "/api/v1" if core else f"/apis/{self.group_version}"

    def path(self, namespace: str | None, name: str | None = None) -> str:
        """`namespace=None` on a namespaced resource lists across all namespaces."""
        parts = [self.prefix]
        if self.namespaced and namespace is not None:
            parts.append(f"namespaces/{quote(namespace, safe='')}")
        parts.append(self.plural)
        if name is not None:
            parts.append(quote(name, safe=""))
        return "/".join(parts)


RESOURCES: dict[str, Resource] = {
    r.plural: r
    for r in (
        *(Resource(k.plural, k.kind, k.api_version, k.namespaced) for k in KINDS),
        Resource("endpoints", "Endpoints", "v1"),
        Resource("pods", "Pod", "v1"),
        Resource("events", "Event", "v1"),
        Resource("resourcequotas", "ResourceQuota", "v1"),
        Resource("nodes", "Node", "v1", namespaced=False),
        Resource("leases", "Lease", "coordination.k8s.io/v1"),
        Resource(
            "selfsubjectaccessreviews",
            "SelfSubjectAccessReview",
            "authorization.k8s.io/v1",
            namespaced=False,
        ),
    )
}
_BY_KIND = {r.kind: r for r in RESOURCES.values()}


def register(kind: Kind) -> None:
    """Adds a kind found by discovery (backends/discovery.py) for the rest of the run."""
    found = Resource(kind.plural, kind.kind, kind.api_version, kind.namespaced)
    RESOURCES.setdefault(found.plural, found)
    _BY_KIND.setdefault(found.kind, found)


def resource(plural: str) -> Resource:
    try:
        return RESOURCES[plural]
    except KeyError:
        raise ValueError(f"unsupported resource {plural!r}") from None


def resource_of(obj: dict[str, object]) -> Resource:
    """The resource of a manifest, from its `kind` (and `apiVersion`, which must match)."""
    found = _BY_KIND.get(str(obj.get("kind")))
    if found is None or obj.get("apiVersion", found.group_version) != found.group_version:
        raise ValueError(f"unsupported object {obj.get('apiVersion')}/{obj.get('kind')}")
    return found
