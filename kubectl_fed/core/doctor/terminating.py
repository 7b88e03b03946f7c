"""A federated object stuck in Terminating: deleted long ago, still held by finalizers.

GKE's ingress controller holds every Ingress with a finalizer until it has removed the load
balancer; when it cannot (it is down, or a cloud call keeps failing) the Ingress stays, and
the same name cannot be created again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from kubectl_fed.core.doctor.facts import CHECKED_KINDS as KINDS
from kubectl_fed.core.doctor.facts import Facts, MemberFacts, object_label
from kubectl_fed.core.doctor.model import Check, Status
from kubectl_fed.core.kinds import Kind
from kubectl_fed.core.model.objects import Key, metadata_of, parse_micro_time

# How long finalizers may take before a Terminating object counts as stuck.
TERMINATING_GRACE = timedelta(minutes=5)


def terminating_checks(facts: Facts, now: datetime | None = None) -> list[Check]:
    """One check per federated object some member is deleting (none for the others)."""
    now = now or datetime.now(UTC)
    checks = []
    for kind in KINDS:
        for key in facts.target.of(kind):
            deleting = [(m, since) for m in facts.answered if (since := _since(m, kind, key))]
            if deleting:
                checks.append(_check(kind, key, deleting, now))
    return checks


def _since(member: MemberFacts, kind: Kind, key: Key) -> datetime | None:
    obj = member.find(kind, key)
    if obj is None:
        return None
    return parse_micro_time(metadata_of(obj).get("deletionTimestamp"))


def _check(
    kind: Kind, key: Key, deleting: list[tuple[MemberFacts, datetime]], now: datetime
) -> Check:
    label = object_label(kind, key)
    stuck = [
        (m, _finalizers(m, kind, key)) for m, since in deleting if now - since > TERMINATING_GRACE
    ]
    stuck = [(m, held) for m, held in stuck if held]
    if not stuck:
        where = ", ".join(m.cluster for m, _ in deleting)
        return Check("terminating", Status.PASS, None, label, f"being deleted in {where}")
    clusters = [m.cluster for m, _ in stuck]
    minutes = int(TERMINATING_GRACE.total_seconds() // 60)
    held = "; ".join(f"{m.cluster}: {', '.join(f)}" for m, f in stuck)
    first = clusters[0]
    fix = (
        f"the controller that owns each finalizer has not finished: for an ingress, GLBC "
        f"(look at its events: kubectl --context={first} -n {key[0]} describe {kind.singular} "
        f"{key[1]}); once nothing is left to clean up, remove the finalizer: kubectl "
        f"--context={first} -n {key[0]} patch {kind.singular} {key[1]} --type=merge "
        '-p \'{"metadata":{"finalizers":null}}\''
    )
    message = f"Terminating for more than {minutes}m, held by finalizers ({held})"
    return Check("terminating", Status.FAIL, ", ".join(clusters), label, message, fix)


def _finalizers(member: MemberFacts, kind: Kind, key: Key) -> list[str]:
    obj: dict[str, Any] = member.find(kind, key) or {}
    return [str(f) for f in metadata_of(obj).get("finalizers") or []]
