"""One GLBC UID in every member, so their ingresses share one Google Cloud load balancer.

The GCE ingress controller (GLBC) names every cloud resource it creates after `uid` in
the ConfigMap `kube-system/ingress-uid` (`provider-uid` there is per cluster and is never
touched). Before an Ingress is written, the members must agree on `uid`:

- members whose ingress controller is not GCE (or cannot be told) are reported and
  skipped, never changed;
- the target is the UID already used by the members that have GCE ingresses; if those
  disagree, nothing can be chosen without breaking some load balancers: refused;
- else the target is the first member's UID (in member order);
- a member whose UID must change is updated, unless it has GCE ingresses that kubectl-fed
  does not manage: their load balancers would be recreated, so it is refused unless
  forced.

The result is a plan with a one-line reason per member, for `--dry-run` and reports.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kubectl_fed.core.model.objects import KubeObject, annotations_of, is_federated, key_of

UID_CONFIGMAP_NAMESPACE = "kube-system"
UID_CONFIGMAP_NAME = "ingress-uid"
UID_KEY = "uid"
PROVIDER_UID_KEY = "provider-uid"
INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
GCE_INGRESS_CLASSES = frozenset({"gce", "gce-internal"})
_LISTED_INGRESSES = 5


class Controller(StrEnum):
    GCE = "gce"
    OTHER = "other"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class IngressRef:
    namespace: str
    name: str
    federated: bool  # carries the kubectl-fed managed-by label
    gce: bool = True  # handled by GLBC (no class, or class gce / gce-internal)

    @classmethod
    def from_object(cls, ingress: Mapping[str, Any]) -> IngressRef:
        namespace, name = key_of(ingress)
        return cls(
            namespace=namespace,
            name=name,
            federated=is_federated(ingress),
            gce=is_gce_ingress(ingress),
        )

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}"


def is_gce_ingress(ingress: Mapping[str, Any]) -> bool:
    """GLBC serves an Ingress with no class at all, or whose class is gce/gce-internal.

    The annotation wins over `spec.ingressClassName`, as in ingress-gce."""
    annotations = annotations_of(ingress)
    if INGRESS_CLASS_ANNOTATION in annotations:
        return annotations[INGRESS_CLASS_ANNOTATION] in GCE_INGRESS_CLASSES
    class_name = (ingress.get("spec") or {}).get("ingressClassName")
    return class_name is None or class_name in GCE_INGRESS_CLASSES


def classify_controller(
    uid_configmap: Mapping[str, Any] | None, node_provider_ids: Iterable[str] = ()
) -> Controller:
    """GCE when GLBC's ConfigMap exists; OTHER when the nodes are known not to run on
    Google Cloud; UNKNOWN otherwise (e.g. GCE nodes but no GLBC ConfigMap yet)."""
    if uid_configmap is not None:
        return Controller.GCE
    ids = [provider_id for provider_id in node_provider_ids if provider_id]
    if ids and not any(provider_id.startswith("gce://") for provider_id in ids):
        return Controller.OTHER
    return Controller.UNKNOWN


@dataclass(frozen=True)
class MemberUidState:
    """What one member looks like before the agreement, read by the caller."""

    cluster: str
    controller: Controller
    uid: str | None = None  # None: no ConfigMap, or no `uid` key in it
    provider_uid: str | None = None
    ingresses: tuple[IngressRef, ...] = ()

    @classmethod
    def from_objects(
        cls,
        cluster: str,
        controller: Controller,
        uid_configmap: Mapping[str, Any] | None,
        ingresses: Iterable[Mapping[str, Any]] = (),
    ) -> MemberUidState:
        data = (uid_configmap or {}).get("data") or {}
        return cls(
            cluster=cluster,
            controller=controller,
            uid=data.get(UID_KEY),
            provider_uid=data.get(PROVIDER_UID_KEY),
            ingresses=tuple(IngressRef.from_object(ingress) for ingress in ingresses),
        )

    @property
    def gce_ingresses(self) -> tuple[IngressRef, ...]:
        if self.controller is not Controller.GCE:
            return ()
        return tuple(ingress for ingress in self.ingresses if ingress.gce)


class UidAction(StrEnum):
    KEEP = "keep"
    UPDATE = "update"
    SKIP = "skip"
    REFUSE = "refuse"


@dataclass(frozen=True)
class MemberUidDecision:
    cluster: str
    action: UidAction
    current: str | None
    target: str | None
    reason: str

    def line(self) -> str:
        return f"{self.cluster}: {self.action}: {self.reason}"


@dataclass(frozen=True)
class UidPlan:
    target: str | None
    members: tuple[MemberUidDecision, ...]
    refusal: str | None = None  # why no target can be chosen at all

    @property
    def ok(self) -> bool:
        refused = any(member.action is UidAction.REFUSE for member in self.members)
        return self.refusal is None and not refused

    @property
    def updates(self) -> tuple[MemberUidDecision, ...]:
        return tuple(member for member in self.members if member.action is UidAction.UPDATE)

    def errors(self) -> list[str]:
        """One line per reason the Ingress cannot be written (no "error: " prefix)."""
        if self.refusal is not None:
            return [self.refusal]
        return [
            f"cluster {member.cluster}: {member.reason}"
            for member in self.members
            if member.action is UidAction.REFUSE
        ]

    def describe(self) -> list[str]:
        """One line per member: what happens to its GLBC UID and why."""
        return [member.line() for member in self.members]


def plan_uid_agreement(
    members: Sequence[MemberUidState],
    *,
    force: bool = False,
    ingress: tuple[str, str] | None = None,
    preferred: tuple[str, str] | None = None,
) -> UidPlan:
    """Decide the shared GLBC UID and what to do in each member.

    `ingress` is the (namespace, name) of the Ingress about to be written: a copy of it
    already in a member is being adopted, so it never blocks the change. `preferred`
    (UID, member) is the UID of kubectl-fed's own copies of it: the target when no other
    GCE ingress names one.
    """
    in_use = _uids_in_use(members)
    if len(in_use) > 1:
        return _disagreement(members, in_use)
    target, origin = _target(members, in_use, preferred)
    if target is None:
        return _no_uid(members)
    decisions = tuple(_decide(member, target, origin, force, ingress) for member in members)
    return UidPlan(target, decisions)


def _uids_in_use(members: Sequence[MemberUidState]) -> dict[str, list[str]]:
    """UID -> the members (in order) that have GCE ingresses named after it."""
    in_use: dict[str, list[str]] = {}
    for member in members:
        if member.uid is not None and member.gce_ingresses:
            in_use.setdefault(member.uid, []).append(member.cluster)
    return in_use


def _target(
    members: Sequence[MemberUidState],
    in_use: dict[str, list[str]],
    preferred: tuple[str, str] | None = None,
) -> tuple[str | None, str]:
    if in_use:
        uid, clusters = next(iter(in_use.items()))
        return uid, f"used by the GCE ingresses in {', '.join(clusters)}"
    if preferred is not None:
        return preferred[0], f"used by kubectl-fed's copy of the ingress in {preferred[1]}"
    for member in members:
        if member.controller is Controller.GCE and member.uid is not None:
            return member.uid, f"the first member's ({member.cluster})"
    return None, ""


def _decide(
    member: MemberUidState,
    target: str,
    origin: str,
    force: bool,
    ingress: tuple[str, str] | None,
) -> MemberUidDecision:
    def decision(action: UidAction, reason: str) -> MemberUidDecision:
        return MemberUidDecision(member.cluster, action, member.uid, target, reason)

    if member.controller is not Controller.GCE:
        return decision(UidAction.SKIP, _skip_reason(member.controller))
    if member.uid == target:
        return decision(UidAction.KEEP, f"GLBC UID is already {target!r} ({origin})")
    change = _change_text(member.uid, target)
    at_risk = [
        ref
        for ref in member.gce_ingresses
        if not ref.federated and (ref.namespace, ref.name) != ingress
    ]
    if not at_risk:
        return decision(UidAction.UPDATE, f"{change} ({origin})")
    names = _names(at_risk)
    if force:
        return decision(
            UidAction.UPDATE,
            f"{change} ({origin}); forced: the load balancers of {names} will be recreated",
        )
    return decision(
        UidAction.REFUSE,
        f"{change} would break the load balancers of {len(at_risk)} ingress(es) not managed "
        f"by kubectl-fed: {names}; move them first or use --force",
    )


def _skip_reason(controller: Controller) -> str:
    if controller is Controller.OTHER:
        return "ingress controller is not GCE: GLBC UID left alone"
    return "ingress controller unknown (no kube-system/ingress-uid ConfigMap): GLBC UID left alone"


def _change_text(current: str | None, target: str) -> str:
    if current is None:
        return f"GLBC UID set to {target!r} (was unset)"
    return f"GLBC UID {current!r} -> {target!r}"


def _names(refs: Sequence[IngressRef]) -> str:
    shown = ", ".join(str(ref) for ref in refs[:_LISTED_INGRESSES])
    hidden = len(refs) - _LISTED_INGRESSES
    return f"{shown} and {hidden} more" if hidden > 0 else shown


def _disagreement(members: Sequence[MemberUidState], in_use: dict[str, list[str]]) -> UidPlan:
    groups = "; ".join(f"{uid!r} in {', '.join(clusters)}" for uid, clusters in in_use.items())
    refusal = (
        f"members with GCE ingresses use different GLBC UIDs ({groups}): changing any of them "
        "would break their load balancers; make kube-system/ingress-uid agree by hand first"
    )
    decisions = tuple(
        MemberUidDecision(
            member.cluster,
            UidAction.REFUSE if member.controller is Controller.GCE else UidAction.SKIP,
            member.uid,
            None,
            "GLBC UIDs disagree" if member.controller is Controller.GCE else "not GCE",
        )
        for member in members
    )
    return UidPlan(None, decisions, refusal)


def _no_uid(members: Sequence[MemberUidState]) -> UidPlan:
    gce = [member.cluster for member in members if member.controller is Controller.GCE]
    decisions = tuple(
        MemberUidDecision(m.cluster, UidAction.SKIP, m.uid, None, _no_uid_reason(m))
        for m in members
    )
    if not gce:
        return UidPlan(None, decisions)
    refusal = (
        f"no GLBC UID to agree on: kube-system/ingress-uid has no {UID_KEY!r} key in "
        f"{', '.join(gce)}"
    )
    return UidPlan(None, decisions, refusal)


def _no_uid_reason(member: MemberUidState) -> str:
    if member.controller is Controller.GCE:
        return "kube-system/ingress-uid has no uid"
    return _skip_reason(member.controller)


def updated_uid_configmap(configmap: Mapping[str, Any] | None, uid: str) -> KubeObject:
    """The ConfigMap to write: `uid` set, everything else (provider-uid included) kept."""
    if configmap is None:
        return {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": UID_CONFIGMAP_NAME, "namespace": UID_CONFIGMAP_NAMESPACE},
            "data": {UID_KEY: uid},
        }
    result: KubeObject = copy.deepcopy(dict(configmap))
    result["data"] = {**(result.get("data") or {}), UID_KEY: uid}
    return result
