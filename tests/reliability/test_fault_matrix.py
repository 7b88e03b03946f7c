"""Every verb x every fault the sandbox injects x one member / every member.

Each case: the exit status (3 when one member fails, 1 when all do, 0 when the fault does
not concern the verb), one stderr line naming each failed member and its reason and none
naming a healthy member, the healthy members' work checked on their servers, the run
bounded by the request timeout (a held request would keep a waiting tool 30 s), then
heal, run again and check the members converged to the fault-free state.
docs/reliability.md has the table of expected outcomes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kubectl_fed.cli import COMMANDS
from kubectl_fed.core.model.markers import TOTAL_REPLICAS_ANNOTATION
from kubectl_fed.sandbox.federation import SandboxCluster
from tests.reliability.helpers import World
from tests.support.cli import Run
from tests.support.manifests import replicaset_yaml, service_yaml, write
from tests.support.members import EU

REQUEST_TIMEOUT = 1.0
HELD_SECONDS = 30.0  # a slow member holds each request this long (released by heal)
RUN_BOUND = 10.0  # generous: every call is bounded by REQUEST_TIMEOUT, far below HELD_SECONDS
FAULTY = EU  # the failing member of the one-member cases
MANAGED_BY = "app.kubernetes.io/managed-by"

# fault -> the reason word of the stderr line
REASONS = {
    "unreachable": "unreachable",
    "slow": "timeout",
    "error": "server error",
    "throttle": "throttled",
    "unauthorized": "unauthorized",
    "forbidden": "forbidden",
    "conflict": "conflict",
}
UPDATE_ONLY = {"conflict"}  # faults that reads and deletes never meet
# A member that does not answer is what `rebalance` is for: exit 0, and a note names it.
REBALANCED_AROUND = {"unreachable", "slow"}
_NO_RUN = Run(0, "", "", 0.0)  # for checks on the servers alone


@dataclass
class Case:
    world: World
    folder: Path
    faulty: list[str]

    @property
    def healthy(self) -> list[str]:
        return [name for name in self.world.names if name not in self.faulty]

    def file(self, name: str, text: str) -> str:
        return write(self.folder, name, text)

    def service(self, cluster: str, name: str) -> Any:
        return self.world.get(cluster, "services", name)

    def replicas(self, cluster: str) -> int:
        return int(self.world.get(cluster, "replicasets", "mx-rs")["spec"]["replicas"])

    def total(self, cluster: str) -> str:
        obj = self.world.get(cluster, "replicasets", "mx-rs")
        return str(obj["metadata"].get("annotations", {}).get(TOTAL_REPLICAS_ANNOTATION))

    def ensure_service(self, name: str) -> None:
        """Service `name` (version "a") applied fault-free unless every member has it."""
        if any(self.service(member, name) is None for member in self.world.names):
            manifest = self.file(f"{name}.yaml", service_yaml(name, version="a"))
            _fault_free(self, "apply", "-f", manifest)

    def edit_services(self, name: str, edit: Callable[[dict[str, Any]], None]) -> None:
        """`edit` applied to every member's Service `name` directly on the servers."""
        for member in self.world.names:
            store = self.world.sandbox.cluster(member).store
            obj = store.get("services", "default", name)
            edit(obj)
            store.update("services", "default", name, obj)

    def set_replicas(self, shares: list[int], total: int) -> None:
        """Put the ReplicaSet in a known placement directly on the servers."""
        for name, share in zip(self.world.names, shares, strict=True):
            store = self.world.sandbox.cluster(name).store
            obj = store.get("replicasets", "default", "mx-rs")
            obj["spec"]["replicas"] = share
            obj["metadata"].setdefault("annotations", {})[TOTAL_REPLICAS_ANNOTATION] = str(total)
            store.update("replicasets", "default", "mx-rs", obj)


@dataclass(frozen=True)
class Scenario:
    """One verb: how to set it up, run it, and see that a member did its part."""

    prepare: Callable[[Case], None]
    args: Callable[[Case], list[str]]
    done: Callable[[Case, Run, str], bool]  # the member's part is visible (server or output)
    converged: Callable[[Case], bool]  # after heal and a second run: the fault-free state
    updates: bool = False  # meets a 409-on-update fault
    rerun_error: str | None = None  # the error a second run may report on done members


