"""Concurrent writers: no update is lost, and racing runs never leave node ports that
break the shared load balancer without saying so (docs/reliability.md, "Concurrency")."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubectl_fed.core.model.markers import TOTAL_REPLICAS_ANNOTATION
from kubectl_fed.sandbox.apiserver.errors import ApiError
from tests.reliability.helpers import World, finish
from tests.support.manifests import replicaset_yaml, service_yaml, write

pytestmark = pytest.mark.subprocess

TOUCH = "example.com/touched-by"
LIMIT = 60.0  # generous bound for a wait that normally takes well under a second


def touch(world: World, cluster: str, plural: str, name: str) -> None:
    """Another writer updates the object (with its resourceVersion, retrying on 409)."""
    store = world.sandbox.cluster(cluster).store
    while True:
        obj = store.get(plural, "default", name)
        obj["metadata"].setdefault("annotations", {})[TOUCH] = "other-writer"
        try:
            store.update(plural, "default", name, obj)
            return
        except ApiError as err:
            if err.code != 409:
                raise


def touch_after_read(world: World, plural: str, name: str, members: list[str]) -> threading.Thread:
    """A thread touching each of `members` as soon as it has answered a GET of the object."""

    def run() -> None:
        pending, end = set(members), time.monotonic() + LIMIT
        while pending and time.monotonic() < end:
            for cluster in list(pending):
                log = world.sandbox.cluster(cluster).requests
                if any(r.method == "GET" and r.path.endswith(f"/{name}") for r in log):
                    touch(world, cluster, plural, name)
                    pending.discard(cluster)
            time.sleep(0.001)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def slow_last_member(world: World) -> Iterator[str]:
    """The last member answers slowly: the others' reads are done well before any write."""
    last = world.sandbox.clusters[-1]
    last._api.latency_ms = 300
    yield last.name
    last._api.latency_ms = 0


def test_scale_keeps_an_update_made_between_its_read_and_its_write(
    world: World, tmp_path: Path, slow_last_member: str
) -> None:
    assert (
        world.run("create", "-f", write(tmp_path, "rs.yaml", replicaset_yaml("race", 3))).status
        == 0
    )
    world.clear_requests()
    touched = [name for name in world.names if name != slow_last_member]
    toucher = touch_after_read(world, "replicasets", "race", touched)
    run = world.run("scale", "rs", "race", "--replicas", "9")
    toucher.join(LIMIT)
    assert run.status == 0, run.err
    copies = {name: world.get(name, "replicasets", "race") for name in world.names}
    assert sum(c["spec"]["replicas"] for c in copies.values()) == 9
    for name in touched:  # the other writer's change survived: re-read, not overwritten
        annotations = copies[name]["metadata"]["annotations"]
        assert annotations[TOUCH] == "other-writer"
        assert annotations[TOTAL_REPLICAS_ANNOTATION] == "9"
        statuses = [r.status for r in world.sandbox.cluster(name).requests if r.method == "PUT"]
        assert statuses[0] == 409 and statuses[-1] == 200  # optimistic concurrency at work


def test_apply_keeps_an_update_made_by_another_writer(
    world: World, tmp_path: Path, slow_last_member: str
) -> None:
    first = write(tmp_path, "a.yaml", service_yaml("race-apply", version="a"))
    assert world.run("apply", "-f", first).status == 0
    world.clear_requests()
    toucher = touch_after_read(world, "services", "race-apply", list(world.names))
    run = world.run(
        "apply", "-f", write(tmp_path, "b.yaml", service_yaml("race-apply", version="b"))
    )
    toucher.join(LIMIT)
    assert run.status == 0, run.err
    for name in world.names:
        metadata = world.get(name, "services", "race-apply")["metadata"]
        assert metadata["labels"]["version"] == "b"
        assert metadata["annotations"][TOUCH] == "other-writer"


