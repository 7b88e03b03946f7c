"""`reconcile --print-manifests` content: what it holds, and the real kubectl applying it."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubectl_fed.app import App
from kubectl_fed.commands.reconcile.manifests import manifests_for
from kubectl_fed.core.converge.leader_election import lease_name
from kubectl_fed.core.settings import Settings
from kubectl_fed.render.reconciler_manifests import (
    HEARTBEAT_FILE,
    LoopSettings,
    duration_flag,
    heartbeat_probe,
    reconciler_manifests,
    reconciler_objects,
)
from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.members import MEMBERS

pytestmark = pytest.mark.subprocess

ROOT = Path(__file__).resolve().parents[2]
KUBECONFIG = "apiVersion: v1\nkind: Config\ncontexts: []\n# only the federation's contexts\n"


def documents(federation: str = "sandbox", **options: Any) -> dict[str, dict[str, Any]]:
    objects = reconciler_objects(
        federation=federation, members=MEMBERS, kubeconfig=KUBECONFIG, **options
    )
    text = reconciler_manifests(objects)
    return {doc["kind"]: doc for doc in yaml.safe_load_all(text)}


def test_the_manifests_hold_each_kind_once_in_apply_order() -> None:
    objects = reconciler_objects(federation="sandbox", members=MEMBERS, kubeconfig=KUBECONFIG)
    text = reconciler_manifests(objects)
    kinds = [doc["kind"] for doc in yaml.safe_load_all(text)]
    assert kinds == ["Namespace", "ServiceAccount", "Role", "RoleBinding", "Secret", "Deployment"]
    assert not re.search(r"[&*]id\d", text), "a value written as a YAML alias"


def test_the_lease_rbac_splits_create_from_the_named_lease() -> None:
    objects = documents("prod")
    role, binding = objects["Role"], objects["RoleBinding"]
    assert role["metadata"]["namespace"] == binding["metadata"]["namespace"] == "kube-system"
    lease = {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"]}
    assert role["rules"] == [
        {**lease, "verbs": ["create"]},
        {**lease, "resourceNames": ["kubectl-fed-prod"], "verbs": ["get", "update"]},
    ]
    assert binding["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "Role",
        "name": role["metadata"]["name"],
    }
    account = objects["ServiceAccount"]["metadata"]
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": account["name"], "namespace": account["namespace"]}
    ]


def test_the_secret_holds_the_given_kubeconfig_and_the_membership_only() -> None:
    secret = documents("prod")["Secret"]
    assert set(secret["data"]) == {"kubeconfig", "kubectl-fed.yaml"}
    decoded = {key: base64.b64decode(value).decode() for key, value in secret["data"].items()}
    assert decoded["kubeconfig"] == KUBECONFIG
    assert yaml.safe_load(decoded["kubectl-fed.yaml"]) == {
        "apiVersion": "kubectl-fed/v1",
        "kind": "FederationConfig",
        "current": "prod",
        "federations": {"prod": {"members": MEMBERS}},
    }


def test_the_deployment_runs_two_watchers_with_the_lease_in_cluster() -> None:
    objects = documents("prod", image="registry.example/kubectl-fed:1", loop=LoopSettings(5, 20))
    deployment = objects["Deployment"]
    assert deployment["metadata"]["namespace"] == objects["Namespace"]["metadata"]["name"]
    spec = deployment["spec"]
    assert spec["replicas"] == 2
    assert spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items()
    pod = spec["template"]["spec"]
    assert pod["serviceAccountName"] == objects["ServiceAccount"]["metadata"]["name"]
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"]
    (container,) = pod["containers"]
    assert container["image"] == "registry.example/kubectl-fed:1"
    assert container["args"] == [
        "reconcile",
        "--watch",
        "--kubeconfig=/etc/kubectl-fed/kubeconfig",
        "--federation=prod",
        "--interval=5s",
        "--failover-after=30s",
        "--failback-after=30s",
        "--lease-in-cluster",
        "--lease-duration=20s",
        f"--heartbeat-file={HEARTBEAT_FILE}",
    ]
    env = {item["name"]: item["value"] for item in container["env"]}
    assert env["KUBECTL_FED_CONFIG"] == "/etc/kubectl-fed/kubectl-fed.yaml"
    (mount,) = [m for m in container["volumeMounts"] if m["mountPath"] == "/etc/kubectl-fed"]
    (volume,) = [v for v in pod["volumes"] if v["name"] == mount["name"]]
    assert volume["secret"]["secretName"] == objects["Secret"]["metadata"]["name"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert {"requests", "limits"} <= set(container["resources"])
    assert container["livenessProbe"]["exec"]["command"] == heartbeat_probe(60)


def test_the_heartbeat_probe_fails_on_a_stale_or_missing_file(tmp_path: Path) -> None:
    heartbeat = tmp_path / "heartbeat"
    probe = [arg.replace(HEARTBEAT_FILE, str(heartbeat)) for arg in heartbeat_probe(60)]
    command = ["python3" if part == "python" else part for part in probe]

    def status() -> int:
        return subprocess.run(command, capture_output=True, timeout=60).returncode

    assert status() != 0  # no heartbeat yet
    heartbeat.touch()
    assert status() == 0
    old = time.time() - 61
    os.utime(heartbeat, (old, old))
    assert status() == 1


@pytest.mark.parametrize(
    ("seconds", "flag"), [(10, "10s"), (0.5, "500ms"), (120, "2m"), (90, "90s"), (1.25, "1250ms")]
)
def test_durations_are_written_as_kubectl_flags_take_them(seconds: float, flag: str) -> None:
    assert duration_flag(seconds) == flag


def test_the_dockerfile_builds_the_entrypoint_from_this_checkout() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.MULTILINE)
    assert 'ENTRYPOINT ["kubectl-fed"]' in dockerfile
    assert re.search(r"pip install .*\.", dockerfile)
    copied = re.findall(r"^COPY (.+) \S+$", dockerfile, re.MULTILINE)
    sources = [source for line in copied for source in line.split()]
    assert sources and all((ROOT / source).exists() for source in sources)
    kept = [line[1:] for line in (ROOT / ".dockerignore").read_text().split() if line[:1] == "!"]
    assert sorted(kept) == sorted(sources)


@pytest.mark.kubectl
def test_kubectl_applies_the_manifests_to_a_sandbox_member(
    sandbox: SandboxFederation, fed_env: dict[str, str], kubectl_path: str
) -> None:
    context = sandbox.names[0]
    app = App(Settings(clusters="!europe-west1"), fed_env)
    text = manifests_for(app, loop=LoopSettings())
    assert not any(cluster.requests.records() for cluster in sandbox.clusters), "sent nothing"

    def kubectl(*args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [kubectl_path, "--context", context, *args],
            input=stdin, capture_output=True, text=True, env=fed_env, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    applied = kubectl("apply", "--validate=false", "-f", "-", stdin=text).splitlines()
    assert applied == [
        "namespace/kubectl-fed-system created",
        "serviceaccount/kubectl-fed-reconciler created",
        "role.rbac.authorization.k8s.io/kubectl-fed-reconciler-lease created",
        "rolebinding.rbac.authorization.k8s.io/kubectl-fed-reconciler-lease created",
        "secret/kubectl-fed-config created",
        "deployment.apps/kubectl-fed-reconciler created",
    ]
    again = kubectl("apply", "--validate=false", "-f", "-", stdin=text).splitlines()
    assert all(line.endswith(" unchanged") for line in again) and len(again) == 6

    store = sandbox.cluster(context).store
    deployment = store.get("deployments", "kubectl-fed-system", "kubectl-fed-reconciler")
    assert deployment["spec"]["replicas"] == 2
    role = store.get("roles", "kube-system", "kubectl-fed-reconciler-lease")
    assert role["rules"][1]["resourceNames"] == [lease_name("sandbox")]
    secret = store.get("secrets", "kubectl-fed-system", "kubectl-fed-config")
    embedded = yaml.safe_load(base64.b64decode(secret["data"]["kubeconfig"]))
    assert [c["name"] for c in embedded["contexts"]] == ["us-central1", "asia-east1"]
    assert len(embedded["clusters"]) == len(embedded["users"]) == 2
    membership = yaml.safe_load(base64.b64decode(secret["data"]["kubectl-fed.yaml"]))
    assert membership["federations"] == {"sandbox": {"members": ["us-central1", "asia-east1"]}}

    # the sandbox's Deployment controller runs the two watchers' pods
    kubectl(
        "rollout",
        "status",
        "--timeout=30s",
        "-n",
        "kubectl-fed-system",
        "deploy/kubectl-fed-reconciler",
    )
    listed = kubectl("get", "deploy,sa,secret", "-n", "kubectl-fed-system").split("\n\n")
    deployments, accounts, secrets = (block.strip().splitlines() for block in listed)
    assert deployments[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert deployments[1].split()[:4] == [
        "deployment.apps/kubectl-fed-reconciler", "2/2", "2", "2",
    ]  # fmt: skip
    assert accounts[1].split()[:2] == ["serviceaccount/kubectl-fed-reconciler", "0"]
    assert secrets[1].split()[:3] == ["secret/kubectl-fed-config", "Opaque", "2"]
    bindings = kubectl("get", "rolebinding", "-n", "kube-system", "-o", "wide").splitlines()
    assert bindings[1].split()[:2] == [
        "kubectl-fed-reconciler-lease",
        "Role/kubectl-fed-reconciler-lease",
    ]
    assert bindings[1].split()[-1] == "kubectl-fed-system:kubectl-fed-reconciler"
