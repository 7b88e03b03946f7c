"""The resource kinds the sandbox API server stores, keyed by resource plural."""

from __future__ import annotations

from dataclasses import dataclass

from kubectl_fed.sandbox.apiserver.groups import group_version, qualified


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
        return group_version(self.group, self.version)

    @property
    def qualified_resource(self) -> str:
        """`services` or `ingresses.networking.k8s.io`, as upstream error messages spell it."""
        return qualified(self.plural, self.group)

    @property
    def qualified_kind(self) -> str:
        """`Service` or `Ingress.networking.k8s.io`, as upstream Invalid messages spell it."""
        return qualified(self.kind, self.group)


def _v1(
    plural: str,
    kind: str,
    group: str = "",
    *,
    namespaced: bool = True,
    status: bool = False,
    generation: bool = False,
) -> Kind:
    """A kind served at version v1 (every stored kind is)."""
    return Kind(plural, kind, group, "v1", namespaced, status, generation)


_NETWORKING, _RBAC = "networking.k8s.io", "rbac.authorization.k8s.io"
_ALL = (
    _v1("namespaces", "Namespace", namespaced=False, status=True),
    _v1("nodes", "Node", namespaced=False, status=True),
    _v1("pods", "Pod", status=True),
    _v1("services", "Service", status=True),
    _v1("endpoints", "Endpoints"),
    _v1("configmaps", "ConfigMap"),
    _v1("events", "Event"),
    _v1("resourcequotas", "ResourceQuota", status=True),
    _v1("secrets", "Secret"),
    _v1("serviceaccounts", "ServiceAccount"),
    _v1("replicasets", "ReplicaSet", "apps", status=True, generation=True),
    _v1("deployments", "Deployment", "apps", status=True, generation=True),
    _v1("ingresses", "Ingress", _NETWORKING, status=True, generation=True),
    _v1("ingressclasses", "IngressClass", _NETWORKING, namespaced=False, generation=True),
    _v1("roles", "Role", _RBAC),
    _v1("rolebindings", "RoleBinding", _RBAC),
    _v1("leases", "Lease", "coordination.k8s.io"),
)

KINDS: dict[str, Kind] = {kind.plural: kind for kind in _ALL}


def kind_for(group: str, version: str, plural: str) -> Kind | None:
    """The stored kind served at `/api(s)/<group>/<version>/<plural>`, if any."""
    kind = KINDS.get(plural)
    if kind is None or kind.group != group or kind.version != version:
        return None
    return kind