def _fault_free(case: Case, *args: str) -> None:
    run = case.world.run(*args)
    assert run.status == 0, run.err


# -- create / apply / delete: one Service -------------------------------------------------


def _create_prepare(case: Case) -> None:
    for name in case.world.names:
        store = case.world.sandbox.cluster(name).store
        if case.service(name, "mx-create") is not None:
            store.delete("services", "default", "mx-create")


def _create_done(case: Case, run: Run, cluster: str) -> bool:
    obj = case.service(cluster, "mx-create")
    return obj is not None and obj["metadata"]["labels"].get(MANAGED_BY) == "kubectl-fed"


def _apply_prepare(case: Case) -> None:
    """Version "a" everywhere (set on the servers: faster than a fault-free run)."""
    case.ensure_service("mx-apply")

    def version_a(obj: dict[str, Any]) -> None:
        obj["metadata"]["labels"]["version"] = "a"

    case.edit_services("mx-apply", version_a)


def _apply_done(case: Case, run: Run, cluster: str) -> bool:
    obj = case.service(cluster, "mx-apply")
    return obj is not None and obj["metadata"]["labels"]["version"] == "b"


def _delete_prepare(case: Case) -> None:
    case.ensure_service("mx-delete")


def _unfederate_prepare(case: Case) -> None:
    """mx-unfed federated everywhere: made once, its markers put back on the servers."""
    case.ensure_service("mx-unfed")

    def federated(obj: dict[str, Any]) -> None:
        obj["metadata"]["labels"][MANAGED_BY] = "kubectl-fed"
        obj["metadata"].setdefault("annotations", {})["kubectl-fed.io/federation"] = "default"

    case.edit_services("mx-unfed", federated)


def _unfederated(case: Case, run: Run, cluster: str) -> bool:
    obj = case.service(cluster, "mx-unfed")
    return obj is not None and MANAGED_BY not in obj["metadata"]["labels"]


# -- get / describe / clusters: read what create left ----------------------------------------


def _read_prepare(case: Case) -> None:
    case.ensure_service("mx-read")


def _listed(run: Run, cluster: str) -> bool:
    return cluster in [item["cluster"] for item in run.json()["items"]]


def _described(run: Run, cluster: str) -> bool:
    present = [c["cluster"] for c in run.json()["clusters"] if c["presence"] == "Present"]
    return cluster in present


def _active(run: Run, cluster: str) -> bool:
    statuses = {item["cluster"]: item["status"] for item in run.json()["items"]}
    return statuses.get(cluster) == "Active"


# -- scale / rebalance: one ReplicaSet --------------------------------------------------------


def _rs_prepare(shares: list[int], total: int) -> Callable[[Case], None]:
    def prepare(case: Case) -> None:
        if any(case.world.get(n, "replicasets", "mx-rs") is None for n in case.world.names):
            _fault_free(case, "apply", "-f", case.file("rs.yaml", replicaset_yaml("mx-rs", 3)))
        case.set_replicas(shares, total)

    return prepare


def _scaled(case: Case, run: Run, cluster: str) -> bool:
    return case.total(cluster) == "6" and case.replicas(cluster) >= 2


def _scale_converged(case: Case) -> bool:
    names = case.world.names
    if sum(case.replicas(n) for n in names) != 6 or {case.total(n) for n in names} != {"6"}:
        return False
    # shares of members that were down come back with rebalance (preferences keep placement)
    _fault_free(case, "rebalance", "rs", "mx-rs")
    return [case.replicas(n) for n in names] == [2, 2, 2]


def _rebalanced(case: Case, run: Run, cluster: str) -> bool:
    baseline = dict(zip(case.world.names, [4, 1, 1], strict=True))
    return case.replicas(cluster) != baseline[cluster]


def _even(case: Case) -> bool:
    return [case.replicas(n) for n in case.world.names] == [2, 2, 2]


# -- doctor: a federation that passes every check until a fault ---------------------------


