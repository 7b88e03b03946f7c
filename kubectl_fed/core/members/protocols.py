"""The small Protocols core logic and commands use to reach a member cluster.

Objects cross this boundary as plain JSON-shaped dicts (what the API server sends),
never as kubernetes client model classes. Every method raises
`kubectl_fed.core.members.results.ClusterCallError` with a classified `Reason` on failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from kubectl_fed.core.members.results import ClusterCallError, Reason
from kubectl_fed.core.model.objects import KubeObject

JsonPatch = list[dict[str, Any]]  # RFC 6902 operations


@dataclass(frozen=True)
class Deletion:
    """How a member deletes one object."""

    propagation: str = "Background"  # Background, Foreground or Orphan (dependents left in place)
    grace_period: int | None = None  # seconds; None: the object's own
    dry_run: bool = False


DELETE = Deletion()  # the default: dependents deleted in the background, own grace period


class ClusterBackend(Protocol):
    """One member cluster, reached through one API client built once per run."""

    name: str

    def server_version(self) -> str: ...

    def get(self, kind: str, namespace: str | None, name: str) -> KubeObject:
        """`kind` is a resource plural: ingresses, services, replicasets, configmaps, ..."""
        ...

    def list(
        self, kind: str, namespace: str | None, label_selector: str | None = None
    ) -> list[KubeObject]:
        """`namespace=None` lists across all namespaces (or a cluster-scoped kind)."""
        ...

    def create(self, obj: KubeObject, *, dry_run: bool = False) -> KubeObject: ...

    def replace(self, obj: KubeObject, *, dry_run: bool = False) -> KubeObject:
        """Full update; `metadata.resourceVersion` in `obj` makes it optimistic."""
        ...

    def apply(self, obj: KubeObject, *, field_manager: str, dry_run: bool = False) -> KubeObject:
        """Server-side apply, forced (or its fallback), creating the object when it is
        missing: fields another manager owns with other values are taken over."""
        ...

    def create_as_applied(
        self, obj: KubeObject, *, field_manager: str, dry_run: bool = False
    ) -> KubeObject:
        """Create only (AlreadyExists when the object exists: never an overwrite), its
        fields then owned by `field_manager` as if it had applied them."""
        ...

    def json_patch(
        self,
        kind: str,
        namespace: str | None,
        name: str,
        operations: JsonPatch,
        *,
        dry_run: bool = False,
    ) -> KubeObject:
        """An RFC 6902 patch; a failed `test` operation is Reason.INVALID (422)."""
        ...

    def delete(self, kind: str, namespace: str | None, name: str, how: Deletion = DELETE) -> None:
        """Deletes one object; `how` holds propagation, grace period and dry run."""
        ...


class ClusterInfo(Protocol):
    """Facts about a member cluster that `clusters`, `doctor` and the GLBC logic read."""

    name: str

    def list_zones(self) -> list[str]:
        """Sorted distinct zones of the cluster's nodes (topology.kubernetes.io/zone)."""
        ...

    def ingress_uid(self) -> str | None:
        """`uid` of ConfigMap kube-system/ingress-uid, None when the ConfigMap is missing."""
        ...

    def access_review(self, verb: str, resource: str, namespace: str | None) -> bool:
        """Whether the current user may `verb` the `resource` (a plural) in `namespace`."""
        ...


class MemberCluster(ClusterBackend, ClusterInfo, Protocol):
    """Everything one member offers: what `App.backend(cluster)` returns."""


def get_or_none(
    backend: ClusterBackend, plural: str, namespace: str | None, name: str
) -> KubeObject | None:
    """The object, or None when the member has no such object."""
    try:
        return backend.get(plural, namespace, name)
    except ClusterCallError as err:
        if err.reason is Reason.NOT_FOUND:
            return None
        raise
