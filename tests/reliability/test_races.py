"""Racing runs, real processes against the sandbox: what each verb guarantees when two
runs change the same thing at once (docs/reliability.md, "Concurrency and races").

- two `join` of different contexts: both members end in the file (a lock serialises the
  read-modify-write), and a symlinked membership file stays a symlink;
- two `create` of the same object with different content: in each member exactly one
  wins, the other gets AlreadyExists there, and nothing is overwritten;
- two `scale` of one ReplicaSet: each member ends with one run's share, and scaling
  again converges (two `apply`: test_concurrency.py).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import yaml

from tests.reliability.helpers import World, finish
from tests.support.manifests import replicaset_yaml, service_yaml, write

pytestmark = pytest.mark.subprocess

TRIALS = 4
LIMIT = 120.0


def start(world: World, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kubectl_fed", *args],
        env={**world.process_env(), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def together(
    world: World, runs: Sequence[Sequence[str]], env: dict[str, str] | None = None
) -> list[tuple[int, str, str]]:
    """Start every run at once; (status, stdout, stderr) of each."""
    processes = [start(world, env or {}, *args) for args in runs]
    return [finish(process, LIMIT) for process in processes]


@pytest.mark.parametrize("trial", range(TRIALS))
def test_two_joins_at_once_both_land(world: World, tmp_path: Path, trial: int) -> None:
    real = tmp_path / "real" / "kubectl-fed.yaml"
    real.parent.mkdir()
    link = tmp_path / "kubectl-fed.yaml"
    link.symlink_to(real)
    first, second = world.names[:2]
    env = {"KUBECTL_FED_CONFIG": str(link)}
    results = together(world, [["join", first], ["join", second]], env)
    for (status, out, err), name in zip(results, (first, second), strict=True):
        assert status == 0, err
        assert f'context "{name}" joined federation "default"' in out
    assert link.is_symlink() and link.resolve() == real
    document = yaml.safe_load(real.read_text())
    assert sorted(document["federations"]["default"]["members"]) == sorted([first, second])


def selector_yaml(name: str, version: str) -> str:
    return service_yaml(name, version=version).replace(
        f"  selector:\n    app: {name}\n", f"  selector:\n    app: {name}\n    version: {version}\n"
    )


@pytest.fixture
def slow_members(world: World) -> Iterator[None]:
    """Every member answers 50 ms late: the two runs' reads and writes overlap."""
    for cluster in world.sandbox.clusters:
        cluster._api.latency_ms = 50
    yield
    for cluster in world.sandbox.clusters:
        cluster._api.latency_ms = 0


@pytest.mark.usefixtures("slow_members")
@pytest.mark.parametrize("trial", range(TRIALS))
def test_two_creates_at_once_never_overwrite(world: World, tmp_path: Path, trial: int) -> None:
    name = f"race-create-{trial}"
    paths = {v: write(tmp_path, f"{v}.yaml", selector_yaml(name, v)) for v in ("a", "b")}
    results = together(world, [["create", "-f", paths["a"]], ["create", "-f", paths["b"]]])
    try:
        for member in world.names:
            winners = [
                version
                for version, (_, out, _) in zip("ab", results, strict=True)
                if f"{member}: service/{name} created" in out
            ]
            losers = [
                version
                for version, (_, _, err) in zip("ab", results, strict=True)
                if f"error: cluster {member}: service default/{name}: already exists" in err
            ]
            assert len(winners) == 1 and len(losers) == 1, results  # never both "created"
            live = world.get(member, "services", name)
            assert live["spec"]["selector"]["version"] == winners[0]  # the winner's, intact
        for status, _, _ in results:
            assert status in (0, 1, 3)
        assert sorted(status for status, _, _ in results) != [0, 0], results
    finally:
        world.run("delete", "svc", name)


def planned_shares(out: str, members: Sequence[str]) -> dict[str, int]:
    """The AFTER column of the plan scale printed, by member."""
    rows = [line.split() for line in out.splitlines()]
    return {row[0]: int(row[2]) for row in rows if len(row) >= 3 and row[0] in members}


@pytest.mark.usefixtures("slow_members")
def test_two_scales_at_once_leave_each_member_one_runs_share(world: World, tmp_path: Path) -> None:
    """Each member ends with the share one of the runs gave it (no lost or mixed write
    inside a member); members may follow different runs, and scaling again converges."""
    name = "race-scale"
    assert (
        world.run("create", "-f", write(tmp_path, "rs.yaml", replicaset_yaml(name, 3))).status == 0
    )
    try:
        results = together(
            world,
            [["scale", "rs", name, "--replicas", "6"], ["scale", "rs", name, "--replicas", "9"]],
        )
        assert [status for status, _, _ in results] == [0, 0], results
        # a run that reads the other's first writes plans from them (keeping replicas
        # where they run), so the shares are the ones each run printed, not total // 3
        plans = [planned_shares(out, world.names) for _, out, _ in results]
        assert [sum(plan.values()) for plan in plans] == [6, 9], results
        for member in world.names:
            replicas = world.get(member, "replicasets", name)["spec"]["replicas"]
            assert replicas in {plan[member] for plan in plans}, (member, replicas, results)
        assert world.run("scale", "rs", name, "--replicas", "9").status == 0
        assert [world.get(m, "replicasets", name)["spec"]["replicas"] for m in world.names] == [
            3,
            3,
            3,
        ]
    finally:
        world.run("delete", "rs", name)
