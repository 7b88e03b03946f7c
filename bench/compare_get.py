"""`kubectl fed get ingress -A` of this checkout against another one, side by side.

For each cluster count a sandbox federation starts (the same five ingresses in every member
as `bench/run.py` seeds), then both checkouts' `python -m kubectl_fed get ingress -A` run
alternately, RUNS times each, as separate processes with the same interpreter and
environment (only PYTHONPATH differs). Prints medians, min-max and the ratio of the wall
times, the CPU time (user + system) each process used, and the load averages before and
after: on a busy machine the CPU times compare the two better than the wall times.

Run: python bench/compare_get.py --baseline DIR [--clusters 3,13,200] [--runs 9]
where DIR holds the other checkout's `kubectl_fed` package (e.g. `git archive main
kubectl_fed | tar -x -C DIR`).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from federation_suite import SEEDED_INGRESSES, seed_ingresses
from machine import load_average
from measure import run_once

from kubectl_fed.sandbox.federation import SandboxFederation

HERE = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--baseline", type=Path, required=True, help="the other checkout")
    parser.add_argument("--clusters", default="3,13,200")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    if not (args.baseline / "kubectl_fed" / "__init__.py").is_file():
        raise SystemExit(f"error: {args.baseline} has no kubectl_fed package")
    print(f"load average before: {load_average()}")
    print("| clusters | | this checkout | baseline | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for count in [int(part) for part in args.clusters.split(",")]:
        timed = compare(count, args.runs, args.baseline.resolve())
        for what in ("wall", "cpu"):
            ours, theirs = timed[(HERE, what)], timed[(args.baseline.resolve(), what)]
            ratio = statistics.median(ours) / statistics.median(theirs)
            print(f"| {count} | {what} | {_shown(ours)} | {_shown(theirs)} | {ratio:.2f}x |")
        sys.stdout.flush()
    print(f"load average after: {load_average()}")


def compare(count: int, runs: int, baseline: Path) -> dict[tuple[Path, str], list[float]]:
    """Seconds of wall and CPU time per run, by (checkout, "wall" or "cpu")."""
    with (
        tempfile.TemporaryDirectory(prefix="kubectl-fed-bench-") as scratch,
        SandboxFederation.start(clusters=count, directory=Path(scratch) / "s") as sandbox,
    ):
        seed_ingresses(sandbox)
        env = {key: value for key, value in os.environ.items() if key != "KUBECTL_FED_DEBUG"}
        env.update(
            HOME=str(Path(scratch) / "home"),
            KUBECONFIG=str(sandbox.kubeconfig_path),
            KUBECTL_FED_CONFIG=str(sandbox.membership_path),
        )
        argv = [sys.executable, "-m", "kubectl_fed", "get", "ingress", "-A"]
        lines = 1 + count * len(SEEDED_INGRESSES)
        timed: dict[tuple[Path, str], list[float]] = defaultdict(list)
        for index in range(runs + 1):  # the first round warms the page cache, untimed
            for tree in (HERE, baseline) if index % 2 else (baseline, HERE):
                cpu_before = _children_cpu()
                outcome = run_once(argv, {**env, "PYTHONPATH": str(tree)})
                if len(outcome.stdout.splitlines()) != lines:
                    raise SystemExit(f"error: {tree}: unexpected output")
                if index:
                    timed[(tree, "wall")].append(outcome.seconds)
                    timed[(tree, "cpu")].append(_children_cpu() - cpu_before)
        return timed


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _shown(samples: list[float]) -> str:
    return f"{statistics.median(samples):.3f} s ({min(samples):.3f}-{max(samples):.3f})"


if __name__ == "__main__":
    main()
