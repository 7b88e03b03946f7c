"""Read, from one member, everything `kubectl fed doctor` checks (run inside the fan-out).

The first call (the server version) decides whether the member answers at all; after
that, a read RBAC refuses (403) is left empty and named in `unreadable`, so one missing
permission never hides the other checks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubectl_fed.core.doctor.facts import (
    NAMESPACE_READ,
    SPLIT_KINDS,
    WRITE_VERBS,
    WRITTEN_RESOURCES,
    MemberFacts,
)
from kubectl_fed.core.ingress.glbc_uid import (
    UID_CONFIGMAP_NAME,
    UID_CONFIGMAP_NAMESPACE,
    is_gce_ingress,
)
from kubectl_fed.core.members.protocols import MemberCluster, get_or_none
from kubectl_fed.core.members.results import ClusterCallError, Reason
from kubectl_fed.core.model.objects import KubeObject, is_federated

# Requests of one member's gathering, at most (bounds the fan-out's safety net): the version,
# ingresses, GLBC's ConfigMap, nodes, services, endpoints, pods and quotas, the namespaced kinds,
# the access reviews, and one more.
ACCESS_REVIEWS = len(WRITTEN_RESOURCES) * len(WRITE_VERBS) + 1
CALLS = 8 + len(NAMESPACE_READ) + ACCESS_REVIEWS + 1


def gather_member(
    backend: MemberCluster,
    namespace: str | None,
    server: str,
    found: Callable[[tuple[KubeObject, ...]], None] | None = None,
) -> MemberFacts:
    """`found` is told the member's ingresses as soon as they are listed, before the rest."""
    version = backend.server_version()
    reader = _Tolerant(backend)
    ingresses = reader.listed("ingresses", None)
    if found is not None:
        found(ingresses)
    configmap = reader.read(
        "configmaps",
        lambda: get_or_none(backend, "configmaps", UID_CONFIGMAP_NAMESPACE, UID_CONFIGMAP_NAME),
        None,
    )
    return MemberFacts(
        cluster=backend.name,
        server=server,
        version=version,
        nodes=reader.listed("nodes", None),
        uid_configmap=configmap,
        ingresses=ingresses,
        services=reader.listed("services", None),
        endpoints=reader.listed("endpoints", namespace),
        listed={kind.plural: reader.listed(kind.plural, namespace) for kind in NAMESPACE_READ},
        pods=reader.listed("pods", namespace),
        quotas=reader.listed("resourcequotas", namespace),
        denied=tuple(_denied(backend, namespace)),
        unreadable=tuple(reader.unreadable),
    )


def _denied(backend: MemberCluster, namespace: str | None) -> list[str]:
    where = f"in {namespace}" if namespace else "in every namespace"
    asked = [
        (verb, resource, namespace, where) for resource in WRITTEN_RESOURCES for verb in WRITE_VERBS
    ]
    asked.append(("update", "configmaps", UID_CONFIGMAP_NAMESPACE, f"in {UID_CONFIGMAP_NAMESPACE}"))
    return [
        f"{verb} {resource} {where}"
        for verb, resource, ns, where in asked
        if not backend.access_review(verb, resource, ns)
    ]


class _Tolerant:
    def __init__(self, backend: MemberCluster) -> None:
        self._backend = backend
        self.unreadable: list[str] = []

    def listed(self, plural: str, namespace: str | None) -> tuple[KubeObject, ...]:
        return tuple(self.read(plural, lambda: self._backend.list(plural, namespace), []))

    def read(self, plural: str, call: Any, default: Any) -> Any:
        try:
            return call()
        except ClusterCallError as err:
            if err.reason is not Reason.FORBIDDEN:
                raise
            self.unreadable.append(plural)
            return default


# Requests of one member's converge read, at most: ingresses, GLBC's ConfigMap, nodes,
# services, the kinds whose replicas are split (read in the namespace), and one more.
CONVERGE_CALLS = 4 + len(SPLIT_KINDS) + 1


def gather_for_converge(backend: MemberCluster, namespace: str | None) -> MemberFacts:
    """What `reconcile` needs from one member, and no more: every ingress and service (the
    GLBC UID and node ports are cluster-wide), the namespace's replicasets and deployments,
    and GLBC's UID ConfigMap only when a federated GCE ingress needs the UIDs to agree (the
    nodes only when that ConfigMap is missing). No pods: `reconcile` places replicas without the
    capacity estimate `rebalance` makes."""
    ingresses = tuple(backend.list("ingresses", None))
    configmap: KubeObject | None = None
    nodes: tuple[KubeObject, ...] = ()
    reader = _Tolerant(backend)
    if any(is_federated(obj) and is_gce_ingress(obj) for obj in ingresses):
        configmap = get_or_none(backend, "configmaps", UID_CONFIGMAP_NAMESPACE, UID_CONFIGMAP_NAME)
        nodes = reader.listed("nodes", None) if configmap is None else ()
    return MemberFacts(
        cluster=backend.name,
        uid_configmap=configmap,
        nodes=nodes,
        ingresses=ingresses,
        services=tuple(backend.list("services", None)),
        listed={kind.plural: tuple(backend.list(kind.plural, namespace)) for kind in SPLIT_KINDS},
        unreadable=tuple(reader.unreadable),
    )
