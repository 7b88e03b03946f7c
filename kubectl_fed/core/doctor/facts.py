"""What doctor reads from every member, as plain data, and the federated objects it checks.

The backend gathers one `MemberFacts` per member (in parallel); a member that could not
be reached has only `error`. Everything below is derived without I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kubectl_fed.core.kinds import INGRESS, KINDS, SERVICE, Kind
from kubectl_fed.core.members.results import ClusterError
from kubectl_fed.core.model.objects import (
    Key,
    KubeObject,
    ObjectView,
    is_controlled,
    is_federated,
    key_of,
    labels_of,
)
from kubectl_fed.core.status.ingress import backend_services

# What the federation writes, checked with SelfSubjectAccessReviews: (verb, resource).
WRITE_VERBS = ("create", "update", "delete")
WRITTEN_RESOURCES = ("ingresses", "services", "replicasets")
# The namespaced federated kinds, whose copies doctor reads and checks.
CHECKED_KINDS = tuple(kind for kind in KINDS if kind.namespaced)
# Read in every namespace: the GLBC UID needs every Ingress, node ports every Service.
CLUSTER_WIDE = (INGRESS, SERVICE)
# The other checked kinds, read in the namespace doctor checks.
NAMESPACE_READ = tuple(kind for kind in CHECKED_KINDS if kind not in CLUSTER_WIDE)
# The checked kinds whose replicas are split: the workloads a backend Service selects.
SPLIT_KINDS = tuple(kind for kind in CHECKED_KINDS if kind.splits_replicas)


def object_label(kind: Kind, key: Key) -> str:
    return f"{kind.singular} {key[0]}/{key[1]}"


@dataclass(frozen=True)
class MemberFacts:
    """One member as doctor sees it; lists are None when they could not be read."""

    cluster: str
    server: str = ""
    error: ClusterError | None = None  # the member did not answer at all
    version: str = ""
    nodes: tuple[KubeObject, ...] = ()
    uid_configmap: KubeObject | None = None
    ingresses: tuple[KubeObject, ...] = ()  # every namespace (UID agreement needs them all)
    services: tuple[KubeObject, ...] = ()  # every namespace (node ports are cluster-wide)
    # The NAMESPACE_READ kinds' objects, by plural.
    listed: Mapping[str, tuple[KubeObject, ...]] = field(default_factory=dict)
    endpoints: tuple[KubeObject, ...] = ()
    pods: tuple[KubeObject, ...] = ()
    quotas: tuple[KubeObject, ...] = ()
    denied: tuple[str, ...] = ()  # "create ingresses in default", ...
    unreadable: tuple[str, ...] = ()  # what RBAC did not let doctor read

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def zones(self) -> list[str]:
        labels = (labels_of(n) for n in self.nodes)
        return sorted({str(z) for lab in labels if (z := lab.get("topology.kubernetes.io/zone"))})

    @property
    def provider_ids(self) -> list[str]:
        return [str((n.get("spec") or {}).get("providerID") or "") for n in self.nodes]

    def objects(self, kind: Kind) -> tuple[KubeObject, ...]:
        """What was read of `kind`."""
        if kind.plural in (INGRESS.plural, SERVICE.plural):
            return self.ingresses if kind.plural == INGRESS.plural else self.services
        return tuple(self.listed.get(kind.plural, ()))

    def find(self, kind: Kind, key: Key) -> KubeObject | None:
        return next((obj for obj in self.objects(kind) if key_of(obj) == key), None)

    def workloads(self, namespace: str) -> list[tuple[Kind, KubeObject]]:
        """The SPLIT_KINDS' objects in `namespace` but those a controller owns (a
        Deployment's ReplicaSets): the ones a user wrote."""
        return [
            (kind, obj)
            for kind in SPLIT_KINDS
            for obj in self.objects(kind)
            if key_of(obj)[0] == namespace and not is_controlled(obj)
        ]


@dataclass(frozen=True)
class CheckedObjects:
    """The federated objects doctor looks at, each (namespace, name), by their kind's plural."""

    keys: Mapping[str, tuple[Key, ...]] = field(default_factory=dict)

    def of(self, kind: Kind) -> tuple[Key, ...]:
        return tuple(self.keys.get(kind.plural, ()))

    @property
    def ingresses(self) -> tuple[Key, ...]:
        return self.of(INGRESS)

    @property
    def services(self) -> tuple[Key, ...]:
        return self.of(SERVICE)


@dataclass(frozen=True)
class Facts:
    members: tuple[MemberFacts, ...]
    namespace: str | None  # None: every namespace
    target: CheckedObjects = field(default_factory=CheckedObjects)
    named: tuple[str, ...] = ()  # ingresses asked for on the command line

    @property
    def answered(self) -> list[MemberFacts]:
        return [m for m in self.members if m.ok]


def federated_keys(
    members: Sequence[MemberFacts],
    kind: Kind,
    namespace: str | None,
    federation: str | None = None,
) -> list[Key]:
    """Every object of `kind` some member holds with the federation markers (of
    `federation`, when given), sorted."""
    found = {
        key_of(obj)
        for member in members
        for obj in member.objects(kind)
        if is_federated(obj)
        and (namespace is None or key_of(obj)[0] == namespace)
        and (federation is None or ObjectView(obj).federation == federation)
    }
    return sorted(found)


def choose_target(
    members: Sequence[MemberFacts],
    namespace: str | None,
    names: Sequence[str],
    federation: str | None = None,
) -> CheckedObjects:
    """With ingress names: those ingresses, their backend Services and the ReplicaSets and
    Deployments whose pods those Services select (not those a controller owns, such as a
    Deployment's ReplicaSets); without: every federated object in scope."""
    if not names:
        return CheckedObjects(
            {
                kind.plural: tuple(federated_keys(members, kind, namespace, federation))
                for kind in CHECKED_KINDS
            }
        )
    ns = namespace or "default"
    ingresses = tuple((ns, name) for name in names)
    services = sorted(
        {
            (ns, service)
            for member in members
            for key in ingresses
            if (ingress := member.find(INGRESS, key)) is not None
            for service in backend_services(ingress)
        }
    )
    selected: dict[str, set[Key]] = {kind.plural: set() for kind in SPLIT_KINDS}
    for member in members:
        for kind, workload in member.workloads(ns):
            if _selected_by_any(workload, member, services):
                selected[kind.plural].add(key_of(workload))
    workloads = {plural: tuple(sorted(keys)) for plural, keys in selected.items()}
    return CheckedObjects({INGRESS.plural: ingresses, SERVICE.plural: tuple(services), **workloads})


def _selected_by_any(workload: KubeObject, member: MemberFacts, services: Sequence[Key]) -> bool:
    return any(service_selects(member.find(SERVICE, key), workload) for key in services)


def service_selects(service: KubeObject | None, workload: KubeObject) -> bool:
    """Whether the Service's (non-empty) selector picks the pods of the workload's template."""
    selector = ((service or {}).get("spec") or {}).get("selector") or {}
    labels = pods_template_labels(workload)
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def pods_template_labels(rs: Mapping[str, Any]) -> dict[str, str]:
    template = (rs.get("spec") or {}).get("template") or {}
    return labels_of(template)
