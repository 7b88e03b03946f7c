"""Leader election over a coordination.k8s.io/v1 Lease, decided as client-go's leaderelection does.

Pure: the caller reads the Lease, passes it in with its clocks, and writes what comes back.

- A Lease's spec is the election record: `holderIdentity`, `leaseDurationSeconds`,
  `acquireTime`, `renewTime` (RFC 3339 with microseconds), `leaseTransitions`.
- Expiry is judged on the local clock, never on the holder's `renewTime`: a candidate notes
  when it first saw the current record (a monotonic time); the holder's lease has expired once
  `leaseDurationSeconds` have passed since then without the record changing. Clocks of
  different machines are never compared.
- A Lease with an empty `holderIdentity` is free: anyone may take it at once. Releasing writes
  exactly that (and `leaseDurationSeconds: 1`), so a waiting candidate takes over on its next
  try instead of waiting out the lease.
- Renewing keeps `acquireTime` and `leaseTransitions`; taking over from another holder sets
  `acquireTime` and adds one to `leaseTransitions`.
- A leader that cannot renew stops leading once `renew_deadline` has passed since its last
  successful renewal (client-go's RenewDeadline, shorter than the lease so that it steps down
  before anyone else may take over).
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from kubectl_fed.core.model.objects import parse_micro_time

LEASE_NAMESPACE = "kube-system"
LEASE_NAME_PREFIX = "kubectl-fed-"
RELEASED_DURATION_SECONDS = 1
# client-go's defaults are 15 s lease, 10 s renew deadline: two thirds of the lease.
RENEW_DEADLINE_FRACTION = 2 / 3

_MAX_NAME = 253
_NOT_DNS = re.compile(r"[^a-z0-9-]+")
_MICRO_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"


def lease_name(federation: str) -> str:
    """`kubectl-fed-<federation>`, made a valid object name (lower case, digits and `-`).

    A federation whose name needs changing for that (upper case, `_`, spaces...) gets a short
    hash of its real name appended, so two federations never share a Lease.
    """
    wanted = LEASE_NAME_PREFIX + federation
    cleaned = _NOT_DNS.sub("-", wanted.lower()).strip("-")
    if cleaned == wanted and len(cleaned) <= _MAX_NAME:
        return cleaned
    digest = hashlib.sha256(federation.encode()).hexdigest()[:8]
    return f"{cleaned[: _MAX_NAME - len(digest) - 1].rstrip('-')}-{digest}"


def format_micro_time(moment: datetime) -> str:
    """A MicroTime as the API server writes it: UTC, six decimals, `Z`."""
    return moment.astimezone(UTC).strftime(_MICRO_TIME)


@dataclass(frozen=True)
class LeaseRecord:
    """The election record a Lease's spec holds; `holder == ""` means nobody holds it."""

    holder: str = ""
    duration_seconds: int = 0
    acquire_time: datetime | None = None
    renew_time: datetime | None = None
    transitions: int = 0

    @classmethod
    def of(cls, lease: dict[str, Any]) -> LeaseRecord:
        spec = lease.get("spec") or {}
        return cls(
            holder=str(spec.get("holderIdentity") or ""),
            duration_seconds=int(spec.get("leaseDurationSeconds") or 0),
            acquire_time=parse_micro_time(spec.get("acquireTime")),
            renew_time=parse_micro_time(spec.get("renewTime")),
            transitions=int(spec.get("leaseTransitions") or 0),
        )

    def spec(self) -> dict[str, Any]:
        """The Lease spec that holds this record."""
        spec: dict[str, Any] = {
            "holderIdentity": self.holder,
            "leaseDurationSeconds": self.duration_seconds,
            "leaseTransitions": self.transitions,
        }
        if self.acquire_time is not None:
            spec["acquireTime"] = format_micro_time(self.acquire_time)
        if self.renew_time is not None:
            spec["renewTime"] = format_micro_time(self.renew_time)
        return spec


@dataclass(frozen=True)
class Observed:
    """A record as this candidate last saw it, and when (on its monotonic clock) it changed."""

    record: LeaseRecord
    since: float

    @property
    def expires_at(self) -> float:
        return self.since + self.record.duration_seconds


def observe(previous: Observed | None, record: LeaseRecord, now: float) -> Observed:
    """The new observation: the clock restarts only when the record differs from the last one."""
    if previous is not None and previous.record == record:
        return previous
    return Observed(record, now)


class Decision(Enum):
    CREATE = "create"  # no Lease yet
    RENEW = "renew"  # we hold it
    TAKE = "take"  # free, or its holder's lease has expired
    WAIT = "wait"  # another holder's lease is still running


def decide(observed: Observed | None, identity: str, now: float) -> Decision:
    """What a candidate may do with the Lease it observed (None: there is no Lease)."""
    if observed is None:
        return Decision.CREATE
    holder = observed.record.holder
    if holder == identity:
        return Decision.RENEW
    if not holder or now >= observed.expires_at:
        return Decision.TAKE
    return Decision.WAIT


def seconds(duration: float) -> int:
    """A lease duration as the whole seconds `leaseDurationSeconds` holds (at least 1)."""
    return max(1, math.ceil(duration))


def claimed(
    previous: LeaseRecord | None, identity: str, duration: float, wall: datetime
) -> LeaseRecord:
    """The record that creates, renews or takes over the Lease for `identity` at `wall`."""
    if previous is None:
        return LeaseRecord(identity, seconds(duration), wall, wall, 0)
    if previous.holder == identity:
        return replace(previous, duration_seconds=seconds(duration), renew_time=wall)
    return LeaseRecord(identity, seconds(duration), wall, wall, previous.transitions + 1)


def released(previous: LeaseRecord, wall: datetime) -> LeaseRecord:
    """The record a leader writes on a clean exit: nobody holds it, anyone may take it now."""
    return LeaseRecord("", RELEASED_DURATION_SECONDS, wall, wall, previous.transitions)


def renew_deadline(duration: float) -> float:
    return duration * RENEW_DEADLINE_FRACTION


def still_leading(last_renewed: float | None, now: float, duration: float) -> bool:
    """Whether a leader whose renewals fail may go on acting until it renews again."""
    return last_renewed is not None and now - last_renewed < renew_deadline(duration)
