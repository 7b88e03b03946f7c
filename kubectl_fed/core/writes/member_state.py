"""What the federation semantics must know about each member before anything is written.

Read once per run, inside a fan-out operation, only what the manifests need: every
Service (node ports), GLBC's `ingress-uid` ConfigMap, every Ingress and the nodes'
provider IDs (one GLBC UID), and the live copies of the objects whose replicas are split
(ReplicaSets, Deployments) being written. The writes that follow take the copies read here
instead of reading them again (`known`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kubectl_fed.core.ingress.glbc_uid import UID_CONFIGMAP_NAME, UID_CONFIGMAP_NAMESPACE
from kubectl_fed.core.ingress.nodeports import needs_node_ports
from kubectl_fed.core.kinds import INGRESS, SERVICE, Kind
from kubectl_fed.core.manifests.load import Manifest
from kubectl_fed.core.members.protocols import ClusterBackend, get_or_none
from kubectl_fed.core.members.results import ClusterCallError, Reason
from kubectl_fed.core.model.objects import KubeObject, key_of

SplitKey = tuple[Kind, str, str]  # a kind whose replicas are split, namespace, name


@dataclass(frozen=True)
class Needs:
    services: bool = False
    ingresses: bool = False
    replicated: tuple[SplitKey, ...] = ()

    @property
    def anything(self) -> bool:
        return self.services or self.ingresses or bool(self.replicated)

    @property
    def calls(self) -> int:
        """An upper bound on the requests one member's read makes (for the fan-out)."""
        return int(self.services) + 3 * int(self.ingresses) + len(self.replicated) + 1


def needs_of(manifests: Sequence[Manifest]) -> Needs:
    return Needs(
        services=any(m.kind == SERVICE and needs_node_ports(m.obj) for m in manifests),
        ingresses=any(m.kind == INGRESS for m in manifests),
        replicated=tuple(
            (m.kind, m.namespace, m.name) for m in manifests if m.kind.splits_replicas
        ),
    )


@dataclass(frozen=True)
class MemberState:
    cluster: str
    services: list[KubeObject] = field(default_factory=list)
    uid_configmap: KubeObject | None = None
    ingresses: list[KubeObject] = field(default_factory=list)
    node_provider_ids: list[str] = field(default_factory=list)
    replicated: dict[SplitKey, KubeObject] = field(default_factory=dict)
    needs: Needs = Needs()  # what was read: the lists above are complete for those

    def ingress(self, namespace: str, name: str) -> KubeObject | None:
        return next((obj for obj in self.ingresses if key_of(obj) == (namespace, name)), None)

    def known(self, kind: Kind, namespace: str, name: str) -> tuple[bool, KubeObject | None]:
        """(True, the member's copy or None when absent) when this read covered the object;
        (False, None) when it did not."""
        key = (namespace, name)
        if kind == SERVICE and self.needs.services:
            return True, next((obj for obj in self.services if key_of(obj) == key), None)
        if kind == INGRESS and self.needs.ingresses:
            return True, self.ingress(namespace, name)
        if (kind, namespace, name) in self.needs.replicated:
            return True, self.replicated.get((kind, namespace, name))
        return False, None


def read_member_state(backend: ClusterBackend, needs: Needs) -> MemberState:
    """One member's state; a failed read raises ClusterCallError (the member is reported)."""
    services = backend.list(SERVICE.plural, None) if needs.services else []
    configmap, ingresses, provider_ids = None, [], []
    if needs.ingresses:
        configmap = get_or_none(backend, "configmaps", UID_CONFIGMAP_NAMESPACE, UID_CONFIGMAP_NAME)
        ingresses = backend.list(INGRESS.plural, None)
        if configmap is None:
            provider_ids = _provider_ids(backend)
    replicated = {}
    for kind, namespace, name in needs.replicated:
        live = get_or_none(backend, kind.plural, namespace, name)
        if live is not None:
            replicated[(kind, namespace, name)] = live
    return MemberState(
        backend.name, services, configmap, ingresses, provider_ids, replicated, needs
    )


def _provider_ids(backend: ClusterBackend) -> list[str]:
    """The nodes' `spec.providerID`s; without the right to list nodes, none."""
    try:
        nodes = backend.list("nodes", None)
    except ClusterCallError as err:
        if err.reason is Reason.FORBIDDEN:
            return []
        raise
    return [str((node.get("spec") or {}).get("providerID") or "") for node in nodes]
