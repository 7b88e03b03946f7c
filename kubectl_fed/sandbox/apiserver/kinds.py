"""The resource kinds the sandbox API server stores, keyed by resource plural."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    plural: str
    kind: str
    group: str
    version: str
    namespaced: bool
    has_status: bool = False
    tracks_generation: bool = False

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def qualified_resource(self) -> str:
        """`services` or `ingresses.networking.k8s.io`, as upstream error messages spell it."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def qualified_kind(self) -> str:
        """`Service` or `Ingress.networking.k8s.io`, as upstream Invalid messages spell it."""
        return f"{self.kind}.{self.group}" if self.group else self.kind


_ALL = (
    Kind("namespaces", "Namespace", "", "v1", namespaced=False, has_status=True),
    Kind("nodes", "Node", "", "v1", namespaced=False, has_status=True),
    Kind("pods", "Pod", "", "v1", namespaced=True, has_status=True),
    Kind("services", "Service", "", "v1", namespaced=True, has_status=True),
    Kind("endpoints", "Endpoints", "", "v1", namespaced=True),
    Kind("configmaps", "ConfigMap", "", "v1", namespaced=True),
    Kind("events", "Event", "", "v1", namespaced=True),
    Kind("resourcequotas", "ResourceQuota", "", "v1", namespaced=True, has_status=True),
    Kind("secrets", "Secret", "", "v1", namespaced=True),
    Kind("serviceaccounts", "ServiceAccount", "", "v1", namespaced=True),
    Kind(
        "replicasets",
        "ReplicaSet",
        "apps",
        "v1",
        namespaced=True,
        has_status=True,
        tracks_generation=True,
    ),
    Kind(
        "deployments",
        "Deployment",
        "apps",
        "v1",
        namespaced=True,
        has_status=True,
        tracks_generation=True,
    ),
    Kind(
        "ingresses",
        "Ingress",
        "networking.k8s.io",
        "v1",
        namespaced=True,
        has_status=True,
        tracks_generation=True,
    ),
    Kind(
        "ingressclasses",
        "IngressClass",
        "networking.k8s.io",
        "v1",
        namespaced=False,
        tracks_generation=True,
    ),
    Kind("roles", "Role", "rbac.authorization.k8s.io", "v1", namespaced=True),
    Kind("rolebindings", "RoleBinding", "rbac.authorization.k8s.io", "v1", namespaced=True),
    Kind("leases", "Lease", "coordination.k8s.io", "v1", namespaced=True),
)

KINDS: dict[str, Kind] = {kind.plural: kind for kind in _ALL}


def kind_for(group: str, version: str, plural: str) -> Kind | None:
    """The stored kind served at `/api(s)/<group>/<version>/<plural>`, if any."""
    kind = KINDS.get(plural)
    if kind is None or kind.group != group or kind.version != version:
        return None
    return kind
