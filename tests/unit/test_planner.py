"""The replica planner against Federation v1's own planner test cases, plus properties."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubectl_fed.errors import UsageError
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.planner import fnv1_32, parse_preferences, plan, scheduled_replicas

ABC = ["A", "B", "C"]


def w(weight: int, min_replicas: int = 0, max_replicas: int | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"weight": weight, "minReplicas": min_replicas}
    if max_replicas is not None:
        entry["maxReplicas"] = max_replicas
    return entry


def prefs(clusters: dict[str, Any], rebalance: bool = False) -> dict[str, Any]:
    return {"rebalance": rebalance, "clusters": clusters}


# Federation v1 planner_test.go TestEqual, TestMin, TestMax, TestWeight: no current, no capacity.
UPSTREAM_PLANS = [
    ({"*": w(1)}, 50, ABC, {"A": 16, "B": 17, "C": 17}),
    ({"*": w(1)}, 50, ["A", "B"], {"A": 25, "B": 25}),
    ({"*": w(1)}, 1, ["A", "B"], {"A": 0, "B": 1}),
    ({"*": w(1)}, 1, ["A", "B", "C", "D"], {"A": 0, "B": 0, "C": 0, "D": 1}),
    ({"*": w(1)}, 1, ["A"], {"A": 1}),
    ({"*": w(1)}, 1, [], {}),
    ({"*": w(0, min_replicas=2)}, 50, ABC, {"A": 2, "B": 2, "C": 2}),
    ({"*": w(0, min_replicas=20)}, 50, ABC, {"A": 10, "B": 20, "C": 20}),
    ({"*": w(0, 20), "A": w(1, 100)}, 50, ABC, {"A": 50, "B": 0, "C": 0}),
    ({"*": w(1, 10, 12)}, 50, ABC, {"A": 12, "B": 12, "C": 12}),
    ({"*": w(1, max_replicas=2)}, 50, ABC, {"A": 2, "B": 2, "C": 2}),
    ({"*": w(0, max_replicas=2)}, 50, ABC, {"A": 0, "B": 0, "C": 0}),
    ({"A": w(1), "B": w(2)}, 60, ABC, {"A": 20, "B": 40, "C": 0}),
    ({"A": w(10000), "B": w(1)}, 50, ABC, {"A": 50, "B": 0, "C": 0}),
    ({"A": w(10000), "B": w(1)}, 50, ["B", "C"], {"B": 50, "C": 0}),
    ({"A": w(10000, 0, 10), "B": w(1), "C": w(1)}, 50, ABC, {"A": 10, "B": 20, "C": 20}),
    ({"A": w(10000, 0, 10), "B": w(1), "C": w(1, 0, 10)}, 50, ABC, {"A": 10, "B": 30, "C": 10}),
    (
        {"A": w(10000, 0, 10), "B": w(1), "C": w(1, 0, 21), "D": w(1, 0, 10)},
        71,
        ["A", "B", "C", "D"],
        {"A": 10, "B": 30, "C": 21, "D": 10},
    ),
    (
        {"A": w(10000, 0, 10), "B": w(1), "C": w(1, 0, 21), "D": w(1, 0, 10), "E": w(1)},
        91,
        ["A", "B", "C", "D", "E"],
        {"A": 10, "B": 25, "C": 21, "D": 10, "E": 25},
    ),
]


@pytest.mark.parametrize(("clusters_prefs", "total", "clusters", "expected"), UPSTREAM_PLANS)
def test_federation_v1_plans(
    clusters_prefs: dict[str, Any], total: int, clusters: list[str], expected: dict[str, int]
) -> None:
    placement, overflow = plan(total, clusters, prefs(clusters_prefs), {}, {}, "")
    assert placement == expected
    assert overflow == {}


# Federation v1 TestEqualWithExisting: rebalance false, current replicas given.
UPSTREAM_WITH_EXISTING = [
    (50, ABC, {"C": 30}, {"A": 10, "B": 10, "C": 30}),
    (50, ["A", "B"], {"A": 30}, {"A": 30, "B": 20}),
    (15, ["A", "B"], {"A": 0, "B": 8}, {"A": 7, "B": 8}),
    (15, ["A", "B"], {"A": 1, "B": 8}, {"A": 7, "B": 8}),
    (15, ["A", "B"], {"A": 4, "B": 8}, {"A": 7, "B": 8}),
    (15, ["A", "B"], {"A": 5, "B": 8}, {"A": 7, "B": 8}),
    (15, ["A", "B"], {"A": 6, "B": 8}, {"A": 7, "B": 8}),
    (15, ["A", "B"], {"A": 7, "B": 8}, {"A": 7, "B": 8}),
    (500000, ["A", "B"], {"A": 300000}, {"A": 300000, "B": 200000}),
    (50, ["A", "B"], {"A": 10}, {"A": 25, "B": 25}),
    (50, ["A", "B"], {"A": 10, "B": 70}, {"A": 0, "B": 50}),
    (1, ["A", "B"], {"A": 30}, {"A": 1, "B": 0}),
    (50, ["A", "B"], {"A": 10, "B": 20}, {"A": 25, "B": 25}),
]


@pytest.mark.parametrize(("total", "clusters", "current", "expected"), UPSTREAM_WITH_EXISTING)
def test_federation_v1_keeps_existing_replicas_without_rebalance(
    total: int, clusters: list[str], current: dict[str, int], expected: dict[str, int]
) -> None:
    placement, overflow = plan(total, clusters, prefs({"*": w(1)}), current, {}, "")
    assert placement == expected
    assert overflow == {}


# Federation v1 TestWithExistingAndCapacity: (rebalance, prefs, total, clusters, capacity,
# expected placement, expected overflow); current is always empty there.
UPSTREAM_WITH_CAPACITY = [
    (True, {"*": w(1)}, 50, ABC, {"C": 10}, {"A": 20, "B": 20, "C": 10}, {"C": 7}),
    (True, {"A": w(10000), "B": w(1)}, 50, ["B", "C"], {"B": 10}, {"B": 10, "C": 0}, {"B": 40}),
    (True, {"A": w(1), "B": w(2)}, 60, ABC, {"B": 10}, {"A": 50, "B": 10, "C": 0}, {"B": 30}),
    (
        True,
        {"A": w(10000, 0, 10), "B": w(1), "C": w(1, 0, 21), "D": w(1, 0, 10)},
        71,
        ["A", "B", "C", "D"],
        {"C": 10},
        {"A": 10, "B": 41, "C": 10, "D": 10},
        {"C": 11},
    ),
    (
        False,
        {"A": w(1), "B": w(1)},
        60,
        ABC,
        {"A": 10, "B": 10},
        {"A": 10, "B": 10, "C": 0},
        {"A": 20, "B": 20},
    ),
    (False, {"A": w(1), "B": w(5)}, 60, ABC, {"B": 10}, {"A": 50, "B": 10, "C": 0}, {}),
    (False, {"*": w(0, 20)}, 50, ABC, {"B": 10}, {"A": 20, "B": 10, "C": 20}, {}),
    (True, {"*": w(1, 20)}, 60, ["A", "B"], {"B": 10}, {"A": 50, "B": 10}, {"B": 15}),
]


@pytest.mark.parametrize(
    ("rebalance", "clusters_prefs", "total", "clusters", "capacity", "expected", "overflow"),
    UPSTREAM_WITH_CAPACITY,
)
def test_federation_v1_capacity_and_overflow(
    rebalance: bool,
    clusters_prefs: dict[str, Any],
    total: int,
    clusters: list[str],
    capacity: dict[str, int],
    expected: dict[str, int],
    overflow: dict[str, int],
) -> None:
    assert plan(total, clusters, prefs(clusters_prefs, rebalance), {}, capacity) == (
        expected,
        overflow,
    )


def test_weights_1_2_2_with_ten_replicas_land_2_4_4() -> None:
    annotation = json.dumps(
        {"clusters": {"a": {"weight": 1}, "b": {"weight": 2}, "c": {"weight": 2}}}
    )
    assert plan(10, ["a", "b", "c"], annotation, key="default/web") == (
        {"a": 2, "b": 4, "c": 4},
        {},
    )


def test_default_preferences_spread_equally() -> None:
    defaults: list[Any] = [None, "", "  ", {}]
    for default in defaults:
        assert plan(9, ABC, default) == ({"A": 3, "B": 3, "C": 3}, {})


def test_clusters_without_entry_and_without_star_get_zero_even_when_running_some() -> None:
    placement, _ = plan(10, ABC, prefs({"A": w(1)}), current={"C": 4})
    assert placement == {"A": 10, "B": 0, "C": 0}


def test_placement_keeps_member_order_and_plans_duplicates_once() -> None:
    placement, _ = plan(6, ["C", "A", "C", "B"], None)
    assert list(placement) == ["C", "A", "B"]
    assert sum(placement.values()) == 6


def test_rebalance_true_ignores_current_replicas() -> None:
    annotation = prefs({"*": w(1)}, rebalance=True)
    assert plan(50, ["A", "B"], annotation, current={"A": 10, "B": 40}) == (
        {"A": 25, "B": 25},
        {},
    )


def test_rebalance_false_keeps_current_but_not_beyond_max() -> None:
    annotation = prefs({"*": w(1, 0, 30)})
    placement, _ = plan(50, ["A", "B"], annotation, current={"A": 45})
    assert placement == {"A": 30, "B": 20}


def test_unavailable_member_share_moves_to_the_others_and_back() -> None:
    annotation = prefs({"*": w(1)}, rebalance=True)
    healthy, _ = plan(9, ABC, annotation, key="default/web")
    degraded, _ = plan(9, ["A", "C"], annotation, current=healthy, key="default/web")
    restored, _ = plan(9, ABC, annotation, current=degraded, key="default/web")
    assert healthy == {"A": 3, "B": 3, "C": 3}
    assert sum(degraded.values()) == 9 and set(degraded) == {"A", "C"}
    assert restored == healthy


def test_without_rebalance_a_returning_member_gets_only_what_is_left() -> None:
    healthy, _ = plan(9, ABC, None, key="default/web")
    degraded, _ = plan(9, ["A", "C"], None, current=healthy, key="default/web")
    returned, _ = plan(9, ABC, None, current=degraded, key="default/web")
    assert sum(degraded.values()) == 9
    assert returned == {**degraded, "B": 0}  # replicas running elsewhere stay put
    forced = parse_preferences(prefs({"*": w(1)}, rebalance=True))
    assert plan(9, ABC, forced, current=degraded, key="default/web")[0] == healthy


def test_tie_break_follows_fnv1_of_cluster_name_and_key() -> None:
    clusters = ["us-central1", "europe-west1", "asia-east1"]
    winners = {}
    for key in ("default/web", "default/backend", "default/nginx"):
        placement, _ = plan(1, clusters, None, key=key)
        winners[key] = [name for name, count in placement.items() if count]
    assert winners == {
        "default/web": ["us-central1"],
        "default/backend": ["asia-east1"],
        "default/nginx": ["europe-west1"],
    }
    assert min(clusters, key=lambda c: fnv1_32((c + "default/backend").encode())) == "asia-east1"


def test_fnv1_32_matches_the_reference_vectors() -> None:
    assert fnv1_32(b"") == 0x811C9DC5
    assert fnv1_32(b"a") == 0x050C5D7E  # FNV-1a would give 0xe40c292c
    assert fnv1_32(b"foobar") == 0x31F0B262


def test_all_zero_weights_place_only_minimums() -> None:
    assert plan(10, ABC, prefs({"*": w(0, 1)})) == ({"A": 1, "B": 1, "C": 1}, {})


def test_capacity_caps_the_minimum() -> None:
    assert plan(10, ["A"], prefs({"*": w(0, 5)}), capacity={"A": 2}) == ({"A": 2}, {})


def test_scheduled_replicas_adds_overflow_and_zeroes_dropped_members() -> None:
    placement, overflow = plan(50, ABC, prefs({"*": w(1)}, True), capacity={"C": 10})
    assert scheduled_replicas(placement, overflow, current={"D": 3}) == {
        "D": 0,
        "A": 20,
        "B": 20,
        "C": 17,
    }


def test_invalid_preferences_are_usage_errors() -> None:
    with pytest.raises(UsageError) as caught:
        plan(3, ABC, '{"clusters": ')
    assert caught.value.status == ExitStatus.USAGE
    assert "not valid JSON" in str(caught.value)


@pytest.mark.parametrize("total", [-1, 1.5, True])
def test_bad_totals_are_usage_errors(total: Any) -> None:
    with pytest.raises(UsageError, match="non-negative integer"):
        plan(total, ABC, None)


def test_negative_capacity_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="capacity of cluster 'A'"):
        plan(3, ABC, None, capacity={"A": -1})


def test_preferences_model_is_accepted_as_is() -> None:
    parsed = parse_preferences(prefs({"A": w(1), "B": w(3)}))
    assert plan(8, ["A", "B"], parsed) == ({"A": 2, "B": 6}, {})


# --- properties ---------------------------------------------------------------------------

NAMES = st.lists(st.text("abcdefgh-", min_size=1, max_size=6), min_size=0, max_size=8, unique=True)
COUNT = st.integers(min_value=0, max_value=60)


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    clusters = draw(NAMES)
    entries = {}
    for name in [*clusters, "*"]:
        if draw(st.booleans()):
            low = draw(COUNT)
            high = draw(st.none() | st.integers(min_value=low, max_value=80))
            entries[name] = {"minReplicas": low, "maxReplicas": high, "weight": draw(COUNT)}
    return {
        "total": draw(st.integers(min_value=0, max_value=300)),
        "clusters": clusters,
        "preferences": {"rebalance": draw(st.booleans()), "clusters": entries},
        "current": {c: draw(COUNT) for c in clusters if draw(st.booleans())},
        "capacity": {c: draw(COUNT) for c in clusters if draw(st.booleans())},
        "key": draw(st.sampled_from(["", "default/web", "ns/x"])),
    }


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_plan_never_exceeds_total_and_respects_caps(case: dict[str, Any]) -> None:
    placement, overflow = plan(**case)
    entries = case["preferences"]["clusters"]
    assert list(placement) == case["clusters"]
    assert sum(placement.values()) <= case["total"]
    for name, count in placement.items():
        entry = entries.get(name, entries.get("*"))
        if entry is None:
            assert count == 0
            continue
        if entry["maxReplicas"] is not None:
            assert count <= entry["maxReplicas"]
        if name in case["capacity"]:
            assert count <= case["capacity"][name]
    assert all(extra > 0 and name in case["capacity"] for name, extra in overflow.items())


@settings(max_examples=200, deadline=None)
@given(NAMES.filter(bool), st.integers(min_value=0, max_value=10_000), st.booleans())
def test_unbounded_positive_weights_place_everything(
    clusters: list[str], total: int, rebalance: bool
) -> None:
    placement, overflow = plan(total, clusters, prefs({"*": w(2)}, rebalance))
    assert sum(placement.values()) == total
    share = -(-total // len(clusters))  # rounded up, as upstream: 4 over 3 is 2/2/0
    assert all(count <= share for count in placement.values())
    assert overflow == {}


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_plan_is_deterministic_and_text_equals_dict(case: dict[str, Any]) -> None:
    as_text = {**case, "preferences": json.dumps(case["preferences"])}
    assert plan(**case) == plan(**as_text)