def _doctor_prepare(case: Case) -> None:
    """Members agree on one GLBC UID (the sandbox starts them apart) and have mx-read."""
    _read_prepare(case)
    stores = [case.world.sandbox.cluster(name).store for name in case.world.names]
    uid = stores[0].get("configmaps", "kube-system", "ingress-uid")["data"]["uid"]
    for store in stores:
        configmap = store.get("configmaps", "kube-system", "ingress-uid")
        configmap["data"]["uid"] = uid
        store.update("configmaps", "kube-system", "ingress-uid", configmap)


def doctor_failures(run: Run) -> dict[str, list[str]]:
    """Member -> messages of the failing checks that name it."""
    failures: dict[str, list[str]] = {}
    for check in run.json()["checks"]:
        if check["status"] == "fail":
            for cluster in str(check.get("cluster") or "").split(", "):
                failures.setdefault(cluster, []).append(check["message"])
    return failures


def _everywhere(check: Callable[[Case, str], bool]) -> Callable[[Case], bool]:
    return lambda case: all(check(case, name) for name in case.world.names)


def _service_file(verb: str, name: str, version: str) -> Callable[[Case], list[str]]:
    """`VERB -f FILE`, the file holding Service `name` at `version`."""

    def args(case: Case) -> list[str]:
        manifest = service_yaml(name, version=version)
        return [verb, "-f", case.file(f"{verb}-{version}.yaml", manifest)]

    return args


SCENARIOS: dict[str, Scenario] = {
    "create": Scenario(
        prepare=_create_prepare,
        args=_service_file("create", "mx-create", "a"),
        done=_create_done,
        converged=_everywhere(lambda c, n: _create_done(c, _NO_RUN, n)),
        # creates with POST; the PATCH handing its fields to its Apply entry may fail alone
        rerun_error="already exists",
    ),
    "apply": Scenario(
        prepare=_apply_prepare,
        args=_service_file("apply", "mx-apply", "b"),
        done=_apply_done,
        converged=_everywhere(lambda c, n: _apply_done(c, _NO_RUN, n)),
        updates=True,
    ),
    "get": Scenario(
        prepare=_read_prepare,
        args=lambda c: ["get", "svc", "mx-read", "-o", "json"],
        done=lambda c, run, n: _listed(run, n),
        converged=lambda c: True,
    ),
    "describe": Scenario(
        prepare=_read_prepare,
        args=lambda c: ["describe", "svc", "mx-read", "-o", "json"],
        done=lambda c, run, n: _described(run, n),
        converged=lambda c: True,
    ),
    "delete": Scenario(
        prepare=_delete_prepare,
        args=lambda c: ["delete", "svc", "mx-delete"],
        done=lambda c, run, n: c.service(n, "mx-delete") is None,
        converged=_everywhere(lambda c, n: c.service(n, "mx-delete") is None),
        rerun_error="not found",
    ),
    "unfederate": Scenario(
        prepare=_unfederate_prepare,
        args=lambda c: ["unfederate", "svc", "mx-unfed"],
        done=_unfederated,
        converged=_everywhere(lambda c, n: _unfederated(c, _NO_RUN, n)),
        updates=True,
    ),
    "scale": Scenario(
        prepare=_rs_prepare([1, 1, 1], 3),
        args=lambda c: ["scale", "rs", "mx-rs", "--replicas", "6"],
        done=_scaled,
        converged=_scale_converged,
        updates=True,
    ),
    "rebalance": Scenario(
        prepare=_rs_prepare([4, 1, 1], 6),
        args=lambda c: ["rebalance", "rs", "mx-rs"],
        done=_rebalanced,
        converged=_even,
        updates=True,
    ),
    "clusters": Scenario(
        prepare=lambda c: None,
        args=lambda c: ["clusters", "-o", "json"],
        done=lambda c, run, n: _active(run, n),
        converged=lambda c: True,
    ),
    "doctor": Scenario(
        prepare=_doctor_prepare,
        args=lambda c: ["doctor", "-o", "json"],
        done=lambda c, run, n: n not in doctor_failures(run),
        converged=lambda c: True,
    ),
}


def moved_around(verb: str, fault: str, scope: str) -> bool:
    return verb == "rebalance" and fault in REBALANCED_AROUND and scope == "one"


