"""The presence, drift, shadow and desired-state checks: every federated object in every
member, conforming, and not shadowed (docs/doctor.md)."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from kubectl_fed.core.doctor.facts import CHECKED_KINDS, Facts, object_label
from kubectl_fed.core.doctor.model import Check, Status, passed
from kubectl_fed.core.kinds import SERVICE, Kind
from kubectl_fed.core.model.desired import being_deleted, newest, read_record
from kubectl_fed.core.model.objects import Key, is_federated
from kubectl_fed.core.status.copies import CONTENT_FIELDS

# Set per member by the API server (or the per-member replica share): never drift.
SERVICE_SERVER_FIELDS = ("clusterIP", "clusterIPs", "healthCheckNodePort")


def comparable_spec(kind: Kind, obj: Mapping[str, Any]) -> str:
    """What must be the same in every member: the spec (the content of a kind without one,
    such as a Secret's data)."""
    if kind.spec_check is None:
        return json.dumps({name: obj.get(name) for name in CONTENT_FIELDS}, sort_keys=True)
    spec: dict[str, Any] = copy.deepcopy(dict(obj.get("spec") or {}))
    if kind.splits_replicas:
        spec.pop("replicas", None)
    if kind == SERVICE:
        for field in SERVICE_SERVER_FIELDS:
            spec.pop(field, None)
        for port in spec.get("ports") or []:
            port.pop("nodePort", None)  # the node-ports check owns those
    return json.dumps(spec, sort_keys=True)


def held(kind: Kind, key: Key, facts: Facts) -> bool:
    """Some member that answered has the object (else only its absence is reported)."""
    return any(m.find(kind, key) is not None for m in facts.answered)


def presence(kind: Kind, key: Key, facts: Facts) -> Check:
    label = object_label(kind, key)
    holders = [m.cluster for m in facts.answered if m.find(kind, key) is not None]
    missing = [m.cluster for m in facts.answered if m.find(kind, key) is None]
    if not missing:
        return passed("presence", f"in every member that answered ({len(holders)})", obj=label)
    live = [m.cluster for m in facts.answered if _live_copy(m.find(kind, key))]
    if holders and not live:  # deleted by someone: the `terminating` check watches it go
        return passed("presence", f"being deleted (Terminating in {', '.join(holders)})", obj=label)
    if not holders:
        return Check(
            "presence",
            Status.FAIL,
            None,
            label,
            f"no member that answered has {kind.singular} {key[1]} in namespace {key[0]}",
            f"check the name and namespace: kubectl fed get {kind.plural} -n {key[0]}",
        )
    source = live[0]
    where = ", ".join(missing)
    message = f"missing in {where}; present in {', '.join(holders) or 'none'}"
    fix = (
        f"kubectl fed doctor --fix (recreates it from {source}'s copy), "
        f"or: kubectl fed apply -f <its manifest>"
        if kind.converged
        else f"kubectl fed apply -f <its manifest> (or, from {source}'s copy: kubectl "
        f"--context={source} -n {key[0]} get {kind.singular} {key[1]} -o yaml "
        f"| kubectl fed apply -f -)"
    )
    return Check("presence", Status.FAIL, where, label, message, fix)


def _live_copy(obj: Mapping[str, Any] | None) -> bool:
    return obj is not None and not being_deleted(obj)


def drift(kind: Kind, key: Key, facts: Facts) -> Check:
    label = object_label(kind, key)
    specs = {
        m.cluster: comparable_spec(kind, obj) for m in facts.answered if (obj := m.find(kind, key))
    }
    if len(set(specs.values())) <= 1:
        what = "spec" if kind.spec_check else "content"
        return passed("drift", f"the same {what} in every member that has it", obj=label)
    votes: dict[str, int] = {}
    for spec in specs.values():
        votes[spec] = votes.get(spec, 0) + 1
    common = max(votes, key=lambda spec: votes[spec])  # first seen wins a tie
    reference = next(c for c, spec in specs.items() if spec == common)
    drifted = [c for c, spec in specs.items() if spec != common]
    return Check(
        "drift",
        Status.WARN,
        ", ".join(drifted),
        label,
        f"{'spec' if kind.spec_check else 'content'} in {', '.join(drifted)} "
        f"differs from {reference}'s",
        (
            "kubectl fed doctor --fix or kubectl fed reconcile (restore the recorded desired "
            "state), or "
            if kind.converged
            else ""
        )
        + f"kubectl fed apply -f <its manifest>; compare: "
        f"kubectl --context={drifted[0]} -n {key[0]} get {kind.singular} {key[1]} -o yaml",
    )


def desired_state(kind: Kind, key: Key, facts: Facts) -> Check:
    """Whether the copies record the federation's desired state, and the same one."""
    label = object_label(kind, key)
    copies = [(m.cluster, obj) for m in facts.answered if (obj := m.find(kind, key))]
    records = {cluster: read_record(obj, cluster) for cluster, obj in copies}
    bare = [cluster for cluster, record in records.items() if record is None]
    hashes = {record.hash for record in records.values() if record is not None}
    if not bare and len(hashes) <= 1:
        return passed("desired-state", "every copy records the same desired state", obj=label)
    chosen = newest(copies)
    if chosen is None:
        return passed("desired-state", "every copy is being deleted", obj=label)
    reconcile = f"kubectl fed reconcile {kind.singular} {key[1]} -n {key[0]}"
    if len(bare) == len(copies):
        message = (
            "no copy records the desired state (written by an older kubectl-fed): reconcile "
            f"guesses it from {chosen.source}'s copy and only re-creates missing copies"
        )
        return Check("desired-state", Status.WARN, None, label, message,
                     "kubectl fed apply -f <its manifest> records it")  # fmt: skip
    if bare:
        message = f"no record in {', '.join(bare)}: {chosen.source}'s record is used"
        return Check("desired-state", Status.WARN, ", ".join(bare), label, message, reconcile)
    message = (
        f"the copies record {len(hashes)} desired states: the newest, "
        f"{chosen.source}'s of {chosen.written_at}, wins"
    )
    return Check("desired-state", Status.WARN, None, label, message, reconcile)


def shadow(kind: Kind, key: Key, facts: Facts) -> Check:
    label = object_label(kind, key)
    unmarked = [
        m.cluster
        for m in facts.answered
        if (obj := m.find(kind, key)) is not None and not is_federated(obj)
    ]
    if not unmarked:
        return passed("shadow", "every member's copy carries the federation markers", obj=label)
    first = unmarked[0]
    where = ", ".join(unmarked)
    message = f"a {kind.singular} not made by kubectl-fed has the federated name in {where}"
    fix = (
        f"kubectl fed apply -f <its manifest> adopts it; or remove it: "
        f"kubectl --context={first} -n {key[0]} delete {kind.singular} {key[1]}"
    )
    return Check("shadow", Status.WARN, where, label, message, fix)


def object_checks(facts: Facts) -> list[Check]:
    checks = []
    for kind in CHECKED_KINDS:
        for key in facts.target.of(kind):
            checks.append(presence(kind, key, facts))
            if held(kind, key, facts):
                checks += [drift(kind, key, facts), shadow(kind, key, facts)]
                if kind.converged:  # its record is what reconcile restores
                    checks.append(desired_state(kind, key, facts))
    return checks
