"""Measurements against one started sandbox federation: `get` against kubectl, and the verbs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from measure import BenchError, Outcome, Series, peak_rss_mb, run_once

from kubectl_fed.sandbox.federation import SandboxFederation

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# Seeded in every member before timing `get ingress -A`: (namespace, name).
SEEDED_INGRESSES = [("default", f"web-{i}") for i in range(3)] + [
    ("kube-public", f"status-{i}") for i in range(2)
]
# "$0" is kubectl's path, "$@" the contexts.
SEQUENTIAL_LOOP = 'for c in "$@"; do "$0" --context "$c" get ingress -A || exit 1; done'
# One kubectl process per context at once (`xargs -P`), each into a file of its own, then
# printed context by context as kubectl-foreach does: processes writing to one pipe
# interleave their table cells, which no reader can take apart.
PARALLEL_KUBECTL = (
    "out=$(mktemp -d) && trap 'rm -rf \"$out\"' EXIT && "
    'xargs -P "$1" -I{} sh -c \'exec "$0" --context "$1" get ingress -A > "$2/$1"\' '
    '"$0" {} "$out" && for c in "$out"/*; do cat "$c"; done'
)
GET_TOOLS = ["kubectl fed", "sequential kubectl", "parallel kubectl", "one kubectl get"]
# Above this many clusters the slow, O(clusters) alternatives run fewer times.
SMALL_FEDERATION = 13


@dataclass(frozen=True)
class Tools:
    """How to start each program, and the environment pointing them at the sandbox."""

    fed: list[str]
    kubectl: str
    env: dict[str, str]


@dataclass(frozen=True)
class Setting:
    clusters: int
    latency_ms: int
    runs: int

    def runs_for(self, cost: str) -> int:
        """`cost`: "cheap" (always `runs`), "parallel" (at most 3), "sequential" (1 when big)."""
        if self.clusters <= SMALL_FEDERATION or cost == "cheap":
            return self.runs
        return 1 if cost == "sequential" else min(self.runs, 3)


def seed_ingresses(sandbox: SandboxFederation) -> None:
    """Put the same few ingresses (of a class GLBC ignores) into every member's store."""
    for cluster in sandbox.clusters:
        for namespace, name in SEEDED_INGRESSES:
            cluster.store.create("ingresses", namespace, _ingress(name))


def _ingress(name: str) -> dict[str, Any]:
    backend = {"service": {"name": "web", "port": {"number": 80}}}
    return {
        "metadata": {"name": name, "annotations": {"kubernetes.io/ingress.class": "nginx"}},
        "spec": {"defaultBackend": backend},
    }


def _expect_lines(count: int) -> Callable[[Outcome], None]:
    def check(outcome: Outcome) -> None:
        lines = [line for line in outcome.stdout.splitlines() if line.strip()]
        if len(lines) != count:
            raise BenchError(f"expected {count} output lines, got {len(lines)}")

    return check


def _series(
    runs: int, run: Callable[[], Outcome], check: Callable[[Outcome], None], warm_up: bool = True
) -> Series:
    """`runs` timed runs after one untimed warm-up (kubectl's discovery cache, page cache)."""
    if warm_up:
        check(run())
    series = Series()
    for _ in range(runs):
        outcome = run()
        check(outcome)
        series.add(outcome)
    return series


def get_comparison(tools: Tools, sandbox: SandboxFederation, setting: Setting) -> dict[str, Series]:
    """`kubectl fed get ingress -A` and the ways users get the same listing with kubectl."""
    names = sandbox.names
    per_cluster = len(SEEDED_INGRESSES) + 1  # kubectl prints a header per cluster
    env = tools.env
    kubectl = [tools.kubectl]
    parallel = ["sh", "-c", PARALLEL_KUBECTL, tools.kubectl, str(len(names))]
    contexts = "\n".join(names) + "\n"
    # (tool, cost, run, output check); kubectl fed and parallel kubectl get an untimed
    # warm-up run (the latter fills kubectl's discovery cache for every context).
    plans: list[tuple[str, str, Callable[[], Outcome], Callable[[Outcome], None]]] = [
        (
            "kubectl fed",
            "cheap",
            lambda: run_once([*tools.fed, "get", "ingress", "-A"], env),
            _expect_lines(len(names) * len(SEEDED_INGRESSES) + 1),
        ),
        (
            "parallel kubectl",
            "parallel",
            lambda: run_once(parallel, env, stdin=contexts),
            _expect_lines(len(names) * per_cluster),
        ),
        (
            "sequential kubectl",
            "sequential",
            lambda: run_once(["sh", "-c", SEQUENTIAL_LOOP, tools.kubectl, *names], env),
            _expect_lines(len(names) * per_cluster),
        ),
        (
            "one kubectl get",
            "cheap",
            lambda: run_once([*kubectl, "--context", names[0], "get", "ingress", "-A"], env),
            _expect_lines(per_cluster),
        ),
    ]
    timings: dict[str, Series] = {}
    for index, (tool, cost, run, check) in enumerate(plans):
        try:
            timings[tool] = _series(setting.runs_for(cost), run, check, warm_up=index < 2)
        except BenchError as err:
            raise BenchError(f"{tool}: {err}") from None
    timings["kubectl fed"].peak_rss_mb = peak_rss_mb([*tools.fed, "get", "ingress", "-A"], env)
    return {tool: timings[tool] for tool in GET_TOOLS}


def verb_timings(
    tools: Tools, sandbox: SandboxFederation, setting: Setting, doctor: bool
) -> dict[str, Series]:
    """create -f of the guide's manifests, describe ingress, doctor, delete -f; repeated."""
    runs = setting.runs_for("parallel")
    fed, env = tools.fed, tools.env
    manifests = ["-R", "-f", str(EXAMPLES)]
    steps: dict[str, list[str]] = {
        "create -f examples": [*fed, "create", *manifests],
        "describe ingress": [*fed, "describe", "ingress", "myingress"],
        "delete -f examples": [*fed, "delete", *manifests],
    }
    if doctor:
        steps["doctor"] = [*fed, "doctor"]
    series = {step: Series() for step in steps}
    clusters = len(sandbox.names)
    for _ in range(runs):
        created = run_once(steps["create -f examples"], env)
        _expect_at_least(created, 3 * clusters)
        series["create -f examples"].add(created)
        series["describe ingress"].add(run_once(steps["describe ingress"], env))
        if doctor:
            series["doctor"].add(run_once(steps["doctor"], env, ok_status=(0, 1)))
        deleted = run_once(steps["delete -f examples"], env)
        _expect_at_least(deleted, 3 * clusters)
        series["delete -f examples"].add(deleted)
    return series


def _expect_at_least(outcome: Outcome, lines: int) -> None:
    if len(outcome.stdout.splitlines()) < lines:
        raise BenchError(f"expected one line per cluster and object, got:\n{outcome.stdout}")
