"""A federated Ingress created while its first member (the one that goes first) fails:
the others get it and share one address; after heal, running again gives the first member
the same GLBC UID and the same address (not a second load balancer)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.reliability.helpers import World
from tests.support.manifests import ingress_yaml, node_port_service, write
from tests.support.members import US

LEADER = US
LIMIT = 30.0  # generous: the simulated GLBC answers within a second


def uid(world: World, cluster: str) -> str:
    configmap = world.sandbox.cluster(cluster).store.get("configmaps", "kube-system", "ingress-uid")
    return str(configmap["data"]["uid"])


def address(world: World, cluster: str) -> str | None:
    ingress = world.get(cluster, "ingresses", "web")
    points = ((ingress or {}).get("status") or {}).get("loadBalancer", {}).get("ingress") or []
    return str(points[0]["ip"]) if points else None


def addresses(world: World, clusters: list[str]) -> set[str | None]:
    end = time.monotonic() + LIMIT
    while any(address(world, c) is None for c in clusters) and time.monotonic() < end:
        time.sleep(0.05)
    return {address(world, c) for c in clusters}


@pytest.mark.parametrize("fault", ["unreachable", "error", "forbidden"])
def test_an_ingress_created_without_its_first_member_converges_after_heal(
    world: World, tmp_path: Path, fault: str
) -> None:
    service = write(tmp_path, "service.yaml", node_port_service("web", 80))
    ingress = write(tmp_path, "ingress.yaml", ingress_yaml("web", "web"))
    assert world.run("apply", "-f", service).status == 0
    others = [name for name in world.names if name != LEADER]
    world.sandbox.cluster(LEADER).fail(fault)
    try:
        run = world.run("create", "-f", ingress, "--request-timeout", "1")
    finally:
        world.sandbox.cluster(LEADER).heal()
    assert run.status == 3, run.err
    assert run.err.startswith(f"error: cluster {LEADER}: ")
    assert len(addresses(world, others)) == 1  # the others share one address
    assert len({uid(world, name) for name in others}) == 1

    again = world.run("create", "-f", ingress)
    assert all("already exists" in line for line in again.err_lines), again.err
    assert len({uid(world, name) for name in world.names}) == 1
    assert len(addresses(world, list(world.names))) == 1  # one load balancer, one IP
    assert world.run("delete", "-f", ingress, "--wait").status == 0
