"""LeaderElector against a real sandbox API server, on injected clocks (no sleeping)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from kubectl_fed.backends.kube import KubeBackend
from kubectl_fed.backends.kubeconfig import load_kubeconfig
from kubectl_fed.core.converge.leader_election import lease_name
from kubectl_fed.core.converge.leader_elector import (
    LeaderElector,
    LeaseObservation,
    default_identity,
)
from kubectl_fed.core.members.protocols import ClusterBackend
from kubectl_fed.core.members.results import Reason
from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.clock import Clock

NAME = lease_name("sandbox")
NAMESPACE = "kube-system"


@pytest.fixture
def backend(member: SandboxFederation) -> Iterator[KubeBackend]:
    name = member.names[0]
    transport = load_kubeconfig(str(member.kubeconfig_path)).transport(
        name, pool_size=2, environ={}
    )
    yield KubeBackend(name, transport, request_timeout=5)
    transport.close()


def elector(backend: ClusterBackend, identity: str, clock: Clock) -> LeaderElector:
    return LeaderElector(
        backend, name=NAME, identity=identity, lease_duration=15, clock=clock,
        wall=lambda: datetime.now(UTC),
    )  # fmt: skip


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def candidates(backend: KubeBackend, clock: Clock) -> tuple[LeaderElector, LeaderElector]:
    """Two candidates for the same Lease on one clock: a_1_x, then b_2_y."""
    return elector(backend, "a_1_x", clock), elector(backend, "b_2_y", clock)


def stored(member: SandboxFederation) -> dict[str, Any]:
    spec: dict[str, Any] = member.clusters[0].store.get("leases", NAMESPACE, NAME)["spec"]
    return spec


def test_the_first_candidate_creates_the_lease_the_second_waits(
    member: SandboxFederation, clock: Clock, candidates: tuple[LeaderElector, LeaderElector]
) -> None:
    first, second = candidates
    won = first.try_acquire_or_renew()
    assert (won.is_leader, won.holder, won.expires_in, won.error) == (True, "a_1_x", 15.0, None)
    spec = stored(member)
    assert (spec["holderIdentity"], spec["leaseDurationSeconds"], spec["leaseTransitions"]) == (
        "a_1_x", 15, 0,
    )  # fmt: skip
    assert spec["acquireTime"] == spec["renewTime"]

    clock.now += 4
    waiting = second.try_acquire_or_renew()
    assert (waiting.is_leader, waiting.holder, waiting.expires_in) == (False, "a_1_x", 15.0)
    renewed = first.try_acquire_or_renew()
    assert renewed.is_leader and first.is_leader and not second.is_leader
    after = stored(member)
    assert after["acquireTime"] == spec["acquireTime"] and after["leaseTransitions"] == 0
    assert after["renewTime"] >= spec["renewTime"]


class Lockstep:
    """Wraps a backend so that, once armed, two candidates both read before either writes."""

    def __init__(self, backend: ClusterBackend, barrier: threading.Barrier) -> None:
        self._backend, self._barrier = backend, barrier
        self.name = backend.name
        self.armed = False

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._backend, attribute)

    def get(self, kind: str, namespace: str | None, name: str) -> dict[str, Any]:
        try:
            return self._backend.get(kind, namespace, name)
        finally:
            if self.armed:
                self.armed = False  # only the first read of the race; not the re-read
                self._barrier.wait(timeout=30)


def race(candidates: list[LeaderElector]) -> list[LeaseObservation]:
    results: dict[int, LeaseObservation] = {}

    def run(index: int) -> None:
        results[index] = candidates[index].try_acquire_or_renew()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(candidates))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return [results[i] for i in range(len(candidates))]


@pytest.mark.parametrize("existing", [False, True], ids=["create", "take-over"])
def test_two_candidates_racing_exactly_one_wins(
    member: SandboxFederation, backend: KubeBackend, clock: Clock, existing: bool
) -> None:
    barrier = threading.Barrier(2)
    wrapped = [Lockstep(backend, barrier), Lockstep(backend, barrier)]
    candidates = [
        elector(wrapped[0], "a_1_x", clock),
        elector(wrapped[1], "b_2_y", clock),
    ]
    if existing:  # a third process's Lease, which both candidates then see expire
        assert elector(backend, "gone_0_z", clock).try_acquire_or_renew().is_leader
        assert not any(candidate.try_acquire_or_renew().is_leader for candidate in candidates)
        clock.now += 15
    member.clusters[0].requests.clear()
    for lockstep in wrapped:
        lockstep.armed = True
    outcomes = race(candidates)
    assert sorted(o.is_leader for o in outcomes) == [False, True]
    winner = next(o for o in outcomes if o.is_leader)
    loser = next(o for o in outcomes if not o.is_leader)
    assert loser.holder == winner.holder == stored(member)["holderIdentity"]
    assert loser.error is None and loser.expires_in == 15.0
    assert stored(member)["leaseTransitions"] == (1 if existing else 0)
    writes = sorted(record.status for record in member.clusters[0].requests.writes())
    assert writes == ([200, 409] if existing else [201, 409]), writes


def test_takeover_only_after_the_lease_expired_on_the_local_clock(
    member: SandboxFederation, clock: Clock, candidates: tuple[LeaderElector, LeaderElector]
) -> None:
    leader, waiting = candidates
    assert leader.try_acquire_or_renew().is_leader
    assert waiting.try_acquire_or_renew().expires_in == 15.0
    clock.now += 14.5  # the leader stopped renewing (kill -9)
    still = waiting.try_acquire_or_renew()
    assert (still.is_leader, still.holder, still.expires_in) == (False, "a_1_x", 0.5)
    clock.now += 0.5
    taken = waiting.try_acquire_or_renew()
    assert taken.is_leader and stored(member)["holderIdentity"] == "b_2_y"
    assert stored(member)["leaseTransitions"] == 1
    clock.now += 1
    back = leader.try_acquire_or_renew()  # the old leader wakes up: it is not leading any more
    assert (back.is_leader, back.holder) == (False, "b_2_y")


def test_release_lets_the_other_take_over_at_once(
    member: SandboxFederation, clock: Clock, candidates: tuple[LeaderElector, LeaderElector]
) -> None:
    leader, waiting = candidates
    assert leader.try_acquire_or_renew().is_leader
    assert not waiting.try_acquire_or_renew().is_leader
    assert not waiting.release()  # not ours: nothing written
    assert leader.release() and not leader.is_leader
    spec = stored(member)
    assert (spec["holderIdentity"], spec["leaseDurationSeconds"]) == ("", 1)
    free = waiting.try_acquire_or_renew()
    assert free.is_leader and stored(member)["holderIdentity"] == "b_2_y"
    assert not leader.release()


def test_an_unreachable_lease_cluster_ends_leadership_at_the_renew_deadline(
    member: SandboxFederation, backend: KubeBackend, clock: Clock
) -> None:
    leader = elector(backend, "a_1_x", clock)
    assert leader.try_acquire_or_renew().is_leader
    member.clusters[0].fail("unreachable")
    clock.now += 9
    failing = leader.try_acquire_or_renew()
    assert failing.is_leader and failing.error is not None
    assert failing.error.reason is Reason.UNREACHABLE and failing.expires_in == 6.0
    clock.now += 1  # 10 s without a renewal: two thirds of the lease
    stepped_down = leader.try_acquire_or_renew()
    assert not stepped_down.is_leader and stepped_down.error is not None
    member.clusters[0].heal()
    assert leader.try_acquire_or_renew().is_leader  # nobody took it meanwhile


def test_default_identity_is_unique_per_call() -> None:
    first, second = default_identity(), default_identity()
    assert first != second and first.count("_") >= 2
