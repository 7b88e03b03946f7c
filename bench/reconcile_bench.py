"""One `kubectl fed reconcile` pass with nothing to change: wall time and requests.

Starts a sandbox federation (200 members by default), federates 10 objects in each
(5 Services, 5 ReplicaSets) with `kubectl fed create`, runs one settling pass, then
times `kubectl fed reconcile` as a child process and counts, from the members' request
logs, the requests one pass sends (all reads: any write fails the benchmark).

    python bench/reconcile_bench.py                  # 200 members, 5 runs
    python bench/reconcile_bench.py --clusters 13 --runs 3 --out /some/dir
Target: at most 3 s at 200 members, reads only. Prints a Markdown summary and writes it,
with the raw numbers as JSON, to bench/results/<date>-reconcile.md and .json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from machine import describe_machine, load_average
from measure import BenchError, Series, peak_rss_mb, run_once

from kubectl_fed.sandbox.federation import SandboxFederation

RESULTS = Path(__file__).resolve().parent / "results"
OBJECTS = 5  # of each kind: 5 Services and 5 ReplicaSets, 10 federated objects
TARGET_SECONDS = 3.0


def manifests(members: int) -> str:
    documents = []
    for index in range(OBJECTS):
        name = f"bench-{index}"
        documents.append(
            f"apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\n"
            f"spec: {{type: NodePort, selector: {{app: {name}}}, ports: [{{port: 80}}]}}\n"
        )
        documents.append(
            f"apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {{name: {name}}}\n"
            f"spec:\n  replicas: {members}\n  selector: {{matchLabels: {{app: {name}}}}}\n"
            f"  template:\n    metadata: {{labels: {{app: {name}}}}}\n"
            f"    spec: {{containers: [{{name: web, image: 'nginx:1.27'}}]}}\n"
        )
    return "---\n".join(documents)


def requests_of(sandbox: SandboxFederation) -> tuple[int, int]:
    """(requests, writes) the members logged since their logs were cleared."""
    records = [r for cluster in sandbox.clusters for r in cluster.requests.records()]
    return len(records), sum(1 for record in records if record.mutating)


def clear(sandbox: SandboxFederation) -> None:
    for cluster in sandbox.clusters:
        cluster.requests.clear()


def measure(clusters: int, runs: int) -> dict[str, object]:
    fed = [sys.executable, "-m", "kubectl_fed"]
    with tempfile.TemporaryDirectory(prefix="kubectl-fed-bench-") as folder:
        sandbox = SandboxFederation.start(clusters=clusters, directory=Path(folder) / "sandbox")
        try:
            env = {
                **os.environ,
                "KUBECONFIG": str(sandbox.kubeconfig_path),
                "KUBECTL_FED_CONFIG": str(sandbox.membership_path),
            }
            path = Path(folder) / "objects.yaml"
            path.write_text(manifests(clusters))
            run_once([*fed, "create", "-f", str(path)], env)
            run_once([*fed, "reconcile"], env)  # settle: nothing should be left to do
            series = Series()
            counts = []
            for _ in range(runs):
                clear(sandbox)
                outcome = run_once([*fed, "reconcile"], env)
                if outcome.stdout.strip() != "0 changes":
                    raise BenchError(f"reconcile changed something: {outcome.stdout[:200]}")
                requests, writes = requests_of(sandbox)
                if writes:
                    raise BenchError(f"reconcile wrote {writes} times")
                counts.append(requests)
                series.add(outcome)
            series.peak_rss_mb = peak_rss_mb([*fed, "reconcile"], env)
            return {
                "clusters": clusters,
                "objects_per_member": 2 * OBJECTS,
                "requests_per_pass": max(counts),
                "requests_per_member": round(max(counts) / clusters, 2),
                "writes": 0,
                **series.summary(),
                "target_s": TARGET_SECONDS,
                "met": series.median <= TARGET_SECONDS,
                "machine": describe_machine(shutil.which("kubectl") or "kubectl", env),
                "load_average": load_average(),
            }
        finally:
            sandbox.stop()


def markdown(result: dict[str, object]) -> str:
    return "\n".join(
        [
            "# kubectl fed reconcile: one pass, nothing to change",
            "",
            f"{result['clusters']} members, {result['objects_per_member']} federated objects "
            f"each; load average at the end {result['load_average']}.",
            "",
            "| measure | value | target |",
            "| --- | --- | --- |",
            f"| wall time (median of {result['runs']}) | {result['median_s']} s "
            f"| <= {result['target_s']} s: {'met' if result['met'] else 'MISSED'} |",
            f"| requests per pass | {result['requests_per_pass']} "
            f"({result['requests_per_member']} per member) | reads only |",
            f"| writes | {result['writes']} | 0 |",
            f"| peak RSS | {result['peak_rss_mb']} MiB | |",
            "",
        ]
    )


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clusters", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    result = measure(args.clusters, args.runs)
    text = markdown(result)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = str(result["machine"]["date"])[:10]  # type: ignore[index]
    (args.out / f"{stamp}-reconcile.md").write_text(text)
    (args.out / f"{stamp}-reconcile.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
