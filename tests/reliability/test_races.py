"""Racing runs, real processes against the sandbox: what each verb guarantees when two
runs change the same thing at once (docs/reliability.md, "Races").

- two `join` of different contexts: both members end in the file (a lock serialises the
  read-modify-write), and a symlinked membership file stays a symlink;
- two `create` of the same object with different content: in each member exactly one
  wins, the other gets AlreadyExists there, and nothing is overwritten.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
import yaml

from reliability.helpers import World, check_output, service_yaml, write

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
    results = []
    for process in processes:
        try:
            out, err = process.communicate(timeout=LIMIT)
        finally:
            process.kill()
            process.wait()
        check_output(out, err)
        results.append((process.returncode, out, err))
    return results


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
