"""The benchmark harness still runs end to end (its quickest mode; no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.subprocess

BENCH = Path(__file__).resolve().parents[2] / "bench" / "run.py"
GET_TOOLS = ["kubectl fed", "sequential kubectl", "parallel kubectl", "one kubectl get"]


@pytest.mark.kubectl
def test_bench_runs_on_two_clusters_once(tmp_path: Path, kubectl_path: str) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--clusters",
            "2",
            "--latency",
            "0",
            "--runs",
            "1",
            "--out",
            str(tmp_path),
            "--conditions",
            "smoke test",
        ],
        capture_output=True,
        text=True,
        timeout=110,
    )
    assert done.returncode == 0, done.stderr
    [result_file] = tmp_path.glob("*.json")
    results = json.loads(result_file.read_text())
    assert results["failures"] == []
    [get_row] = results["get"]
    assert (get_row["clusters"], get_row["latency_ms"]) == (2, 0)
    assert list(get_row["tools"]) == GET_TOOLS
    assert all(tool["runs"] == 1 and tool["median_s"] > 0 for tool in get_row["tools"].values())
    assert get_row["tools"]["kubectl fed"]["peak_rss_mb"] > 10
    assert set(get_row["ratios"]) == {f"vs {tool}" for tool in GET_TOOLS[1:]}
    [verb_row] = results["verbs"]
    assert {"create -f examples", "describe ingress", "delete -f examples"} <= set(
        verb_row["verbs"]
    )
    [describe_row] = results["describe"]
    assert set(describe_row["tools"]) == {
        "kubectl fed describe",
        "kubectl fed doctor",
        "sequential kubectl describe",
    }
    costs = describe_row["costs"]
    assert list(costs) == ["create -f examples", "describe ingress", "doctor", "delete -f examples"]
    assert costs["describe ingress"]["per_member_max"] == 5  # each read once per member
    assert costs["describe ingress"]["gce"] > 0 and costs["doctor"]["gce"] > 0
    assert all(cost["peak_rss_mb"] > 10 for cost in costs.values())
    assert set(results["cold_start"]) == {
        "kubectl fed --help",
        "kubectl fed version",
        "kubectl version --client",
    }
    assert [row["name"].split(":")[0] for row in results["planner"]][-1].startswith("node ports")
    assert results["meta"]["conditions"] == "smoke test"
    assert results["meta"]["cpus"] >= 1
    assert {row["target"] for row in results["targets"]} >= {"kubectl fed --help (median)"}
    report = result_file.with_suffix(".md").read_text()
    assert "## get ingress -A" in report and "| 2 | 0 ms |" in report
    assert report in done.stdout


def test_reconcile_bench_runs_on_two_clusters_once(tmp_path: Path) -> None:
    script = BENCH.parent / "reconcile_bench.py"
    args = ["--clusters", "2", "--runs", "1", "--out", str(tmp_path)]
    done = subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, timeout=110
    )
    assert done.returncode == 0, done.stderr
    [result_file] = tmp_path.glob("*-reconcile.json")
    result = json.loads(result_file.read_text())
    assert (result["clusters"], result["objects_per_member"], result["writes"]) == (2, 10, 0)
    assert result["requests_per_pass"] == 8 and result["met"] is True  # 4 lists per member
    assert "| writes | 0 | 0 |" in done.stdout
