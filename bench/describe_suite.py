"""`describe ingress` and `doctor` against the sequential `kubectl describe` loop, and what
each verb costs: the requests it sends to the members and to GCE, and its peak RSS."""

from __future__ import annotations

import time

from federation_suite import EXAMPLES, Setting, Tools
from measure import BenchError, Outcome, Series, peak_rss_mb, run_once

from kubectl_fed.sandbox.federation import SandboxFederation

# "$0" is kubectl's path, "$@" the contexts: what users run without kubectl fed.
DESCRIBE_LOOP = 'for c in "$@"; do "$0" --context "$c" describe ingress myingress || exit 1; done'
LOAD_BALANCER_WAIT_S = 60.0
DESCRIBE_TOOLS = ["kubectl fed describe", "kubectl fed doctor", "sequential kubectl describe"]


def describe_comparison(
    tools: Tools, sandbox: SandboxFederation, setting: Setting
) -> tuple[dict[str, Series], dict[str, dict[str, float]]]:
    """With the guide's objects created: describe and doctor against the kubectl loop
    (timed); each verb once more to count its requests, and once for its peak RSS."""
    fed, env = tools.fed, tools.env
    manifests = ["-R", "-f", str(EXAMPLES)]
    create, delete = [*fed, "create", *manifests], [*fed, "delete", *manifests]
    describe, doctor = [*fed, "describe", "ingress", "myingress"], [*fed, "doctor"]
    loop = ["sh", "-c", DESCRIBE_LOOP, tools.kubectl, *sandbox.names]
    costs = {"create -f examples": _counted(sandbox, create, env)}
    _wait_for_load_balancer(sandbox)
    timings = {
        "kubectl fed describe": _timed(setting.runs_for("parallel"), describe, env),
        "kubectl fed doctor": _timed(setting.runs_for("parallel"), doctor, env),
        "sequential kubectl describe": _timed(
            setting.runs_for("sequential"), loop, env, warm_up=False
        ),
    }
    costs["describe ingress"] = _counted(sandbox, describe, env)
    costs["doctor"] = _counted(sandbox, doctor, env)
    for verb, argv in (("describe ingress", describe), ("doctor", doctor)):
        costs[verb]["peak_rss_mb"] = peak_rss_mb(argv, env, ok_status=(0, 1))
    costs["delete -f examples"] = _counted(sandbox, delete, env)
    costs["create -f examples"]["peak_rss_mb"] = peak_rss_mb(create, env)
    costs["delete -f examples"]["peak_rss_mb"] = peak_rss_mb(delete, env)
    timings["kubectl fed describe"].peak_rss_mb = costs["describe ingress"]["peak_rss_mb"]
    timings["kubectl fed doctor"].peak_rss_mb = costs["doctor"]["peak_rss_mb"]
    return timings, costs


def _wait_for_load_balancer(sandbox: SandboxFederation) -> None:
    """Until the sandbox's GLBCs have built it: describe and doctor then read it whole."""
    deadline = time.monotonic() + LOAD_BALANCER_WAIT_S
    while not sandbox.simulation.gce.list_resources("forwardingRules"):
        if time.monotonic() > deadline:
            raise BenchError(f"no forwarding rule after {LOAD_BALANCER_WAIT_S:g} s")
        time.sleep(0.1)
    time.sleep(1.0)  # the last members' instance groups join the backend service


def _timed(runs: int, argv: list[str], env: dict[str, str], warm_up: bool = True) -> Series:
    if warm_up:  # the page cache; kubectl's discovery caches are warm from `get`'s runs
        _run(argv, env)
    series = Series()
    for _ in range(runs):
        series.add(_run(argv, env))
    return series


def _run(argv: list[str], env: dict[str, str]) -> Outcome:
    """One run; doctor exits 1 when a check fails (a member still settling), still timed."""
    outcome = run_once(argv, env, ok_status=(0, 1))
    if not outcome.stdout:
        raise BenchError(f"{' '.join(argv[-3:])} printed nothing")
    return outcome


def _counted(sandbox: SandboxFederation, argv: list[str], env: dict[str, str]) -> dict[str, float]:
    """The requests one run sends: to every member together, the most to one, and to GCE."""
    gce = sandbox.simulation.gce_server.router
    for cluster in sandbox.clusters:
        cluster.requests.clear()
    gce.clear_calls()
    _run(argv, env)
    per_member = [len(cluster.requests.records()) for cluster in sandbox.clusters]
    return {
        "members_total": sum(per_member),
        "per_member_max": max(per_member),
        "gce": len(gce.calls()),
    }
