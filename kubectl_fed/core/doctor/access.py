"""The `authorization` and `quota` checks (docs/doctor.md): may we write what the
federation writes, and is there quota left for it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_fed.core.doctor.facts import Facts, MemberFacts
from kubectl_fed.core.doctor.model import Check, Status, passed, skipped
from kubectl_fed.core.kinds import INGRESS, REPLICASET, SERVICE, Kind
from kubectl_fed.core.model.objects import key_of, metadata_of
from kubectl_fed.core.replicas.shares import recorded_total, spec_replicas

UNREACHABLE = "member not reachable"
# ResourceQuota keys that limit what the federation creates, by kind.
_QUOTA_KEYS: dict[str, tuple[str, ...]] = {
    "ingresses": ("count/ingresses.networking.k8s.io",),
    "services": ("services", "count/services", "services.nodeports"),
    "replicasets": ("count/replicasets.apps",),
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


def _uses(kind: str, facts: Facts) -> bool:
    if kind == "pods":
        return bool(facts.target.of(REPLICASET))
    by_plural: dict[str, Kind] = {
        "ingresses": INGRESS,
        "services": SERVICE,
        "replicasets": REPLICASET,
    }
    return bool(facts.target.of(by_plural[kind]))


def _needs(member: MemberFacts, facts: Facts) -> dict[str, int]:
    """How many objects (and pods) this member still has to make room for."""
    needs: dict[str, int] = {}
    for kind in (INGRESS, SERVICE, REPLICASET):
        missing = [key for key in facts.target.of(kind) if member.find(kind, key) is None]
        needs[kind.plural] = len(missing)
    pods = 0
    for key in facts.target.of(REPLICASET):
        mine = member.find(REPLICASET, key)
        share = _expected_share(key, facts) if mine is None else spec_replicas(mine)
        running = sum(1 for pod in member.pods if _owned(pod, mine))
        pods += max(share - running, 0)
    needs["pods"] = pods
    return needs


def _expected_share(key: tuple[str, str], facts: Facts) -> int:
    for member in facts.answered:
        rs = member.find(REPLICASET, key)
        if rs is not None:
            total = recorded_total(rs) or spec_replicas(rs)
            return -(-total // max(len(facts.members), 1))
    return 0


def _owned(pod: Mapping[str, Any], rs: Mapping[str, Any] | None) -> bool:
    if rs is None:
        return False
    uid = metadata_of(rs).get("uid")
    owners = metadata_of(pod).get("ownerReferences") or []
    return any(owner.get("uid") == uid for owner in owners)


def access_checks(facts: Facts) -> list[Check]:
    return [
        *(authorization(m) for m in facts.members),
        *(quota(m, facts) for m in facts.members),
    ]
