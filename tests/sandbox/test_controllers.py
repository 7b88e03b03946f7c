"""Scheduler, kubelet, ReplicaSet and Endpoints controllers, observed over HTTPS."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client

from kubectl_fed.sandbox.controllers import SimulationOptions
from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.clients import api_client
from tests.support.manifests import workload_object
from tests.support.members import US
from tests.support.polling import eventually

pytestmark = pytest.mark.sandbox

CLUSTER = US


def start(tmp_path: Path, **options: Any) -> SandboxFederation:
    return SandboxFederation.start(
        clusters=1, directory=tmp_path, simulation=SimulationOptions(**options)
    )


@pytest.fixture
def factory(
    sandbox_factory: Callable[..., SandboxFederation],
) -> Callable[..., SandboxFederation]:
    """`factory(**simulation_options)`: a one-cluster sandbox, stopped after the test."""

    def make(**options: Any) -> SandboxFederation:
        return sandbox_factory(clusters=1, simulation=SimulationOptions(**options))

    return make


def api(sandbox: SandboxFederation) -> client.ApiClient:
    return api_client(sandbox, CLUSTER)


def replica_set(name: str, replicas: int) -> dict[str, Any]:
    container = {
        "name": "web",
        "image": "nginx:1.25",
        "ports": [{"name": "http", "containerPort": 8080}],
    }
    return workload_object("ReplicaSet", name, replicas, container)


def service(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {
            "type": "NodePort",
            "selector": {"app": name},
            "ports": [{"name": "web", "port": 80, "targetPort": "http"}],
        },
    }


def test_replicas_beyond_capacity_stay_pending_unschedulable(factory: Any) -> None:
    sandbox = factory(capacity=3, ready_delay=0)
    with api(sandbox) as kube:
        apps, core = client.AppsV1Api(kube), client.CoreV1Api(kube)
        nodes = core.list_node().items
        room: list[int] = [int(n.status.allocatable["pods"]) for n in nodes]
        assert sum(room) == 3
        apps.create_namespaced_replica_set("default", replica_set("nginx", 5))

        def settled() -> Any:
            rs = apps.read_namespaced_replica_set("nginx", "default")
            return rs if (rs.status.ready_replicas, rs.status.replicas) == (3, 5) else None

        rs = eventually(settled)
        assert rs.status.available_replicas == 3
        assert rs.status.fully_labeled_replicas == 5
        assert rs.status.observed_generation == rs.metadata.generation

        pods = core.list_namespaced_pod("default", label_selector="app=nginx").items
        assert len(pods) == 5
        assert all(
            p.metadata.name.startswith("nginx-") and len(p.metadata.name) == 11 for p in pods
        )
        assert all(p.metadata.owner_references[0].uid == rs.metadata.uid for p in pods)
        running = [p for p in pods if p.status.phase == "Running"]
        pending = [p for p in pods if p.status.phase == "Pending"]
        assert len(running) == 3 and len(pending) == 2
        zone = {n.metadata.name: n.metadata.labels["topology.kubernetes.io/zone"] for n in nodes}
        assert sorted(zone[p.spec.node_name] for p in running) == [f"{CLUSTER}-{z}" for z in "abc"]
        assert len({p.status.pod_ip for p in running}) == 3
        for pod in pending:
            assert pod.spec.node_name is None and pod.status.pod_ip is None
            (scheduled,) = [c for c in pod.status.conditions if c.type == "PodScheduled"]
            assert (scheduled.status, scheduled.reason) == ("False", "Unschedulable")
            assert scheduled.message.startswith("0/3 nodes are available: 3 Insufficient pods.")

        events = core.list_namespaced_event("default").items
        reasons = {(e.involved_object.kind, e.reason, e.source.component) for e in events}
        assert ("Pod", "FailedScheduling", "default-scheduler") in reasons
        assert ("ReplicaSet", "SuccessfulCreate", "replicaset-controller") in reasons

        # room on the nodes: the pending pods get scheduled and become ready
        sandbox.simulation.set_capacity(CLUSTER, 6)
        eventually(
            lambda: apps.read_namespaced_replica_set("nginx", "default").status.ready_replicas == 5
        )

        # scale down removes pods, deleting the ReplicaSet removes the rest
        apps.patch_namespaced_replica_set("nginx", "default", {"spec": {"replicas": 1}})

        def one_left() -> bool:
            return len(core.list_namespaced_pod("default", label_selector="app=nginx").items) == 1

        eventually(one_left)
        eventually(
            lambda: apps.read_namespaced_replica_set("nginx", "default").status.replicas == 1
        )


def endpoint_subsets(core: client.CoreV1Api, name: str) -> list[Any]:
    """The Service's endpoint subsets; none before the controller has written them."""
    try:
        return list(core.read_namespaced_endpoints(name, "default").subsets or [])
    except client.exceptions.ApiException as err:
        if err.status == 404:
            return []
        raise


