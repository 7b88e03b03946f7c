"""The CI step in examples/ci/ against a sandbox: it passes, and it fails for the right reasons."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kubectl_fed.sandbox.federation import SandboxFederation

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "examples" / "ci" / "check-federation.sh"

pytestmark = [
    pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed"),
    pytest.mark.subprocess,
]


def run_step(manifests: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # the step calls kubectl-fed by name: the one installed beside this interpreter
    scripts = str(Path(sys.executable).parent)
    return subprocess.run(
        ["bash", str(SCRIPT), str(manifests)],
        env={**env, "PATH": os.pathsep.join([scripts, env.get("PATH", "")])},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_ci_step_passes_on_a_healthy_federation(
    sandbox: SandboxFederation, fed_env: dict[str, str]
) -> None:
    result = run_step(REPO / "examples", fed_env)
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines() if "\t" in line]
    assert [row[:2] for row in rows] == [[name, "myingress"] for name in sandbox.names]
    assert len({row[2] for row in rows}) == 1 and rows[0][2] != "pending"
    for cluster in sandbox.clusters:
        assert cluster.store.get("ingresses", "default", "myingress")


def test_ci_step_stops_on_invalid_manifests_before_any_write(
    sandbox: SandboxFederation, fed_env: dict[str, str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.yaml").write_text("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: x}\n")
    result = run_step(bad, fed_env)
    assert result.returncode == 2
    assert "ci: the manifests are invalid; nothing was sent" in result.stderr
    assert all(not cluster.requests.writes() for cluster in sandbox.clusters)


def test_ci_step_fails_when_a_member_is_down(
    sandbox: SandboxFederation, fed_env: dict[str, str]
) -> None:
    sandbox.cluster("asia-east1").fail("unreachable")
    result = run_step(REPO / "examples", fed_env)
    assert result.returncode == 1
    assert "error: cluster asia-east1" in result.stderr
    assert "ci: some member clusters were not updated" in result.stderr
