"""The `ingress-controller`, `glbc-uid`, `provider-uid`, `zone-uid-clash` and
`pre-agreement-ingress` checks (docs/doctor.md): GCE ingress controllers sharing one GLBC
UID, and what that breaks."""

from __future__ import annotations

import json
from typing import Any

from kubectl_fed.core.doctor.facts import Facts, MemberFacts
from kubectl_fed.core.doctor.model import Check, Status, passed, skipped
from kubectl_fed.core.ingress.glbc_uid import (
    PROVIDER_UID_KEY,
    UID_KEY,
    Controller,
    classify_controller,
    is_gce_ingress,
)
from kubectl_fed.core.model.objects import annotations_of, is_federated, key_of, metadata_of
from kubectl_fed.core.writes.member_state import MemberState
from kubectl_fed.core.writes.uid_agreement import UidAgreement, agree_on_uid

FORWARDING_RULE = "ingress.kubernetes.io/forwarding-rule"
UNREACHABLE = "member not reachable"


def controller(member: MemberFacts) -> Controller:
    return classify_controller(member.uid_configmap, member.provider_ids)


def _data(member: MemberFacts, key: str) -> str | None:
    value = ((member.uid_configmap or {}).get("data") or {}).get(key)
    return str(value) if value is not None else None


def ingress_controller(member: MemberFacts) -> Check:
    if not member.ok:
        return skipped("ingress-controller", UNREACHABLE, member.cluster)
    found = controller(member)
    if found is Controller.GCE:
        return passed("ingress-controller", "GCE ingress controller (GLBC)", member.cluster)
    what = (
        "not GCE" if found is Controller.OTHER else "unknown: no kube-system/ingress-uid ConfigMap"
    )
    return Check(
        "ingress-controller",
        Status.WARN,
        member.cluster,
        None,
        f"ingress controller {what}: this member cannot share the global load balancer",
        "run GKE's HTTP load balancing add-on (GLBC) in this member, or unjoin it: "
        f"kubectl fed unjoin {member.cluster}",
    )


def uid_agreement(facts: Facts) -> UidAgreement:
    """The safe agreement: copies of the federated ingresses never block it."""
    states = [
        MemberState(
            m.cluster,
            uid_configmap=m.uid_configmap,
            ingresses=list(m.ingresses),
            node_provider_ids=m.provider_ids,
        )
        for m in facts.answered
    ]
    return agree_on_uid(states, set(facts.target.ingresses), force=False)


def has_federated_gce_ingress(facts: Facts) -> bool:
    """Whether any checked ingress is one GLBC serves: only then must the UIDs agree."""
    return any(
        is_gce_ingress(obj)
        for m in facts.answered
        for obj in m.ingresses
        if key_of(obj) in facts.target.ingresses
    )


def glbc_uid(facts: Facts) -> Check:
    if not has_federated_gce_ingress(facts):
        return skipped("glbc-uid", "no federated GCE ingress: members need not share a GLBC UID")
    gce = [m for m in facts.answered if controller(m) is Controller.GCE]
    groups: dict[str | None, list[str]] = {}
    for member in gce:
        groups.setdefault(_data(member, UID_KEY), []).append(member.cluster)
    if len(groups) <= 1:
        uid = next(iter(groups), None)
        return passed(
            "glbc-uid", f"every GCE member uses GLBC UID {uid}" if gce else "no GCE member"
        )
    text = "; ".join(f"{uid} in {', '.join(clusters)}" for uid, clusters in groups.items())
    agreement = uid_agreement(facts)
    off = [c.cluster for c in agreement.changes]
    if agreement.errors or not agreement.changes:
        fix = "make kube-system/ingress-uid agree by hand: " + "; ".join(agreement.errors)
    else:
        target = agreement.plan.target
        patch = json.dumps({"data": {UID_KEY: target}}, separators=(",", ":"))
        fix = (
            f"kubectl fed doctor --fix (sets {target} in {', '.join(off)}), or: "
            f"kubectl --context={off[0]} -n kube-system patch configmap ingress-uid -p '{patch}'"
        )
    return Check(
        "glbc-uid",
        Status.FAIL,
        ", ".join(off) or ", ".join(m.cluster for m in gce),
        "configmap kube-system/ingress-uid",
        f"GLBC UIDs differ ({text}): the members' ingresses get separate load balancers",
        fix,
    )


