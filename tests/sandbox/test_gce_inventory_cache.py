"""The emulated project derives its resources once per change, not once per read."""

from __future__ import annotations

from typing import Any

import pytest

from kubectl_fed.sandbox.gce import Backend, GceState, Instance, LoadBalancerSpec
from kubectl_fed.sandbox.gce.resources import Inventory, derive

UID = "ff1107f83ed600c0"
BACKEND = f"k8s-be-30301--{UID}"
GROUP = f"k8s-ig--{UID}"


def spec(cluster: str, *ports: int, ready: bool = True) -> LoadBalancerSpec:
    ports = ports or (30301,)
    return LoadBalancerSpec(
        cluster=cluster,
        namespace="default",
        name="myingress",
        uid=UID,
        firewall_uid="",
        backends=tuple(Backend(port, "default/nginx", "80") for port in ports),
        instances=(Instance(f"{cluster}-node", f"{cluster}-a", "10.0.0.1"),),
        ready_ports=frozenset(ports) if ready else frozenset(),
    )


@pytest.fixture
def derivations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the derivations of the whole inventory."""
    counted: list[int] = []

    def counting(*args: Any) -> Inventory:
        counted.append(1)
        return derive(*args)

    monkeypatch.setattr("kubectl_fed.sandbox.gce.state.derive", counting)
    return counted


def group(gce: GceState, cluster: str) -> str:
    return gce.links.of("instanceGroups", GROUP, f"{cluster}-a")


def test_reads_between_unchanged_resyncs_share_one_derivation(derivations: list[int]) -> None:
    gce = GceState()
    clusters = [f"cluster-{i}" for i in range(20)]
    for cluster in clusters:
        gce.sync_load_balancer(spec(cluster))
    first = gce.get_resource("backendServices", BACKEND)
    for cluster in clusters:
        gce.sync_load_balancer(spec(cluster))  # GLBC's resync: the same spec again
        health = gce.group_health(BACKEND, group(gce, cluster))
        assert health is not None and health[0]["healthState"] == "HEALTHY"
    assert gce.get_resource("backendServices", BACKEND) == first
    assert len(derivations) == 1


def test_every_change_shows_in_the_next_read() -> None:
    gce = GceState()
    gce.sync_load_balancer(spec("us-central1"))
    assert [b["name"] for b in gce.list_resources("backendServices")] == [BACKEND]
    gce.sync_load_balancer(spec("us-central1", 30301, 30302))
    assert len(gce.list_resources("backendServices")) == 2
    gce.sync_load_balancer(spec("us-central1", 30301, 30302, ready=False))
    health = gce.group_health(BACKEND, group(gce, "us-central1"))
    assert health is not None and health[0]["healthState"] == "UNHEALTHY"
    gce.edit_resource("backendServices", BACKEND, {"timeoutSec": 5})
    edited = gce.get_resource("backendServices", BACKEND)
    assert edited is not None and edited["timeoutSec"] == 5
    gce.undo_edits()
    restored = gce.get_resource("backendServices", BACKEND)
    assert restored is not None and restored["timeoutSec"] == 30
    gce.release_load_balancer("us-central1", "default", "myingress")
    assert gce.list_resources("backendServices") == []
    assert gce.list_resources("addresses") == []


def test_reachability_is_probed_at_every_health_read() -> None:
    gce = GceState()
    reachable = {"value": True}
    gce.set_reachability("us-central1", lambda: reachable["value"])
    gce.sync_load_balancer(spec("us-central1"))
    link = group(gce, "us-central1")
    assert [h["healthState"] for h in gce.group_health(BACKEND, link) or []] == ["HEALTHY"]
    reachable["value"] = False
    assert [h["healthState"] for h in gce.group_health(BACKEND, link) or []] == ["UNHEALTHY"]


def test_changing_an_answer_does_not_change_the_next_one() -> None:
    gce = GceState()
    gce.sync_load_balancer(spec("us-central1"))
    answer = gce.get_resource("backendServices", BACKEND)
    assert answer is not None
    answer["backends"][0]["group"] = "elsewhere"
    answer["healthChecks"].clear()
    again = gce.get_resource("backendServices", BACKEND)
    assert again is not None
    assert again["backends"][0]["group"] == group(gce, "us-central1")
    assert len(again["healthChecks"]) == 1
    assert gce.has_resource("backendServices", BACKEND)
    assert not gce.has_resource("backendServices", "k8s-be-1--nope")
