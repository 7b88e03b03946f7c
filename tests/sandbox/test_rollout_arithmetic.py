"""The rollout arithmetic, template hash and Deployment validation, checked without a cluster.

Expected numbers follow pkg/controller/deployment/util/deployment_util.go of Kubernetes v1.32
and the proportional-scaling example of the Deployment documentation.
"""

from __future__ import annotations

from typing import Any

import pytest

from kubectl_fed.sandbox.apiserver.kinds import KINDS
from kubectl_fed.sandbox.apiserver.validation import validate
from kubectl_fed.sandbox.controllers import pod_templates, rollout

Obj = dict[str, Any]


def deployment(replicas: int, surge: Any = "25%", unavailable: Any = "25%") -> Obj:
    rolling = {"maxSurge": surge, "maxUnavailable": unavailable}
    return {
        "metadata": {"name": "web", "generation": 1},
        "spec": {
            "replicas": replicas,
            "strategy": {"type": "RollingUpdate", "rollingUpdate": rolling},
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx"}]},
            },
        },
        "status": {},
    }


def replica_set(name: str, size: int, created: str, max_replicas: int | None = None) -> Obj:
    annotations = {} if max_replicas is None else {rollout.MAX_REPLICAS: str(max_replicas)}
    return {
        "metadata": {"name": name, "creationTimestamp": created, "annotations": annotations},
        "spec": {"replicas": size},
    }


@pytest.mark.parametrize(
    ("replicas", "surge", "unavailable", "expected"),
    [
        (3, "25%", "25%", (1, 0)),  # surge rounds up, unavailable down
        (10, "25%", "25%", (3, 2)),
        (4, 0, "0%", (0, 1)),  # both zero: one may be unavailable
        (5, 2, 1, (2, 1)),
        (2, "100%", "100%", (2, 2)),
    ],
)
def test_fenceposts(replicas: int, surge: Any, unavailable: Any, expected: tuple[int, int]) -> None:
    assert rollout.fenceposts(deployment(replicas, surge, unavailable)) == expected


def test_new_replica_set_grows_within_the_surge() -> None:
    spec = deployment(10)  # surge 3
    old, new = replica_set("old", 10, "1"), replica_set("new", 0, "2")
    assert rollout.new_replicas(spec, [old, new], new) == 3
    old["spec"]["replicas"] = 8
    new["spec"]["replicas"] = 3
    assert rollout.new_replicas(spec, [old, new], new) == 5
    new["spec"]["replicas"] = 5
    assert rollout.new_replicas(spec, [old, new], new) == 5  # 13 already: no room


def test_a_resize_mid_rollout_is_spread_proportionally() -> None:
    """The documentation's example: 10 replicas, maxSurge 3, maxUnavailable 2, a rollout
    stuck at 8 old and 5 new, scaled to 15: 3 more for the old set and 2 for the new one."""
    spec = deployment(15, surge=3, unavailable=2)
    old = replica_set("web-old", 8, "2026-01-01T00:00:00Z", max_replicas=13)
    new = replica_set("web-new", 5, "2026-01-01T00:01:00Z", max_replicas=13)
    assert rollout.proportional_sizes(spec, [old, new]) == ({"web-old": 11, "web-new": 7}, "up")
    smaller = deployment(5, surge=3, unavailable=2)
    sizes, direction = rollout.proportional_sizes(smaller, [old, new])
    assert direction == "down" and sum(sizes.values()) == 8


def test_status_counts_leave_zero_ones_out() -> None:
    spec = deployment(3)
    new = {**replica_set("new", 3, "2"), "status": {"replicas": 2, "availableReplicas": 1}}
    assert rollout.counts(spec, [new], new) == {
        "observedGeneration": 1,
        "replicas": 2,
        "updatedReplicas": 2,
        "availableReplicas": 1,
        "unavailableReplicas": 2,
    }


def test_the_template_hash_ignores_nulls_empty_maps_and_its_own_label() -> None:
    template = deployment(1)["spec"]["template"]
    value = pod_templates.template_hash(template)
    assert value and set(value) <= set("bcdfghjklmnpqrstvwxz2456789")
    as_undo_writes_it = {
        "metadata": {"creationTimestamp": None, "labels": {"app": "web", "pod-template-hash": "x"}},
        "spec": {**template["spec"], "securityContext": {}},
    }
    assert pod_templates.template_hash(as_undo_writes_it) == value
    assert pod_templates.equal_ignoring_hash(as_undo_writes_it, template)
    assert pod_templates.template_hash(template, collision_count=1) != value
    changed = {**template, "metadata": {"labels": {"app": "web", "tier": "x"}}}
    assert pod_templates.template_hash(changed) != value


def messages(obj: Obj) -> list[str]:
    return [str(error) for error in validate(KINDS["deployments"], obj)]


def test_deployment_validation_speaks_upstream() -> None:
    zero = deployment(2, surge=0, unavailable=0)
    assert messages(zero) == [
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "
        'intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0'
    ]
    bad_percent = deployment(2, surge="lots")
    assert messages(bad_percent) == [
        "spec.strategy.rollingUpdate.maxSurge: Invalid value: "
        'intstr.IntOrString{Type:1, IntVal:0, StrVal:"lots"}: a valid percent string must be a '
        "numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for "
        "validation is '[0-9]+%')"
    ]
    no_selector = deployment(1)
    del no_selector["spec"]["selector"]
    assert messages(no_selector) == ["spec.selector: Required value"]
    recreate = deployment(1)
    recreate["spec"]["strategy"]["type"] = "Recreate"
    assert messages(recreate) == [
        "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is "
        "'Recreate'"
    ]
    blue = deployment(1)
    blue["spec"]["strategy"] = {"type": "BlueGreen"}
    assert messages(blue) == [
        'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", '
        "RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "
        '"Recreate", "RollingUpdate"'
    ]
