"""The `authorization` and `quota` checks (docs/doctor.md): may we write what the
federation writes, and is there quota left for it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_fed.core.doctor.facts import CHECKED_KINDS, SPLIT_KINDS, Facts, MemberFacts
from kubectl_fed.core.doctor.model import Check, Status, passed, skipped
from kubectl_fed.core.kinds import REPLICASET, Kind
from kubectl_fed.core.model.objects import Key, KubeObject, ObjectView, key_of, owner_uids
from kubectl_fed.core.replicas.shares import recorded_total, spec_replicas

UNREACHABLE = "member not reachable"
# ResourceQuota keys older than `count/<resource>.<group>` that still limit a kind's objects.
_LEGACY_QUOTA_KEYS: dict[str, tuple[str, ...]] = {
    "services": ("services", "services.nodeports"),
    "secrets": ("secrets",),
    "configmaps": ("configmaps",),
}


def _count_key(kind: Kind) -> str:
    return f"count/{kind.plural}.{kind.group}" if kind.group else f"count/{kind.plural}"


# ResourceQuota keys that limit what the federation creates, by resource.
_QUOTA_KEYS: dict[str, tuple[str, ...]] = {
    **{
        kind.plural: (*_LEGACY_QUOTA_KEYS.get(kind.plural, ()), _count_key(kind))
        for kind in CHECKED_KINDS
    },
    "pods": ("pods", "count/pods"),
}


def authorization(member: MemberFacts) -> Check:
    if not member.ok:
        return skipped("authorization", UNREACHABLE, member.cluster)
    if not member.denied and member.unreadable:
        return Check(
            "authorization",
            Status.WARN,
            member.cluster,
            None,
            f"not allowed to read {', '.join(member.unreadable)}: the checks using them "
            "see nothing there",
            f"ask the cluster admin for read access (check: kubectl --context={member.cluster} "
            f"auth can-i list {member.unreadable[0]} -A)",
        )
    if not member.denied:
        return passed(
            "authorization",
            "may create, update and delete ingresses, services, replicasets "
            "and the kube-system/ingress-uid ConfigMap",
            member.cluster,
        )
    verb, resource, _, namespace = member.denied[0].split(" ", 3)
    scope = "-A" if namespace == "every namespace" else f"-n {namespace}"
    return Check(
        "authorization",
        Status.FAIL,
        member.cluster,
        None,
        f"not allowed to {'; '.join(member.denied)}",
        f"ask the cluster admin to grant them (check: kubectl --context={member.cluster} "
        f"auth can-i {verb} {resource} {scope})",
    )


def quota(member: MemberFacts, facts: Facts) -> Check:
    if not member.ok:
        return skipped("quota", UNREACHABLE, member.cluster)
    needs = _needs(member, facts)
    short: list[tuple[str, tuple[str, str]]] = []
    full: list[tuple[str, tuple[str, str]]] = []
    for quota_obj in member.quotas:
        namespace, name = key_of(quota_obj)
        for kind, keys in _QUOTA_KEYS.items():
            for key in keys:
                room = _headroom(quota_obj, key)
                where = (namespace, name)
                if room is not None and needs.get(kind, 0) > room:
                    short.append(
                        (f"{key} needs {needs[kind]} more, {room} left (quota {name})", where)
                    )
                elif room is not None and room <= 0 and _uses(kind, facts):
                    full.append((f"{key} has no room left (quota {name})", where))
    for status, found in ((Status.FAIL, short), (Status.WARN, full)):
        if found:
            message = "; ".join(text for text, _ in found)
            return Check(
                "quota", status, member.cluster, None, message, _quota_fix(member, found[0][1])
            )
    return passed("quota", "ResourceQuota leaves room for the federated objects", member.cluster)


def _quota_fix(member: MemberFacts, quota_key: tuple[str, str]) -> str:
    namespace, name = quota_key
    command = f"kubectl --context={member.cluster} -n {namespace} edit resourcequota {name}"
    return f"raise the quota: {command}"


def _headroom(quota_obj: Mapping[str, Any], key: str) -> int | None:
    status = quota_obj.get("status") or {}
    hard = (status.get("hard") or (quota_obj.get("spec") or {}).get("hard") or {}).get(key)
    if hard is None:
        return None
    used = (status.get("used") or {}).get(key, 0)
    return _quantity(hard) - _quantity(used)


def _quantity(value: Any) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _uses(resource: str, facts: Facts) -> bool:
    if resource == "pods":
        return any(facts.target.of(kind) for kind in SPLIT_KINDS)
    kinds = [kind for kind in CHECKED_KINDS if kind.plural == resource]
    return any(facts.target.of(kind) for kind in kinds)


def _needs(member: MemberFacts, facts: Facts) -> dict[str, int]:
    """How many objects (and pods) this member still has to make room for."""
    needs: dict[str, int] = {}
    for kind in CHECKED_KINDS:
        missing = [key for key in facts.target.of(kind) if member.find(kind, key) is None]
        needs[kind.plural] = len(missing)
    pods = 0
    for kind in SPLIT_KINDS:
        for key in facts.target.of(kind):
            mine = member.find(kind, key)
            share = _expected_share(kind, key, facts) if mine is None else spec_replicas(mine)
            running = len(_pods_of(member, mine))
            pods += max(share - running, 0)
    needs["pods"] = pods
    return needs


def _expected_share(kind: Kind, key: Key, facts: Facts) -> int:
    for member in facts.answered:
        obj = member.find(kind, key)
        if obj is not None:
            total = recorded_total(obj) or spec_replicas(obj)
            return -(-total // max(len(facts.members), 1))
    return 0


def _pods_of(member: MemberFacts, workload: KubeObject | None) -> list[KubeObject]:
    """The pods `workload` owns, or owns through the ReplicaSets it owns (a Deployment)."""
    if workload is None:
        return []
    owners = {ObjectView(workload).uid}
    owners |= {ObjectView(rs).uid for rs in member.objects(REPLICASET) if owner_uids(rs) & owners}
    return [pod for pod in member.pods if owner_uids(pod) & owners]


def access_checks(facts: Facts) -> list[Check]:
    return [
        *(authorization(m) for m in facts.members),
        *(quota(m, facts) for m in facts.members),
    ]
