"""The Deployment controller, driven by the real kubectl: rollouts, undo, scale, delete."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kubectl_fed.sandbox.apiserver.store import Store, WatchEvent
from kubectl_fed.sandbox.controllers import SimulationOptions
from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.clients import Kubectl
from tests.support.manifests import workload_object
from tests.support.members import US
from tests.support.polling import eventually

pytestmark = [pytest.mark.kubectl, pytest.mark.sandbox]

CONTEXT = US
Obj = dict[str, Any]
REVISION = "deployment.kubernetes.io/revision"


def deployment(name: str = "web", replicas: int = 3, **spec: Any) -> Obj:
    container = {"name": "web", "image": "nginx:1.27"}
    return workload_object("Deployment", name, replicas, container, **spec)


@pytest.fixture
def start(
    kubectl_path: str, sandbox_factory: Callable[..., SandboxFederation], tmp_path: Path
) -> Callable[..., Kubectl]:
    """`start(**simulation_options)`: kubectl against a new one-cluster sandbox."""

    def make(**options: Any) -> Kubectl:
        options.setdefault("ready_delay", 0.05)
        sandbox = sandbox_factory(clusters=1, simulation=SimulationOptions(**options))
        return Kubectl(kubectl_path, sandbox, CONTEXT, tmp_path)

    return make


@pytest.fixture
def kubectl(start: Callable[..., Kubectl]) -> Kubectl:
    return start()


def create(kubectl: Kubectl, obj: Obj) -> str:
    return kubectl("create", "-f", kubectl.file(obj)).stdout.strip()


def rolled_out(kubectl: Kubectl, name: str = "web") -> str:
    return kubectl("rollout", "status", f"deployment/{name}", "--timeout=30s").stdout


def replica_sets(store: Store, name: str = "web") -> list[Obj]:
    found = store.list("replicasets", "default", f"app={name}")
    return sorted(found, key=lambda rs: int(rs["metadata"]["annotations"][REVISION]))


def deployed(kubectl: Kubectl, obj: Obj) -> None:
    """`obj` created and rolled out to the end."""
    create(kubectl, obj)
    rolled_out(kubectl)


def new_image(
    kubectl: Kubectl, image: str = "nginx:1.28", watch: Callable[[WatchEvent], None] | None = None
) -> None:
    """deployment/web's container set to `image` and rolled out to the end; `watch` sees
    every store change meanwhile."""
    unsubscribe = kubectl.store.subscribe(watch) if watch is not None else None
    try:
        kubectl("set", "image", "deployment/web", f"web={image}")
        rolled_out(kubectl)
    finally:
        if unsubscribe is not None:
            unsubscribe()


def conditions(obj: Obj) -> dict[str, tuple[str, str]]:
    return {c["type"]: (c["status"], c["reason"]) for c in obj["status"].get("conditions", [])}


def test_create_rolls_out_one_replica_set_per_template(kubectl: Kubectl) -> None:
    assert create(kubectl, deployment()) == "deployment.apps/web created"
    assert rolled_out(kubectl).strip().endswith('deployment "web" successfully rolled out')

    header, row = kubectl.rows("deploy", "-o", "wide")
    assert header == [
        "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR",
    ]  # fmt: skip
    assert row[:4] + row[5:] == ["web", "3/3", "3", "3", "web", "nginx:1.27", "app=web"]
    assert re.fullmatch(r"\d+s", row[4])
    (replica_set,) = replica_sets(kubectl.store)
    name, template_hash = replica_set["metadata"]["name"], replica_set["spec"]["selector"]
    assert name == f"web-{template_hash['matchLabels']['pod-template-hash']}"
    assert replica_set["spec"]["template"]["metadata"]["labels"]["pod-template-hash"] in name
    assert replica_set["metadata"]["annotations"][REVISION] == "1"
    (owner,) = replica_set["metadata"]["ownerReferences"]
    stored = kubectl.store.get("deployments", "default", "web")
    assert (owner["kind"], owner["uid"], owner["controller"]) == (
        "Deployment",
        stored["metadata"]["uid"],
        True,
    )
    assert stored["metadata"]["annotations"][REVISION] == "1"
    assert conditions(stored) == {
        "Available": ("True", "MinimumReplicasAvailable"),
        "Progressing": ("True", "NewReplicaSetAvailable"),
    }
    assert {k: stored["status"].get(k) for k in ("replicas", "updatedReplicas")} == {
        "replicas": 3,
        "updatedReplicas": 3,
    }
    assert stored["status"]["observedGeneration"] == stored["metadata"]["generation"]
    rs_rows = kubectl.rows("rs")
    assert rs_rows[1][:4] == [name, "3", "3", "3"]
    pods = kubectl.rows("pods")[1:]
    assert len(pods) == 3
    assert all(row[0].startswith(f"{name}-") and row[1:3] == ["1/1", "Running"] for row in pods)


def test_a_template_change_rolls_out_and_undo_brings_the_old_set_back(kubectl: Kubectl) -> None:
    deployed(kubectl, deployment(replicas=4))
    (first,) = replica_sets(kubectl.store)
    new_image(kubectl)

    old, new = replica_sets(kubectl.store)
    assert old["metadata"]["name"] == first["metadata"]["name"]
    assert (old["spec"]["replicas"], new["spec"]["replicas"]) == (0, 4)
    assert new["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28"
    assert new["metadata"]["annotations"][REVISION] == "2"
    assert [row[:4] for row in kubectl.rows("rs")[1:]] == sorted(
        [[new["metadata"]["name"], "4", "4", "4"], [old["metadata"]["name"], "0", "0", "0"]]
    )
    images = {
        row[-1]
        for row in kubectl.rows("pods", "-o", "custom-columns=I:.spec.containers[0].image")[1:]
    }
    assert images == {"nginx:1.28"}

    assert kubectl("rollout", "undo", "deployment/web").stdout.strip() == (
        "deployment.apps/web rolled back"
    )
    rolled_out(kubectl)
    second, back = replica_sets(kubectl.store)
    assert back["metadata"]["name"] == first["metadata"]["name"]  # reused, not a third set
    assert back["metadata"]["annotations"][REVISION] == "3"
    assert back["metadata"]["annotations"]["deployment.kubernetes.io/revision-history"] == "1"
    assert (back["spec"]["replicas"], second["spec"]["replicas"]) == (4, 0)
    stored = kubectl.store.get("deployments", "default", "web")
    assert stored["metadata"]["annotations"][REVISION] == "3"
    history = kubectl("rollout", "history", "deployment/web").stdout.split()
    assert history[-4:] == ["2", "<none>", "3", "<none>"]


def test_a_rolling_update_stays_within_max_surge_and_max_unavailable(kubectl: Kubectl) -> None:
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}}
    deployed(kubectl, deployment(replicas=6, strategy=strategy))
    sizes: dict[str, int] = {}
    available: dict[str, int] = {}
    worst = {"most": 0, "fewest": 6}

    def watch(event: WatchEvent) -> None:
        if event.resource != "replicasets" or event.type == "DELETED":
            return
        if event.object["metadata"].get("namespace") != "default":
            return  # kube-system's (GKE's default backend) is no part of this rollout
        name = event.object["metadata"]["name"]
        sizes[name] = event.object["spec"]["replicas"]
        available[name] = (event.object.get("status") or {}).get("availableReplicas", 0)
        worst["most"] = max(worst["most"], sum(sizes.values()))
        worst["fewest"] = min(worst["fewest"], sum(available.values()))

    for replica_set in kubectl.store.list("replicasets", "default"):
        watch(WatchEvent("ADDED", "replicasets", replica_set))
    new_image(kubectl, watch=watch)
    assert worst == {"most": 7, "fewest": 5}  # 6 + maxSurge, 6 - maxUnavailable
    events = kubectl.store.list("events", "default")
    messages = [e["message"] for e in events if e["reason"] == "ScalingReplicaSet"]
    assert any(m.startswith("Scaled down replica set web-") and " from " in m for m in messages)


def test_recreate_removes_the_old_pods_before_creating_new_ones(kubectl: Kubectl) -> None:
    deployed(kubectl, deployment(replicas=2, strategy={"type": "Recreate"}))
    old_pods: set[str] = {p["metadata"]["name"] for p in kubectl.store.list("pods", "default")}
    overlap: list[str] = []

    def watch(event: WatchEvent) -> None:
        if event.resource == "pods" and event.type == "DELETED":
            old_pods.discard(event.object["metadata"]["name"])
        elif event.resource == "replicasets" and event.type == "ADDED" and old_pods:
            overlap.append(event.object["metadata"]["name"])

    new_image(kubectl, watch=watch)
    assert overlap == []
    assert [rs["spec"]["replicas"] for rs in replica_sets(kubectl.store)] == [0, 2]


def test_scale_and_delete(kubectl: Kubectl) -> None:
    deployed(kubectl, deployment(replicas=2))
    assert kubectl("scale", "deploy", "web", "--replicas=5").stdout.strip() == (
        "deployment.apps/web scaled"
    )
    rolled_out(kubectl)
    assert kubectl.rows("deploy", "web")[1][:4] == ["web", "5/5", "5", "5"]
    (replica_set,) = replica_sets(kubectl.store)
    assert replica_set["spec"]["replicas"] == 5
    annotations = replica_set["metadata"]["annotations"]
    assert annotations["deployment.kubernetes.io/desired-replicas"] == "5"
    assert annotations["deployment.kubernetes.io/max-replicas"] == "7"  # 5 + 25% rounded up
    assert len(kubectl.store.list("pods", "default")) == 5

    assert kubectl("delete", "deploy", "web").stdout.strip() == 'deployment.apps "web" deleted'

    def gone() -> bool:
        store = kubectl.store
        return not store.list("replicasets", "default") and not store.list("pods", "default")

    eventually(gone)
    assert (
        kubectl("get", "deploy,rs,pods").stderr.strip()
        == "No resources found in default namespace."
    )


def test_a_paused_deployment_waits_for_resume(kubectl: Kubectl) -> None:
    deployed(kubectl, deployment(replicas=2))
    kubectl("rollout", "pause", "deployment/web")
    kubectl("set", "image", "deployment/web", "web=nginx:1.28")

    def paused() -> bool:
        stored = kubectl.store.get("deployments", "default", "web")
        return conditions(stored).get("Progressing") == ("Unknown", "DeploymentPaused")

    eventually(paused)
    assert len(replica_sets(kubectl.store)) == 1
    kubectl("rollout", "resume", "deployment/web")
    rolled_out(kubectl)
    assert [rs["spec"]["replicas"] for rs in replica_sets(kubectl.store)] == [0, 2]


def test_revision_history_limit_prunes_old_empty_sets(kubectl: Kubectl) -> None:
    create(kubectl, deployment(replicas=1, revisionHistoryLimit=1))
    for tag in ("1.28", "1.29", "1.30"):
        new_image(kubectl, f"nginx:{tag}")

    def pruned() -> list[str] | None:
        found = [rs["metadata"]["annotations"][REVISION] for rs in replica_sets(kubectl.store)]
        return found if found == ["3", "4"] else None

    eventually(pruned)


def test_a_selector_that_misses_the_template_is_refused(kubectl: Kubectl) -> None:
    bad = deployment()
    bad["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
    refused = kubectl("create", "-f", kubectl.file(bad), check=False)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        'The Deployment "web" is invalid: spec.template.metadata.labels: Invalid value: '
        'map[string]string{"app":"other"}: `selector` does not match template `labels`'
    )
    assert kubectl.store.list("deployments", "default") == []


def test_a_rollout_without_progress_exceeds_its_deadline(start: Callable[..., Kubectl]) -> None:
    kubectl = start(capacity=2)
    create(kubectl, deployment(replicas=4, progressDeadlineSeconds=1))
    failed = kubectl("rollout", "status", "deployment/web", "--timeout=30s", check=False)
    assert failed.returncode == 1
    assert failed.stderr.strip() == 'error: deployment "web" exceeded its progress deadline'
    stored = kubectl.store.get("deployments", "default", "web")
    assert conditions(stored) == {
        "Available": ("False", "MinimumReplicasUnavailable"),
        "Progressing": ("False", "ProgressDeadlineExceeded"),
    }
    assert kubectl.rows("deploy", "web")[1][:4] == ["web", "2/4", "4", "2"]


def test_orphaned_replica_sets_are_adopted_by_a_new_deployment(kubectl: Kubectl) -> None:
    deployed(kubectl, deployment(replicas=2))
    (before,) = replica_sets(kubectl.store)
    pods = {p["metadata"]["name"] for p in kubectl.store.list("pods", "default")}
    kubectl("delete", "deploy", "web", "--cascade=orphan")
    deployed(kubectl, deployment(replicas=2))
    (after,) = replica_sets(kubectl.store)
    uid = kubectl.store.get("deployments", "default", "web")["metadata"]["uid"]
    assert after["metadata"]["name"] == before["metadata"]["name"]
    assert [o["uid"] for o in after["metadata"]["ownerReferences"]] == [uid]
    assert {p["metadata"]["name"] for p in kubectl.store.list("pods", "default")} == pods
