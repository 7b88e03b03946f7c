"""Property tests: whatever the input, the manifest loader, the preferences parser and the
label selector check answer with a result or our clean UsageError, never anything else."""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubectl_fed.core.manifests.load import Manifest, Source, load
from kubectl_fed.core.model.label_selector import selector_problem
from kubectl_fed.core.replicas.preferences import ReplicaSetPreferences, parse_preferences
from kubectl_fed.errors import UsageError
from tests.reliability.helpers import STATS
from tests.support.manifests import replicaset_yaml, service_yaml

EXAMPLES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = [
    "apiVersion",
    "kind",
    "metadata",
    "spec",
    "name",
    "namespace",
    "ports",
    "items",
    "replicas",
    "selector",
    "rules",
    "nodePort",
    "port",
    "annotations",
    "labels",
]
KINDS = ["Service", "Ingress", "ReplicaSet", "List", "ServiceList", "Deployment", ""]
VERSIONS = ["v1", "apps/v1", "networking.k8s.io/v1", "extensions/v1beta1", ""]
# objects shaped like manifests, so the checks past parsing are reached too
manifest_like = st.recursive(
    st.fixed_dictionaries(
        {"apiVersion": st.sampled_from(VERSIONS), "kind": st.sampled_from(KINDS)},
        optional={"metadata": json_values, "spec": json_values},
    ),
    lambda inner: st.dictionaries(st.sampled_from(FIELDS), inner | json_values, max_size=5),
    max_leaves=10,
)


def loads(label: str, text: str) -> list[Manifest] | None:
    """The loader's answer; None for a UsageError (any other exception fails the test)."""
    STATS["property examples"] += 1
    try:
        return load(
            [Source(label, text)], namespace_flag=None, default_namespace="default", verb="create"
        )
    except UsageError as err:
        assert str(err) and "\n" not in str(err)
        return None


@EXAMPLES
@given(st.text())
def test_any_text_loads_or_is_a_usage_error(text: str) -> None:
    loads("in.yaml", text)
    loads("in.json", text)


@EXAMPLES
@given(st.lists(manifest_like, min_size=1, max_size=3))
def test_any_manifest_shaped_document_loads_or_is_a_usage_error(documents: list[Any]) -> None:
    loads("in.yaml", yaml.safe_dump_all(documents))
    loads("in.json", json.dumps(documents[0]))


@EXAMPLES
@given(st.data())
def test_a_valid_manifest_cut_or_mangled_loads_or_is_a_usage_error(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from([service_yaml("web", version="a"), replicaset_yaml("web", 3)]))
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    insert = data.draw(st.text(alphabet=" -:{}[]&*!|>'\"\n\t#%@`,?0aZ", max_size=8))
    loaded = loads("in.yaml", text[:start] + insert + text[end:])
    assert loaded is None or all(m.name and m.namespace for m in loaded)


def parsed(value: Any) -> ReplicaSetPreferences | None:
    STATS["property examples"] += 1
    try:
        return parse_preferences(value, where="replicaset default/web")
    except UsageError as err:
        assert str(err).startswith("replicaset default/web: invalid ")
        return None


@EXAMPLES
@given(st.text() | json_values.map(json.dumps))
def test_any_preferences_text_parses_or_is_a_usage_error(text: str) -> None:
    parsed(text)


cluster_entries = st.dictionaries(
    st.sampled_from(["minReplicas", "maxReplicas", "weight", "other"]), scalars, max_size=4
)


@EXAMPLES
@given(
    st.fixed_dictionaries(
        {"clusters": st.dictionaries(st.text(max_size=5), cluster_entries | json_values)},
        optional={"rebalance": scalars},
    )
    | json_values
)
def test_any_preferences_object_parses_or_is_a_usage_error(value: Any) -> None:
    preferences = parsed(value)
    if preferences is not None:  # what parses is sane: no negatives, min <= max
        for preference in preferences.clusters.values():
            assert preference.min_replicas >= 0 and preference.weight >= 0
            maximum = preference.max_replicas
            assert maximum is None or preference.min_replicas <= maximum


@EXAMPLES
@given(st.text(alphabet="abc/.-_ =!,()<>0123456789 innotin", max_size=30) | st.text(max_size=30))
def test_any_label_selector_is_checked_without_crashing(selector: str) -> None:
    STATS["property examples"] += 1
    problem = selector_problem(selector)
    assert problem is None or "\n" not in problem