def expected_status(verb: str, fault: str, scope: str) -> int:
    if fault in UPDATE_ONLY and not SCENARIOS[verb].updates:
        return 0
    if moved_around(verb, fault, scope):
        return 0
    if verb == "doctor":  # a report: any failing check is exit 1
        return 1
    return 3 if scope == "one" else 1


@pytest.mark.parametrize("scope", ["one", "all"])
@pytest.mark.parametrize("fault", list(REASONS))
@pytest.mark.parametrize("verb", list(SCENARIOS))
def test_fault_case(world: World, tmp_path: Path, verb: str, fault: str, scope: str) -> None:
    if verb not in COMMANDS:
        pytest.skip(f"kubectl fed {verb} is not a command yet")
    scenario = SCENARIOS[verb]
    faulty = [FAULTY] if scope == "one" else list(world.names)
    case = Case(world, tmp_path, faulty)
    scenario.prepare(case)
    clusters = [world.sandbox.cluster(name) for name in faulty]
    args = [*scenario.args(case), "--request-timeout", f"{REQUEST_TIMEOUT:g}"]
    try:
        for cluster in clusters:
            cluster.fail(fault, seconds=HELD_SECONDS)
        run = world.run(*args)
    finally:
        _heal(clusters)
    status = expected_status(verb, fault, scope)
    assert run.status == status, run.err
    assert run.seconds < RUN_BOUND
    around = moved_around(verb, fault, scope)
    if verb == "doctor":
        _check_doctor_report(case, run, failing=status != 0)
    else:
        _check_error_lines(case, run, REASONS[fault] if status else None)
    if around:
        assert run.err_lines[0].startswith(
            f"note: {FAULTY} did not answer ({REASONS[fault]}): its share"
        ), run.err
    for name in case.healthy if status or around else world.names:
        assert scenario.done(case, run, name), f"{name} did not do its part"
    _check_converges(case, scenario, args)


def _heal(clusters: list[SandboxCluster]) -> None:
    for cluster in clusters:
        cluster.heal()
    for cluster in clusters:  # a held request completes now; let it land before going on
        assert cluster.requests.wait_idle(timeout=10)


def _check_error_lines(case: Case, run: Run, reason: str | None) -> None:
    errors = [line for line in run.err_lines if line.startswith("error: ")]
    if reason is None:
        assert errors == []
        return
    for name in case.faulty:
        named = [line for line in errors if line.startswith(f"error: cluster {name}: ")]
        assert named, f"no error line for {name}"
        assert all(f"{reason}: " in line for line in named), named
    for name in case.healthy:
        assert not any(f"cluster {name}: " in line for line in errors), run.err


def _check_doctor_report(case: Case, run: Run, failing: bool) -> None:
    """Doctor names the failing members in its report (stdout), stderr stays quiet."""
    assert [line for line in run.err_lines if line.startswith("error: ")] == []
    failures = doctor_failures(run)
    if failing:
        assert set(case.faulty) <= set(failures), failures


def _check_converges(case: Case, scenario: Scenario, args: list[str]) -> None:
    again = case.world.run(*args)
    errors = [line for line in again.err_lines if line.startswith("error: ")]
    if scenario.rerun_error is None:
        assert again.status == 0, again.err
    else:
        assert all(f"{scenario.rerun_error}: " in line for line in errors), again.err
    assert scenario.converged(case)


def test_throttling_that_ends_within_the_budget_is_retried(world: World, tmp_path: Path) -> None:
    """429 with Retry-After: 1 is waited out and retried while the request timeout allows."""
    cluster = world.sandbox.cluster(FAULTY)
    cluster.requests.clear()
    cluster.fail("throttle")

    def heal_after_first_429() -> None:
        while not any(r.status == 429 for r in cluster.requests):
            time.sleep(0.02)
        cluster.heal()

    healer = threading.Thread(target=heal_after_first_429, daemon=True)
    healer.start()
    try:
        run = world.run("clusters", "-o", "json", "--request-timeout", "10")
    finally:
        healer.join(timeout=20)
        cluster.heal()
    assert run.status == 0, run.err
    assert [item["status"] for item in run.json()["items"]] == ["Active"] * 3
    statuses = [record.status for record in cluster.requests]
    assert statuses[0] == 429 and 200 in statuses
