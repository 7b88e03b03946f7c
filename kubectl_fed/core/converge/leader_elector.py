"""One candidate in a Lease election: reads and writes the Lease through a `ClusterBackend`.

The decisions are `leader_election`'s; this class adds the calls and what one process must
remember between them (the last record it saw and when, its last successful renewal).
Writes are optimistic: a create answered AlreadyExists or a replace answered Conflict means
another candidate wrote first, and this one is not the leader this round.

Call `try_acquire_or_renew()` at least every `retry_period` seconds for as long as the
process runs (client-go's RetryPeriod: 2 s for a 15 s lease), and act as leader only while
the last call said `is_leader`. Call `release()` on a clean exit.
"""

from __future__ import annotations

import copy
import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kubectl_fed.core.converge.leader_election import (
    LEASE_NAMESPACE,
    Decision,
    LeaseRecord,
    Observed,
    claimed,
    decide,
    observe,
    released,
    still_leading,
)
from kubectl_fed.core.members.protocols import ClusterBackend, get_or_none
from kubectl_fed.core.members.results import ClusterCallError, Reason
from kubectl_fed.core.model.objects import KubeObject

LEASES = "leases"
LEASE_API_VERSION = "coordination.k8s.io/v1"
# client-go's RetryPeriod is 2 s for a 15 s lease.
RETRY_FRACTION = 2 / 15
_LOST = (Reason.ALREADY_EXISTS, Reason.CONFLICT, Reason.NOT_FOUND)


def default_identity() -> str:
    """`<host>_<pid>_<random>`: unique per process, and says where it runs (a pod's name)."""
    return f"{socket.gethostname()}_{os.getpid()}_{secrets.token_hex(3)}"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class LeaseObservation:
    """The outcome of one try.

    `holder` is who holds the Lease as far as this candidate knows (None: nobody, or never
    read); `expires_in` is how many seconds that holding has left as seen from here (for
    the leader: until another candidate may take over if it stops renewing; 0 when free).
    `error` is the failed call when the Lease could not be read or written this time.
    """

    is_leader: bool
    holder: str | None
    expires_in: float
    error: ClusterCallError | None = None


class LeaderElector:
    def __init__(
        self,
        backend: ClusterBackend,
        *,
        name: str,
        identity: str,
        lease_duration: float,
        namespace: str = LEASE_NAMESPACE,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = utc_now,
    ) -> None:
        if lease_duration <= 0:
            raise ValueError("lease_duration must be positive")
        self.backend = backend
        self.namespace, self.name, self.identity = namespace, name, identity
        self.lease_duration = lease_duration
        self._clock, self._wall = clock, wall
        self._observed: Observed | None = None
        self._last_renewed: float | None = None

    @property
    def retry_period(self) -> float:
        """How often to call `try_acquire_or_renew` (leader or not)."""
        return self.lease_duration * RETRY_FRACTION

    @property
    def is_leader(self) -> bool:
        """Whether the last try left this process leading (without calling the cluster)."""
        return still_leading(self._last_renewed, self._clock(), self.lease_duration)

    def try_acquire_or_renew(self) -> LeaseObservation:
        now = self._clock()
        try:
            lease = get_or_none(self.backend, LEASES, self.namespace, self.name)
        except ClusterCallError as err:
            return self._failed(err, now)
        if lease is None:
            self._observed = None
            body = self._new_lease(claimed(None, self.identity, self.lease_duration, self._wall()))
            return self._write(lambda: self.backend.create(body), now)
        self._observed = observe(self._observed, LeaseRecord.of(lease), now)
        decision = decide(self._observed, self.identity, now)
        if decision is Decision.WAIT:
            self._last_renewed = None
            return self._seen(now)
        record = claimed(self._observed.record, self.identity, self.lease_duration, self._wall())
        body = self._with_record(lease, record)
        return self._write(lambda: self.backend.replace(body), now)

    def release(self) -> bool:
        """Give the Lease up if this process holds it; True when it did.

        Raises ClusterCallError when the Lease cannot be read or written (other than another
        candidate having written it first, which means it is not ours to release any more).
        """
        self._last_renewed = None
        lease = get_or_none(self.backend, LEASES, self.namespace, self.name)
        if lease is None or LeaseRecord.of(lease).holder != self.identity:
            return False
        record = released(LeaseRecord.of(lease), self._wall())
        try:
            self.backend.replace(self._with_record(lease, record))
        except ClusterCallError as err:
            if err.reason in _LOST:
                return False
            raise
        self._observed = None
        return True

    # ---- helpers ----------------------------------------------------------------------

    def _write(self, call: Callable[[], KubeObject], now: float) -> LeaseObservation:
        try:
            written = call()
        except ClusterCallError as err:
            if err.reason not in _LOST:
                return self._failed(err, now)
            self._last_renewed = None
            return self._reread(now)
        self._observed = Observed(LeaseRecord.of(written), now)
        self._last_renewed = now
        return LeaseObservation(True, self.identity, float(self._observed.expires_at - now))

    def _reread(self, now: float) -> LeaseObservation:
        """Another candidate wrote first: see who, without trying again this round."""
        try:
            lease = get_or_none(self.backend, LEASES, self.namespace, self.name)
        except ClusterCallError as err:
            return self._failed(err, now)
        self._observed = None if lease is None else observe(None, LeaseRecord.of(lease), now)
        return self._seen(now)

    def _seen(self, now: float) -> LeaseObservation:
        observed = self._observed
        if observed is None or not observed.record.holder:
            return LeaseObservation(False, None, 0.0)
        expires_in = max(0.0, observed.expires_at - now)
        return LeaseObservation(False, observed.record.holder, expires_in)

    def _failed(self, err: ClusterCallError, now: float) -> LeaseObservation:
        if still_leading(self._last_renewed, now, self.lease_duration):
            assert self._last_renewed is not None
            left = self._last_renewed + self.lease_duration - now
            return LeaseObservation(True, self.identity, left, err)
        self._last_renewed = None
        seen = self._seen(now)
        return LeaseObservation(False, seen.holder, seen.expires_in, err)

    def _new_lease(self, record: LeaseRecord) -> KubeObject:
        return {
            "apiVersion": LEASE_API_VERSION,
            "kind": "Lease",
            "metadata": {"name": self.name, "namespace": self.namespace},
            "spec": record.spec(),
        }

    @staticmethod
    def _with_record(lease: KubeObject, record: LeaseRecord) -> KubeObject:
        """The read Lease (its resourceVersion included) carrying `record` as its spec."""
        body = copy.deepcopy(lease)
        body.pop("status", None)
        body["spec"] = record.spec()
        return body