def provider_uid(facts: Facts) -> Check:
    seen: dict[str, list[str]] = {}
    for member in facts.answered:
        value = _data(member, PROVIDER_UID_KEY)
        if value:
            seen.setdefault(value, []).append(member.cluster)
    shared = {value: clusters for value, clusters in seen.items() if len(clusters) > 1}
    if not shared:
        return passed("provider-uid", "provider-uid distinct in every member")
    value, clusters = next(iter(shared.items()))
    return Check(
        "provider-uid",
        Status.FAIL,
        ", ".join(clusters),
        "configmap kube-system/ingress-uid",
        f"provider-uid {value} is shared by {', '.join(clusters)}: their firewall rules clash",
        f"give each member its own provider-uid: kubectl --context={clusters[-1]} -n kube-system "
        "edit configmap ingress-uid",
    )


def pre_agreement_ingress(member: MemberFacts) -> Check:
    """Ingresses not made by kubectl-fed whose load balancer is named after another UID,
    or made before the member's first federated ingress: per the guide they interfere."""
    if not member.ok:
        return skipped("pre-agreement-ingress", UNREACHABLE, member.cluster)
    if controller(member) is not Controller.GCE:
        return skipped("pre-agreement-ingress", "ingress controller not GCE", member.cluster)
    stale = _stale_ingresses(member)
    if not stale:
        return passed(
            "pre-agreement-ingress", "no ingress predates the GLBC UID agreement", member.cluster
        )
    namespace, name = key_of(stale[0])
    names = ", ".join("/".join(key_of(obj)) for obj in stale)
    return Check(
        "pre-agreement-ingress",
        Status.WARN,
        member.cluster,
        f"ingress {namespace}/{name}",
        f"ingresses made before this member's GLBC UID agreement interfere with the "
        f"federated ones: {names}",
        f"delete and recreate them: kubectl --context={member.cluster} -n {namespace} "
        f"get ingress {name} -o yaml > {name}.yaml && kubectl --context={member.cluster} "
        f"-n {namespace} delete ingress {name} && kubectl --context={member.cluster} "
        f"create -f {name}.yaml",
    )


def _stale_ingresses(member: MemberFacts) -> list[dict[str, Any]]:
    uid = _data(member, UID_KEY)
    federated = [obj for obj in member.ingresses if is_federated(obj)]
    oldest = min((_created(obj) for obj in federated), default="")
    stale = []
    for obj in member.ingresses:
        if is_federated(obj) or not is_gce_ingress(obj):
            continue
        rule = annotations_of(obj).get(FORWARDING_RULE, "")
        other_uid = bool(rule and uid and not rule.endswith(f"--{uid}"))
        if other_uid or (oldest and _created(obj) < oldest):
            stale.append(obj)
    return stale


def _created(obj: dict[str, Any]) -> str:
    return str(metadata_of(obj).get("creationTimestamp") or "")


def zone_uid_clash(facts: Facts) -> Check:
    owners: dict[tuple[str, str], list[str]] = {}
    for member in facts.answered:
        uid = _data(member, UID_KEY)
        if uid is None or controller(member) is not Controller.GCE:
            continue
        for zone in member.zones:
            owners.setdefault((zone, uid), []).append(member.cluster)
    clashes = {key: clusters for key, clusters in owners.items() if len(clusters) > 1}
    if not clashes:
        return passed("zone-uid-clash", "no two members with one GLBC UID share a zone")
    (zone, uid), clusters = next(iter(clashes.items()))
    zones = ", ".join(sorted({z for z, _ in clashes}))
    return Check(
        "zone-uid-clash",
        Status.FAIL,
        ", ".join(sorted({c for cs in clashes.values() for c in cs}, key=_order(facts))),
        None,
        f"{', '.join(clusters)} share zone(s) {zones} and GLBC UID {uid}: their instance "
        f"groups (k8s-ig--{uid}) clash",
        f"federate clusters in different zones; leave one out: kubectl fed unjoin {clusters[-1]}",
    )


def _order(facts: Facts) -> Any:
    rank = {m.cluster: i for i, m in enumerate(facts.members)}
    return lambda cluster: rank.get(cluster, len(rank))


def glbc_checks(facts: Facts) -> list[Check]:
    return [
        *(ingress_controller(m) for m in facts.members),
        glbc_uid(facts),
        provider_uid(facts),
        *(pre_agreement_ingress(m) for m in facts.members),
        zone_uid_clash(facts),
    ]
