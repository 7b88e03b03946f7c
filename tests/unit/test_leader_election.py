"""Leader election decisions (client-go's rules) on an injected clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from kubectl_fed.core.converge.leader_election import (
    Decision,
    LeaseRecord,
    Observed,
    claimed,
    decide,
    format_micro_time,
    lease_name,
    observe,
    released,
    still_leading,
)
from kubectl_fed.core.model.objects import parse_micro_time

WALL = datetime(2026, 1, 10, 12, 0, 0, 123456, tzinfo=UTC)
LATER = WALL + timedelta(seconds=5)


def held_by(holder: str, duration: int = 15, transitions: int = 2) -> LeaseRecord:
    return LeaseRecord(holder, duration, WALL, WALL, transitions)


@pytest.mark.parametrize(
    ("federation", "expected"),
    [
        ("sandbox", "kubectl-fed-sandbox"),
        ("prod-eu", "kubectl-fed-prod-eu"),
        ("Prod_EU", r"kubectl-fed-prod-eu-[0-9a-f]{8}"),
        ("a.b", r"kubectl-fed-a-b-[0-9a-f]{8}"),
        ("--", r"kubectl-fed-[0-9a-f]{8}"),
        ("x" * 300, r"kubectl-fed-x{232}-[0-9a-f]{8}"),
    ],
)
def test_lease_name_is_a_valid_object_name(federation: str, expected: str) -> None:
    name = lease_name(federation)
    assert re.fullmatch(expected, name), name
    assert len(name) <= 253 and re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", name)


def test_names_changed_by_cleaning_never_collide() -> None:
    assert lease_name("Prod_EU") != lease_name("prod_eu") != lease_name("prod-eu")


def test_record_round_trips_through_a_lease_spec() -> None:
    record = held_by("host_1_abc")
    spec = record.spec()
    assert spec == {
        "holderIdentity": "host_1_abc",
        "leaseDurationSeconds": 15,
        "leaseTransitions": 2,
        "acquireTime": "2026-01-10T12:00:00.123456Z",
        "renewTime": "2026-01-10T12:00:00.123456Z",
    }
    assert LeaseRecord.of({"spec": spec}) == record
    assert LeaseRecord.of({"metadata": {}}) == LeaseRecord()


def test_micro_times_parse_with_or_without_fractions() -> None:
    assert parse_micro_time("2026-01-10T12:00:00Z") == WALL.replace(microsecond=0)
    assert parse_micro_time(format_micro_time(WALL)) == WALL
    assert parse_micro_time("yesterday") is None and parse_micro_time(None) is None


def test_no_lease_means_create() -> None:
    assert decide(None, "me", 0.0) is Decision.CREATE
    assert claimed(None, "me", 15, WALL) == LeaseRecord("me", 15, WALL, WALL, 0)


def test_another_holder_is_waited_for_until_its_lease_expires_on_our_clock() -> None:
    seen = observe(None, held_by("other"), now=100.0)
    assert decide(seen, "me", 100.0) is Decision.WAIT
    assert decide(seen, "me", 114.9) is Decision.WAIT
    assert decide(seen, "me", 115.0) is Decision.TAKE


def test_a_renewal_we_observe_restarts_the_expiry_clock() -> None:
    seen = observe(None, held_by("other"), now=100.0)
    same = observe(seen, held_by("other"), now=110.0)
    assert same is seen  # unchanged record: still counting from 100
    renewed = LeaseRecord("other", 15, WALL, LATER, 2)
    seen = observe(seen, renewed, now=110.0)
    assert seen == Observed(renewed, 110.0)
    assert decide(seen, "me", 120.0) is Decision.WAIT
    assert decide(seen, "me", 125.0) is Decision.TAKE


def test_the_holders_own_renew_time_is_never_compared_with_our_clock() -> None:
    stale_looking = LeaseRecord("other", 15, WALL - timedelta(days=1), WALL - timedelta(days=1))
    seen = observe(None, stale_looking, now=5.0)
    assert decide(seen, "me", 6.0) is Decision.WAIT


def test_a_free_lease_is_taken_at_once() -> None:
    seen = observe(None, released(held_by("other"), LATER), now=100.0)
    assert seen.record.holder == "" and seen.record.duration_seconds == 1
    assert decide(seen, "me", 100.0) is Decision.TAKE


def test_our_own_lease_is_renewed_keeping_acquire_time_and_transitions() -> None:
    seen = observe(None, held_by("me"), now=0.0)
    assert decide(seen, "me", 1000.0) is Decision.RENEW
    renewed = claimed(seen.record, "me", 15, LATER)
    assert renewed == LeaseRecord("me", 15, WALL, LATER, 2)


def test_taking_over_counts_a_transition_and_sets_acquire_time() -> None:
    taken = claimed(held_by("other", transitions=2), "me", 1.5, LATER)
    assert taken == LeaseRecord("me", 2, LATER, LATER, 3)


def test_release_frees_the_lease_and_keeps_the_transition_count() -> None:
    assert released(held_by("me"), LATER) == LeaseRecord("", 1, LATER, LATER, 2)


def test_a_leader_that_cannot_renew_steps_down_before_its_lease_runs_out() -> None:
    assert still_leading(100.0, 109.9, 15)
    assert not still_leading(100.0, 110.0, 15)  # two thirds of 15 s, as client-go's 10 s
    assert not still_leading(None, 100.0, 15)