def start(world: World, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kubectl_fed", *args],
        env=world.process_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def latency(world: World) -> Iterator[None]:
    """Every request takes a while, so two runs started together overlap."""
    world.sandbox.set_latency(100)
    yield
    world.sandbox.set_latency(0)


def test_two_applies_racing_end_with_one_version_per_member(
    world: World, tmp_path: Path, latency: None
) -> None:
    versions = {"a": 80, "b": 81}
    paths = {
        v: write(tmp_path, f"{v}.yaml", service_yaml("race-two", port, version=v))
        for v, port in versions.items()
    }
    runs = [
        finish(process, LIMIT)
        for process in [start(world, "apply", "-f", paths[v]) for v in versions]
    ]
    assert [status for status, _, _ in runs] == [0, 0], runs
    finals = {}
    for name in world.names:  # each member holds exactly one run's version, never a mix
        obj = world.get(name, "services", "race-two")
        version = obj["metadata"]["labels"]["version"]
        assert [p["port"] for p in obj["spec"]["ports"]] == [versions[version]]
        finals[name] = version
    if len(set(finals.values())) > 1:  # members disagree: doctor says so
        assert_doctor_flags(world, "service default/race-two")
    assert world.run("apply", "-f", paths["b"]).status == 0
    assert {
        world.get(n, "services", "race-two")["metadata"]["labels"]["version"] for n in world.names
    } == {"b"}


def node_port_yaml(name: str) -> str:
    return service_yaml(name, version="a").replace("spec:\n", "spec:\n  type: NodePort\n", 1)


def node_ports(world: World, cluster: str) -> dict[str, int]:
    """Service name -> nodePort in one member (services with one)."""
    store = world.sandbox.cluster(cluster).store
    found: dict[str, int] = {}
    for service in store.list("services", "default"):
        for port in service["spec"].get("ports") or []:
            if port.get("nodePort"):
                found[service["metadata"]["name"]] = port["nodePort"]
    return found


def test_two_services_created_together_never_share_a_node_port(
    world: World, tmp_path: Path, latency: None
) -> None:
    paths = [write(tmp_path, f"{n}.yaml", node_port_yaml(n)) for n in ("np-a", "np-b")]
    runs = [
        finish(process, LIMIT) for process in [start(world, "create", "-f", path) for path in paths]
    ]
    for status, _, err in runs:  # a lost race is named: cluster, service, allocated port
        assert status in (0, 1, 3), err
        for line in err.splitlines():
            assert line.startswith("error: cluster ") and "already allocated" in line, err
    per_member = {name: node_ports(world, name) for name in world.names}
    for ports in per_member.values():  # never one node port for two services in a member
        assert len(set(ports.values())) == len(ports), per_member
    for service in ("np-a", "np-b"):  # a service has the same node port wherever it is
        assert len({ports[service] for ports in per_member.values() if service in ports}) <= 1
    for service in ("np-a", "np-b"):  # one that lost in some members only: doctor says so
        holders = [name for name, ports in per_member.items() if service in ports]
        if 0 < len(holders) < len(per_member):
            assert_doctor_flags(world, f"service default/{service}")
    again = world.run("apply", "-f", paths[0], "-f", paths[1])
    assert again.status == 0, again.err
    final = {name: node_ports(world, name) for name in world.names}
    assert len({ports["np-a"] for ports in final.values()}) == 1
    assert len({ports["np-b"] for ports in final.values()}) == 1
    assert final[world.names[0]]["np-a"] != final[world.names[0]]["np-b"]


def agree_on_glbc_uid(world: World) -> None:
    stores = [cluster.store for cluster in world.sandbox.clusters]
    uid = stores[0].get("configmaps", "kube-system", "ingress-uid")["data"]["uid"]
    for store in stores:
        configmap: dict[str, Any] = store.get("configmaps", "kube-system", "ingress-uid")
        configmap["data"]["uid"] = uid
        store.update("configmaps", "kube-system", "ingress-uid", configmap)


def assert_doctor_flags(world: World, subject: str) -> None:
    agree_on_glbc_uid(world)
    report = world.run("doctor", "--strict", "-o", "json")  # --strict: warnings fail too
    assert report.status == 1, report.out
    flagged = [c for c in report.json()["checks"] if c["status"] in ("warn", "fail")]
    assert any(subject in str(c.get("object")) for c in flagged), flagged


def test_doctor_flags_what_a_lost_race_can_leave(world: World, tmp_path: Path) -> None:
    """The two outcomes of a race, made on purpose: members with different versions of a
    Service, and a Service missing from members where another one took its node port."""
    a = write(tmp_path, "a.yaml", service_yaml("split", 80, version="a"))
    b = write(tmp_path, "b.yaml", service_yaml("split", 81, version="b"))
    first, *others = world.names
    assert world.run("apply", "-f", a, "--clusters", first).status == 0
    assert world.run("apply", "-f", b, "--clusters", ",".join(others)).status == 0
    assert (
        world.run(
            "create", "-f", write(tmp_path, "c.yaml", node_port_yaml("np-c")), "--clusters", first
        ).status
        == 0
    )
    assert_doctor_flags(world, "service default/split")
    assert_doctor_flags(world, "service default/np-c")