@contextmanager
def serving(
    factory: Callable[..., SandboxFederation], name: str, replicas: int, ready_delay: float
) -> Iterator[tuple[SandboxFederation, client.AppsV1Api, client.CoreV1Api]]:
    """A one-cluster sandbox whose pods get ready after `ready_delay` seconds, serving a
    NodePort Service `name` from a ReplicaSet of `replicas` pods; with its API clients."""
    sandbox = factory(ready_delay=ready_delay)
    with api(sandbox) as kube:
        apps, core = client.AppsV1Api(kube), client.CoreV1Api(kube)
        core.create_namespaced_service("default", service(name))
        apps.create_namespaced_replica_set("default", replica_set(name, replicas))
        yield sandbox, apps, core


def settled_subsets(
    core: client.CoreV1Api, name: str, done: Callable[[list[Any]], bool]
) -> list[Any]:
    """The Service's endpoint subsets, once `done` holds for them."""

    def settled() -> list[Any] | None:
        subsets = endpoint_subsets(core, name)
        return subsets if done(subsets) else None

    return eventually(settled)


def test_endpoints_follow_pod_readiness(factory: Any) -> None:
    with serving(factory, "echo", 2, ready_delay=0) as (sandbox, apps, core):
        (subset,) = settled_subsets(
            core, "echo", lambda subsets: sum(len(s.addresses or []) for s in subsets) == 2
        )
        assert [(p.name, p.port, p.protocol) for p in subset.ports] == [("web", 8080, "TCP")]
        pods = {p.status.pod_ip: p for p in core.list_namespaced_pod("default").items}
        for address in subset.addresses:
            assert address.target_ref.kind == "Pod"
            assert address.target_ref.name == pods[address.ip].metadata.name
            assert address.node_name == pods[address.ip].spec.node_name

        apps.patch_namespaced_replica_set("echo", "default", {"spec": {"replicas": 0}})
        eventually(lambda: not core.read_namespaced_endpoints("echo", "default").subsets)

        # the client cannot parse a delete response into a Service; the store deletes it
        sandbox.cluster(CLUSTER).store.delete("services", "default", "echo")

        def endpoints_gone() -> bool:
            names = [e.metadata.name for e in core.list_namespaced_endpoints("default").items]
            return "echo" not in names

        eventually(endpoints_gone)


def test_pods_not_yet_ready_are_not_ready_addresses(factory: Any) -> None:
    with serving(factory, "slow", 1, ready_delay=3600) as (_, apps, core):
        (subset,) = settled_subsets(
            core, "slow", lambda subsets: bool(subsets and subsets[0].not_ready_addresses)
        )
        assert subset.addresses is None
        (pod,) = core.list_namespaced_pod("default", label_selector="app=slow").items
        assert pod.status.phase == "Pending" and pod.spec.node_name
        ready = next(c for c in pod.status.conditions if c.type == "Ready")
        assert (ready.status, ready.reason) == ("False", "ContainersNotReady")
        rs = apps.read_namespaced_replica_set("slow", "default")
        assert (rs.status.replicas, rs.status.ready_replicas) == (1, None)


def test_zones_are_configurable_and_controllers_stop_with_the_sandbox(tmp_path: Path) -> None:
    zones = {CLUSTER: ("us-central1-f", "us-central1-b")}
    sandbox = start(tmp_path, zones=zones, capacity=4)
    try:
        with api(sandbox) as kube:
            nodes = client.CoreV1Api(kube).list_node().items
        labels = sorted(n.metadata.labels["topology.kubernetes.io/zone"] for n in nodes)
        assert labels == ["us-central1-b", "us-central1-f", "us-central1-f"]
        assert sorted(int(n.status.allocatable["pods"]) for n in nodes) == [1, 1, 2]
    finally:
        sandbox.stop()
    names = [t.name for t in threading.enumerate()]
    assert not [n for n in names if n.startswith(("controllers-", "gce-emulator"))], names


def test_settle_returns_once_the_controllers_have_nothing_left_to_do(factory: Any) -> None:
    sandbox = factory(ready_delay=0)
    store = sandbox.cluster(CLUSTER).store
    store.create("replicasets", "default", replica_set("quick", 3))
    store.create("services", "default", service("quick"))
    assert sandbox.simulation.settle(timeout=20)
    status = store.get("replicasets", "default", "quick")["status"]
    assert (status["replicas"], status["readyReplicas"]) == (3, 3)
    (subset,) = store.get("endpoints", "default", "quick")["subsets"]
    assert len(subset["addresses"]) == 3
