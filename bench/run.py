"""`make bench`: kubectl fed against the kubectl workflows users have today, on sandboxes.

For each cluster count it starts a sandbox federation, then for each added latency times
`kubectl fed get ingress -A` against a sequential `kubectl --context` loop, parallel kubectl
processes (`xargs -P N`) and one `kubectl get`, then the verbs on the guide's manifests,
then `describe ingress` and `doctor` against a sequential `kubectl describe` loop, with
the requests and peak RSS of each verb. Also start-up time and the in-process planners.
Prints a Markdown report and writes it, with the raw numbers as JSON, to
bench/results/<date>[-<name>].md and .json.

    python bench/run.py                      # 3, 13, 50, 200 clusters; 0 and 50 ms; 5 runs
    python bench/run.py --quick              # 3 and 13 clusters, 3 runs
    python bench/run.py --clusters 2 --latency 0 --runs 1 --out /some/dir
Environment defaults: BENCH_CLUSTERS, BENCH_LATENCY, BENCH_RUNS, BENCH_CONDITIONS.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from describe_suite import describe_comparison
from federation_suite import Setting, Tools, get_comparison, seed_ingresses, verb_timings
from machine import describe_machine, load_average
from measure import BenchError, Series
from offline_suite import cold_start, planner_timings
from report import markdown, ratios, targets

from kubectl_fed.cli import COMMANDS
from kubectl_fed.sandbox.federation import SandboxFederation

T = TypeVar("T")
RESULTS = Path(__file__).resolve().parent / "results"
FULL_CLUSTERS, QUICK_CLUSTERS = "3,13,50,200", "3,13"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="3 and 13 clusters, 3 runs")
    parser.add_argument("--clusters", default=os.environ.get("BENCH_CLUSTERS"), help="e.g. 3,13")
    parser.add_argument("--latency", default=os.environ.get("BENCH_LATENCY", "0,50"), help="ms")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "0") or 0))
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for .json and .md")
    parser.add_argument("--name", default="", help="added to the file names after the date")
    parser.add_argument(
        "--conditions",
        default=os.environ.get("BENCH_CONDITIONS", "not stated"),
        help="what else ran on the machine meanwhile (written into the results)",
    )
    args = parser.parse_args(argv)
    args.clusters = _counts(args.clusters or (QUICK_CLUSTERS if args.quick else FULL_CLUSTERS))
    args.latency = _counts(args.latency)
    args.runs = args.runs or (3 if args.quick else 5)
    if args.runs < 1 or min(args.clusters) < 1 or min(args.latency) < 0:
        parser.error("--runs and --clusters must be positive, --latency not negative")
    return args


def _counts(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise SystemExit(f"error: not a comma list of numbers: {text!r}") from None


def find_tools(home: Path) -> Tools:
    kubectl = os.environ.get("KUBECTL") or shutil.which("kubectl")
    if kubectl is None:
        raise SystemExit("error: kubectl is not on PATH (or set KUBECTL)")
    script = Path(sys.executable).parent / "kubectl-fed"
    fed = [str(script)] if script.exists() else [sys.executable, "-m", "kubectl_fed"]
    env = {key: value for key, value in os.environ.items() if key != "KUBECTL_FED_DEBUG"}
    env["HOME"] = str(home)  # kubectl's discovery cache and our config, private to the run
    return Tools(fed=fed, kubectl=kubectl, env=env)


def sandbox_tools(tools: Tools, sandbox: SandboxFederation) -> Tools:
    env = {
        **tools.env,
        "KUBECONFIG": str(sandbox.kubeconfig_path),
        "KUBECTL_FED_CONFIG": str(sandbox.membership_path),
        "KUBECTL_FED_GCE_ENDPOINT": sandbox.gce_endpoint,
        "GOOGLE_CLOUD_PROJECT": sandbox.gcp_project,
    }
    return Tools(fed=tools.fed, kubectl=tools.kubectl, env=env)


def measure_federations(tools: Tools, args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    rows: dict[str, list[dict[str, Any]]] = {"get": [], "verbs": [], "describe": [], "failures": []}
    for count in args.clusters:
        _progress(f"starting {count} sandbox clusters")
        directory = scratch / f"sandbox-{count}"
        with SandboxFederation.start(clusters=count, directory=directory) as sandbox:
            seed_ingresses(sandbox)
            here = sandbox_tools(tools, sandbox)
            for latency in args.latency:
                sandbox.set_latency(latency)
                _measure_setting(here, sandbox, Setting(count, latency, args.runs), rows)
    return rows


def _measure_setting(
    tools: Tools, sandbox: SandboxFederation, setting: Setting, rows: dict[str, list[Any]]
) -> None:
    """Each part apart, so one failing keeps the others; the verbs first, before the
    200-process parallel kubectl of `get` loads the machine."""
    where = _where(setting)

    def part(name: str, measure: Callable[[], T]) -> T | None:
        _progress(f"{setting.clusters} clusters, {setting.latency_ms} ms: {name}")
        try:
            return measure()
        except BenchError as err:
            rows["failures"].append({**where, "error": f"{name}: {err}"})
            _progress(f"{setting.clusters} clusters, {setting.latency_ms} ms: FAILED: {err}")
            return None

    doctor = "doctor" in COMMANDS
    verbs = part("create, describe, delete", lambda: verb_timings(tools, sandbox, setting, doctor))
    if verbs is not None:
        rows["verbs"].append({**where, "verbs": _summaries(verbs)})
    described = part(
        "describe and doctor vs kubectl", lambda: describe_comparison(tools, sandbox, setting)
    )
    if described is not None:
        timed, costs = described
        rows["describe"].append({**where, "tools": _summaries(timed), "costs": costs})
    got = part("get ingress -A", lambda: get_comparison(tools, sandbox, setting))
    if got is not None:
        compared = _summaries(got)
        rows["get"].append({**where, "tools": compared, "ratios": ratios(compared)})


def _where(setting: Setting) -> dict[str, int]:
    return {"clusters": setting.clusters, "latency_ms": setting.latency_ms}


def _summaries(series: dict[str, Series]) -> dict[str, dict[str, Any]]:
    return {name: one.summary() for name, one in series.items()}


def _progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="kubectl-fed-bench-") as scratch_name:
        scratch = Path(scratch_name)
        tools = find_tools(scratch / "home")
        results: dict[str, Any] = {"meta": {}}
        results.update(measure_federations(tools, args, scratch))
        _progress("start-up and planners")
        results["cold_start"] = _summaries(cold_start(tools, max(args.runs, 5)))
        results["planner"] = planner_timings(max(args.runs, 3))
        results["meta"] = describe_machine(tools.kubectl, tools.env)
    results["meta"].update(
        load_before=load_before,
        load_after=load_average(),
        conditions=args.conditions,
        clusters=args.clusters,
        latency_ms=args.latency,
        runs=args.runs,
    )
    results["targets"] = targets(results)
    write(results, args.out, args.name)


def write(results: dict[str, Any], folder: Path, name: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / "-".join(part for part in (results["meta"]["date"][:10], name) if part)
    text = markdown(results)
    stem.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")
    stem.with_suffix(".md").write_text(text)
    print(text)
    _progress(f"wrote {stem}.json and {stem}.md")


if __name__ == "__main__":
    main()
