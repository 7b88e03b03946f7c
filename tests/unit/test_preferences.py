"""Parsing and validation of the replica-set-preferences annotation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kubectl_fed.core.replicas.preferences import (
    DEFAULT_PREFERENCES,
    PREFERENCES_ANNOTATION,
    ClusterPreference,
    ReplicaSetPreferences,
    parse_preferences,
    preferences_of,
)
from kubectl_fed.errors import UsageError
from kubectl_fed.exit_status import ExitStatus


def test_full_annotation_parses_into_the_typed_model() -> None:
    text = json.dumps(
        {
            "rebalance": True,
            "clusters": {
                "foo": {"minReplicas": 10, "maxReplicas": 50, "weight": 100},
                "*": {"weight": 1, "maxReplicas": None},
            },
        }
    )
    parsed = parse_preferences(text)
    assert parsed == ReplicaSetPreferences(
        clusters={
            "foo": ClusterPreference(min_replicas=10, max_replicas=50, weight=100),
            "*": ClusterPreference(weight=1),
        },
        rebalance=True,
    )
    assert parsed.for_cluster("foo") == ClusterPreference(10, 50, 100)
    assert parsed.for_cluster("bar") == ClusterPreference(weight=1)


def test_omitted_fields_take_upstream_defaults() -> None:
    parsed = parse_preferences({"clusters": {"a": {}}})
    assert parsed.rebalance is False
    assert parsed.for_cluster("a") == ClusterPreference(min_replicas=0, max_replicas=None, weight=0)
    assert parsed.for_cluster("b") is None


@pytest.mark.parametrize("value", [None, "", "   \n", {}, "{}"])
def test_absent_or_empty_means_the_default(value: Any) -> None:
    assert parse_preferences(value) == DEFAULT_PREFERENCES
    assert DEFAULT_PREFERENCES.to_json() == {
        "rebalance": False,
        "clusters": {"*": {"minReplicas": 0, "weight": 1}},
    }


def test_round_trip_through_json() -> None:
    parsed = parse_preferences(
        '{"rebalance": true, "clusters": {"a": {"weight": 2, "maxReplicas": 3}}}'
    )
    assert parse_preferences(parsed.to_json()) == parsed
    assert parse_preferences(parsed) is parsed


INVALID = [
    ('{"clusters": {', "not valid JSON: Expecting property name enclosed in double quotes"),
    ("[1, 2]", "expected a JSON object, got an array"),
    ('"text"', "expected a JSON object, got a string"),
    ('{"rebalance": "yes", "clusters": {}}', "rebalance: expected true or false, got a string"),
    ('{"rebalance": true}', '"clusters" is required'),
    ('{"clusters": []}', "clusters: expected an object, got an array"),
    ('{"clusters": {"a": 3}}', "clusters.a: expected an object, got a number"),
    ('{"clusters": {"": {"weight": 1}}}', "cluster names must be non-empty strings"),
    ('{"cluster": {}}', "unknown field cluster (known fields: rebalance, clusters)"),
    ('{"clusters": {"a": {"Weight": 1}}}', "unknown field clusters.a.Weight"),
    ('{"clusters": {"a": {"weight": -1}}}', "clusters.a.weight: must not be negative, got -1"),
    ('{"clusters": {"a": {"minReplicas": -2}}}', "clusters.a.minReplicas: must not be negative"),
    ('{"clusters": {"a": {"maxReplicas": -2}}}', "clusters.a.maxReplicas: must not be negative"),
    (
        '{"clusters": {"a": {"weight": 1.5}}}',
        "clusters.a.weight: expected a non-negative integer, got 1.5",
    ),
    ('{"clusters": {"a": {"weight": 2.0}}}', "expected a non-negative integer, got 2.0"),
    ('{"clusters": {"a": {"weight": "2"}}}', 'expected a non-negative integer, got "2"'),
    ('{"clusters": {"a": {"weight": true}}}', "expected a non-negative integer, got true"),
    ('{"clusters": {"a": {"weight": {}}}}', "expected a non-negative integer, got an object"),
    (
        '{"clusters": {"a": {"minReplicas": 5, "maxReplicas": 2}}}',
        "clusters.a: minReplicas 5 is greater than maxReplicas 2",
    ),
    ('{"clusters": {"a": {"weight": 9223372036854775808}}}', "is too large"),
    ('{"clusters": {"a": {}, "a": {"weight": 1}}}', "duplicate key 'a'"),
]


@pytest.mark.parametrize(("text", "message"), INVALID)
def test_invalid_annotations_are_one_line_usage_errors(text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_preferences(text)
    error = str(caught.value)
    assert error.startswith(f"invalid {PREFERENCES_ANNOTATION} annotation: ")
    assert message in error
    assert "\n" not in error
    assert caught.value.status == ExitStatus.USAGE


def test_dict_input_is_validated_like_text() -> None:
    with pytest.raises(UsageError, match=r"clusters\.b\.weight: must not be negative"):
        parse_preferences({"clusters": {"b": {"weight": -3}}})


def test_where_prefixes_the_message() -> None:
    with pytest.raises(UsageError, match=r"^replicaset prod/web: invalid federation"):
        parse_preferences("{", where="replicaset prod/web")


def test_preferences_of_reads_the_replicaset_annotation() -> None:
    annotation = '{"clusters": {"a": {"weight": 3}}}'
    replicaset = {
        "metadata": {
            "name": "web",
            "namespace": "prod",
            "annotations": {PREFERENCES_ANNOTATION: annotation},
        }
    }
    assert preferences_of(replicaset).for_cluster("a") == ClusterPreference(weight=3)
    assert preferences_of({"metadata": {"name": "web"}}) == DEFAULT_PREFERENCES
    replicaset["metadata"]["annotations"] = {PREFERENCES_ANNOTATION: "{oops"}
    with pytest.raises(UsageError, match=r"^replicaset prod/web: invalid .*not valid JSON"):
        preferences_of(replicaset)
