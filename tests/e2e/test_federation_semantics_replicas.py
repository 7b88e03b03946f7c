"""`scale rs`, `rebalance rs` and `get rs` against a 3-cluster sandbox: shares follow the
planner, move off a member that fails and back when it heals, respect capacity."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kubectl_fed.planner import plan, scheduled_replicas
from kubectl_fed.sandbox.controllers.wiring import SimulationOptions
from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.fed import Fed
from tests.support.manifests import manifest_file, replicaset_yaml
from tests.support.members import ASIA, EU, US
from tests.support.polling import eventually

pytestmark = pytest.mark.sandbox

WEIGHTS = {"clusters": {US: {"weight": 1}, EU: {"weight": 2}, ASIA: {"weight": 2}}}
KEY = "default/web"


def shares(fed: Fed, name: str = "web") -> dict[str, int]:
    return {c: fed.objects(c, "replicasets")[name]["spec"]["replicas"] for c in fed.names}


def totals(fed: Fed, name: str = "web") -> set[str]:
    return {
        fed.objects(c, "replicasets")[name]["metadata"]["annotations"][
            "kubectl-fed.io/total-replicas"
        ]
        for c in fed.names
    }


def placement(moves: dict[str, tuple[int, int]]) -> list[list[str]]:
    """The words of the table scale and rebalance print: each member's replicas before and
    after, then the totals."""
    rows = [[cluster, str(before), str(after)] for cluster, (before, after) in moves.items()]
    before, after = (sum(move[side] for move in moves.values()) for side in (0, 1))
    return [["CLUSTER", "BEFORE", "AFTER"], *rows, ["TOTAL", str(before), str(after)]]


def create_web(fed: Fed, tmp_path: Path, replicas: int = 10) -> None:
    path = manifest_file(tmp_path, "rs.yaml", [replicaset_yaml("web", replicas, WEIGHTS)])
    created = fed.run("create", "-f", path)
    assert created.status == 0, created.err
    assert shares(fed) == plan(replicas, fed.names, WEIGHTS, key=KEY)[0]


def test_scale_replans_and_records_the_total(fed: Fed, tmp_path: Path) -> None:
    create_web(fed, tmp_path)
    assert shares(fed) == {US: 2, EU: 4, ASIA: 4}
    fed.clear_requests()
    shown = fed.run("scale", "rs", "web", "--replicas", "20", "--dry-run")
    assert shown.status == 0, shown.err
    assert [line.split() for line in shown.out_lines] == [
        *placement({US: (2, 4), EU: (4, 8), ASIA: (4, 8)}),
        *([f"{c}:", "replicaset.apps/web", "scaled", "(dry", "run)"] for c in (US, EU, ASIA)),
    ]
    assert fed.writes() == {cluster: [] for cluster in fed.names}

    scaled = fed.run("scale", "rs/web", "--replicas", "20")
    assert scaled.status == 0, scaled.err
    current = {US: 2, EU: 4, ASIA: 4}
    assert shares(fed) == plan(20, fed.names, WEIGHTS, current=current, key=KEY)[0]
    assert shares(fed) == {US: 4, EU: 8, ASIA: 8}
    assert totals(fed) == {"20"}
    assert scaled.out_lines[-3:] == [f"{c}: replicaset.apps/web scaled" for c in fed.names]


def test_scale_and_rebalance_bad_input_is_exit_2(fed: Fed) -> None:
    fed.clear_requests()
    for args in (
        ("scale", "svc", "web", "--replicas", "2"),
        ("scale", "rs", "--replicas", "2"),
        ("scale", "rs", "web", "--replicas", "-1"),
        ("rebalance", "ingress/web"),
    ):
        result = fed.run(*args)
        assert result.status == 2, args
        assert result.err_lines[0].startswith("error: "), args
    assert fed.writes() == {cluster: [] for cluster in fed.names}
    missing = fed.run("rebalance", "rs", "nothing")
    assert missing.status == 1
    assert missing.err_lines == [
        'error: replicasets.apps "nothing" not found in any reachable member cluster'
    ]


def test_rebalance_moves_replicas_off_a_failed_member_and_back(fed: Fed, tmp_path: Path) -> None:
    create_web(fed, tmp_path)
    fed.sandbox.cluster(ASIA).fail("unreachable")
    moved = fed.run("rebalance", "rs", "web", "--request-timeout", "2")
    assert moved.status == 0, moved.err
    survivors = plan(10, [US, EU], {**WEIGHTS, "rebalance": True}, key=KEY)[0]
    assert survivors == {US: 3, EU: 7}
    assert [line.split() for line in moved.out_lines] == [
        ["CLUSTER", "BEFORE", "AFTER"],
        [US, "2", "3"],
        [EU, "4", "7"],
        [ASIA, "-", "0", "unreachable"],
        ["TOTAL", "6", "10"],
        [f"{US}:", "replicaset.apps/web", "rebalanced"],
        [f"{EU}:", "replicaset.apps/web", "rebalanced"],
    ]
    assert moved.err_lines == [
        f"note: {ASIA} did not answer (unreachable): its share of the 10 replicas moved to the "
        f"others ({US} 3, {EU} 7); rebalance again once it is back, or keep "
        "`kubectl fed reconcile --watch` running"
    ]
    assert {c: shares(fed)[c] for c in (US, EU)} == survivors

    fed.sandbox.cluster(ASIA).heal()
    back = fed.run("rebalance", "rs", "web")
    assert back.status == 0, back.err
    assert shares(fed) == {US: 2, EU: 4, ASIA: 4}
    assert totals(fed) == {"10"}

    again = fed.run("rebalance", "rs", "web")
    assert again.status == 0
    assert [line.split()[0] for line in again.out_lines] == ["CLUSTER", US, EU, ASIA, "TOTAL"]


def test_rebalance_caps_a_member_at_its_capacity(
    sandbox_factory: Callable[..., SandboxFederation], tmp_path: Path
) -> None:
    options = SimulationOptions(capacities={ASIA: 3}, ready_delay=0)
    small = sandbox_factory(clusters=3, simulation=options)
    env = {
        "KUBECONFIG": str(small.kubeconfig_path),
        "KUBECTL_FED_CONFIG": str(small.membership_path),
        "HOME": str(tmp_path / "home"),
    }
    fed = Fed(small, env)
    create_web(fed, tmp_path)
    assert eventually(lambda: len(pending(fed, ASIA)) == 1)
    rebalanced = fed.run("rebalance", "rs", "web")
    assert rebalanced.status == 0, rebalanced.err
    placement, overflow = plan(
        10, fed.names, {**WEIGHTS, "rebalance": True}, capacity={ASIA: 3}, key=KEY
    )
    # As Federation v1: the member keeps its unschedulable replica (welcome if room
    # appears) and the others take over the share it cannot run.
    assert shares(fed) == scheduled_replicas(placement, overflow) == {US: 2, EU: 5, ASIA: 4}


def pending(fed: Fed, cluster: str) -> list[str]:
    pods = fed.sandbox.cluster(cluster).store.list("pods", "default")
    return [
        pod["metadata"]["name"]
        for pod in pods
        if any(
            c.get("reason") == "Unschedulable" for c in pod.get("status", {}).get("conditions", [])
        )
    ]


def test_get_rs_prints_kubectls_table_and_the_shares_on_request(fed: Fed, tmp_path: Path) -> None:
    create_web(fed, tmp_path)
    fed.sandbox.cluster(EU).store.patch("replicasets", "default", "web", {"spec": {"replicas": 7}})
    listed = fed.run("get", "rs", "web")
    assert listed.status == 0, listed.err
    assert "\n\n" not in listed.out  # one table, as kubectl prints it
    assert listed.out_lines[0].split() == ["CLUSTER", "NAME", "DESIRED", "CURRENT", "READY", "AGE"]
    assert [line.split()[:3] for line in listed.out_lines[1:]] == [
        [US, "web", "2"],
        [EU, "web", "7"],
        [ASIA, "web", "4"],
    ]
    assert listed.err_lines == [
        f"warning: replicaset default/web: the members ask for 13 replicas ({US} 2, {EU} 7, "
        f"{ASIA} 4), the federation wants 10: kubectl fed reconcile rs web"
    ]

    wide = fed.run("get", "rs", "web", "-o", "wide")
    assert wide.status == 0 and "\n\n" not in wide.out
    assert wide.out_lines[0].split()[-4:] == ["IMAGES", "SELECTOR", "PLANNED", "FED-TOTAL"]
    assert [line.split()[-2:] for line in wide.out_lines] == [
        ["PLANNED", "FED-TOTAL"],
        ["2", "10"],
        ["4", "10"],
        ["4", "10"],
    ]

    summary = fed.run("get", "rs", "web", "--summary")
    assert summary.status == 0 and summary.err_lines == listed.err_lines
    objects, shares = summary.out.split("\n\n")
    assert [line.split() for line in objects.splitlines()] == [
        ["NAME", "MEMBERS", "ADDRESS"],
        ["replicaset.apps/web", "3/3", "<none>"],
    ]
    assert [line.split() for line in shares.splitlines()] == [
        ["REPLICASET", "CLUSTER", "DESIRED", "PLANNED"],
        ["web", US, "2", "2"],
        ["web", EU, "7", "4"],
        ["web", ASIA, "4", "4"],
        ["web", "TOTAL", "13", "10"],
    ]


def test_rebalance_without_the_right_to_list_pods_keeps_the_member(
    fed: Fed, tmp_path: Path
) -> None:
    create_web(fed, tmp_path)
    fed.sandbox.cluster(EU).access.deny("list", "pods")
    kept = fed.run("rebalance", "rs", "web")
    assert kept.status == 0, kept.err
    assert [line.split() for line in kept.out_lines] == placement(
        {US: (2, 2), EU: (4, 4), ASIA: (4, 4)}
    )
