"""The federation semantics of create / apply, decided before any write
(docs/federation-semantics.md).

From the manifests and what every reachable member holds now, decide:
- node ports: one port per Service port, free and identical in every member;
- the GLBC UID every member must share before an Ingress is written;
- each member's share of every ReplicaSet.
Problems that forbid writing (a taken node port, a UID change that would break someone
else's load balancers) are collected as one line each: the caller refuses the whole run.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kubectl_fed.core.ingress.glbc_uid import UidPlan, is_gce_ingress
from kubectl_fed.core.ingress.nodeports import (
    DEFAULT_NODE_PORT_RANGE,
    NodePortPlan,
    PortRange,
    apply_node_ports,
    plan_services,
)
from kubectl_fed.core.kinds import INGRESS, SERVICE
from kubectl_fed.core.manifests.load import Manifest
from kubectl_fed.core.model.objects import KubeObject
from kubectl_fed.core.replicas.shares import SharePlan, member_objects, plan_shares, spec_replicas
from kubectl_fed.core.writes.member_state import MemberState, SplitKey
from kubectl_fed.core.writes.uid_agreement import UidChange, agree_on_uid

ManifestKey = tuple[str, str, str]


@dataclass
class FederationPlan:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    services: dict[ManifestKey, KubeObject] = field(default_factory=dict)
    replicas: dict[ManifestKey, SharePlan] = field(default_factory=dict)
    uid: UidPlan | None = None
    uid_changes: list[UidChange] = field(default_factory=list)

    def federated(self, manifest: Manifest) -> KubeObject:
        """The object as the federation wants it, before per-member changes."""
        return self.services.get(manifest.key, manifest.obj)

    def prepare(self, manifest: Manifest, members: Sequence[str]) -> dict[str, KubeObject]:
        """One object per member for `manifest`: the per-kind preparation step."""
        if manifest.key in self.replicas:
            return member_objects(manifest.obj, members, self.replicas[manifest.key])
        obj = self.services.get(manifest.key, manifest.obj)
        return {cluster: copy.deepcopy(obj) for cluster in members}


def plan_federation(
    manifests: Sequence[Manifest],
    states: Sequence[MemberState],
    *,
    port_range: PortRange = DEFAULT_NODE_PORT_RANGE,
    force: bool = False,
) -> FederationPlan:
    """Everything create/apply must do beyond writing the manifests, for the members
    `states` (the reachable ones, in member order)."""
    result = FederationPlan()
    _plan_node_ports(manifests, states, port_range, result)
    _plan_uid(manifests, states, force, result)
    _plan_replicas(manifests, states, result)
    return result


def _plan_node_ports(
    manifests: Sequence[Manifest],
    states: Sequence[MemberState],
    port_range: PortRange,
    result: FederationPlan,
) -> None:
    services = [m for m in manifests if m.kind == SERVICE]
    if not services:
        return
    members = {state.cluster: state.services for state in states}
    plans: list[NodePortPlan] = plan_services(
        [m.obj for m in services], members, port_range=port_range
    )
    for manifest, node_ports in zip(services, plans, strict=True):
        if node_ports.ok:
            result.services[manifest.key] = apply_node_ports(manifest.obj, node_ports)
        else:
            result.errors.extend(node_ports.errors())


def _plan_uid(
    manifests: Sequence[Manifest],
    states: Sequence[MemberState],
    force: bool,
    result: FederationPlan,
) -> None:
    if not any(m.kind == INGRESS and is_gce_ingress(m.obj) for m in manifests):
        return
    written = {(m.namespace, m.name) for m in manifests if m.kind == INGRESS}
    agreement = agree_on_uid(states, written, force=force)
    result.uid = agreement.plan
    result.errors.extend(agreement.errors)
    result.warnings.extend(agreement.warnings)
    result.uid_changes.extend(agreement.changes)


def _plan_replicas(
    manifests: Sequence[Manifest], states: Sequence[MemberState], result: FederationPlan
) -> None:
    members = [state.cluster for state in states]
    for manifest in manifests:
        if not manifest.kind.splits_replicas:
            continue
        current = _current_shares(states, (manifest.kind, manifest.namespace, manifest.name))
        result.replicas[manifest.key] = plan_shares(manifest.obj, members, current=current)


def _current_shares(states: Sequence[MemberState], key: SplitKey) -> Mapping[str, int]:
    """What each member's copy asks for now (Federation v1 used running pods; the spec is
    what this run can know for sure, and keeps repeated applies stable)."""
    return {
        state.cluster: spec_replicas(state.replicated[key])
        for state in states
        if key in state.replicated
    }
