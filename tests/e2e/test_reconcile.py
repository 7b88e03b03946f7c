"""Convergence without a control plane, on a 3-cluster sandbox: the guide's order rolls
out by itself, `reconcile` repairs what kubectl changed behind the federation's back and
writes nothing the second time, and rollouts say why they wait."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kubectl_fed.sandbox.controllers import SimulationOptions
from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.fed import EXAMPLES, Fed
from tests.support.manifests import ingress_yaml, manifest_file, replicaset_yaml
from tests.support.members import ASIA, EU, US
from tests.support.polling import eventually

pytestmark = [pytest.mark.subprocess, pytest.mark.sandbox]

PENDING = "kubectl-fed.io/rollout-pending"
WARNING = 'Translation failed: invalid ingress spec: could not find service "default/nginx"'


def address(fed: Fed, cluster: str, name: str = "myingress") -> str | None:
    ingress = fed.objects(cluster, "ingresses").get(name) or {}
    points = ((ingress.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    return points[0].get("ip") if points else None


def annotations_of(obj: dict[str, Any]) -> dict[str, str]:
    return dict(obj["metadata"].get("annotations") or {})


def create_guide_ingress_first(fed: Fed) -> None:
    """The guide's order, first step: the Ingress before its Service."""
    started = time.monotonic()
    created = fed.run("create", "-f", str(EXAMPLES / "myingress.yaml"), "--wait-timeout", "60")
    took = time.monotonic() - started
    assert created.status == 3, created.err
    assert took < 5, f"GLBC's warning should end the wait at once, took {took:.1f}s"
    assert created.out_lines[-1] == f"{US}: ingress.networking.k8s.io/myingress created"
    assert created.err_lines[-2:] == [
        f"error: ingress default/myingress: {US}'s ingress controller reports: {WARNING}; "
        f"not created in {EU}, {ASIA}",
        f"hint: see `kubectl --context={US} describe ingress myingress -n default`; once the "
        "cause is fixed, `kubectl fed create/apply` of its Services, or "
        "`kubectl fed reconcile ingress myingress -n default`, finishes the rollout",
    ]
    leader = fed.objects(US, "ingresses")["myingress"]
    assert annotations_of(leader)[PENDING] == f"{EU},{ASIA}"
    assert "myingress" not in fed.objects(EU, "ingresses")


def test_the_guides_order_ends_fully_rolled_out(fed: Fed) -> None:
    create_guide_ingress_first(fed)
    shown = fed.run("describe", "ingress", "myingress")
    assert (
        f"Rollout:          unfinished: 1/3 members, waiting for an address in {US}: {WARNING}"
        in shown.out_lines
    ), shown.out
    got = fed.run("get", "ingress")
    assert (
        f"warning: ingress default/myingress: rollout unfinished: 1/3 members, "
        f"waiting for an address in {US}" in got.err_lines
    ), got.err

    service = fed.run("create", "-f", str(EXAMPLES / "services" / "nginx.yaml"))
    assert service.status == 0, service.err
    assert service.out_lines[3:] == [
        f"{EU}: ingress.networking.k8s.io/myingress created",
        f"{ASIA}: ingress.networking.k8s.io/myingress created",
        f"{US}: ingress.networking.k8s.io/myingress configured",
    ]
    replicas = fed.run("create", "-f", str(EXAMPLES / "myreplicaset.yaml"))
    assert replicas.status == 0, replicas.err

    assert eventually(lambda: all(address(fed, c) for c in fed.names))
    addresses = {address(fed, c) for c in fed.names}
    assert len(addresses) == 1, addresses
    for cluster in fed.names:
        assert PENDING not in annotations_of(fed.objects(cluster, "ingresses")["myingress"])
    again = fed.run("reconcile")
    assert (again.status, again.out_lines) == (0, ["0 changes"]), again.err


def test_reconcile_repairs_what_kubectl_changed_and_then_writes_nothing(
    fed: Fed, kubectl_path: str
) -> None:
    for name in ("services/nginx.yaml", "myreplicaset.yaml", "myingress.yaml"):
        created = fed.run("create", "-f", str(EXAMPLES / name))
        assert created.status == 0, created.err
    kubectl = [kubectl_path, "--kubeconfig", fed.env["KUBECONFIG"] or ""]
    node_port = fed.objects(US, "services")["nginx"]["spec"]["ports"][0]["nodePort"]
    patch = json.dumps([{"op": "replace", "path": "/spec/ports/0/nodePort", "value": 31999}])
    for args in (
        ["--context", ASIA, "delete", "service", "nginx"],
        ["--context", EU, "patch", "service", "nginx", "--type=json", "-p", patch],
        ["--context", US, "scale", "rs", "nginx", "--replicas", "5"],
    ):
        done = subprocess.run([*kubectl, *args], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr

    planned = fed.run("reconcile", "--dry-run")
    assert planned.status == 0, planned.err
    assert fed.objects(EU, "services")["nginx"]["spec"]["ports"][0]["nodePort"] == 31999

    fed.clear_requests()
    reconciled = fed.run("reconcile", "-o", "json")
    assert reconciled.status == 0, reconciled.err
    report = json.loads(reconciled.out)
    assert (report["kind"], report["errors"]) == ("ReconcileReport", [])
    changes = {(c["cluster"], c["object"], c["action"]) for c in report["changes"]}
    assert changes == {
        (EU, "service default/nginx", "configured"),
        (ASIA, "service default/nginx", "created"),
        (US, "replicaset default/nginx", "scaled"),
    }
    assert [c["detail"] for c in report["changes"] if c["cluster"] == EU] == [
        f"port http nodePort {node_port} (was 31999)"
    ]
    for cluster in fed.names:
        assert fed.objects(cluster, "services")["nginx"]["spec"]["ports"][0]["nodePort"] == (
            node_port
        )
        assert fed.objects(cluster, "replicasets")["nginx"]["spec"]["replicas"] == 2
    assert planned.out_lines[-1] == "3 changes (dry run)"

    fed.clear_requests()
    second = fed.run("reconcile")
    assert (second.status, second.out_lines, second.err) == (0, ["0 changes"], "")
    assert fed.writes() == {cluster: [] for cluster in fed.names}


def test_a_drifted_spec_is_restored_from_the_record(fed: Fed, tmp_path: Path) -> None:
    path = manifest_file(tmp_path, "rs.yaml", [replicaset_yaml("web", 6)])
    assert fed.run("create", "-f", path).status == 0
    store = fed.sandbox.cluster(EU).store
    image = {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "evil"}]}}}}
    store.patch("replicasets", "default", "web", image)
    done = fed.run("reconcile", "rs", "web", "-n", "default")
    assert done.status == 0, done.err
    assert done.out_lines[1].split()[:4] == [EU, "replicaset", "default/web", "configured"]
    assert "spec.template.spec.containers" in done.out_lines[1]
    containers = fed.objects(EU, "replicasets")["web"]["spec"]["template"]["spec"]["containers"]
    assert containers[0]["image"] == "nginx:1.27"


def test_reconcile_finishes_a_rollout_and_names_what_it_waits_for(fed: Fed, tmp_path: Path) -> None:
    path = manifest_file(tmp_path, "ing.yaml", [ingress_yaml("web", "web")])
    created = fed.run("create", "-f", path)
    assert created.status == 3, created.err
    waiting = fed.run("reconcile", "--no-wait", "-o", "json")
    assert waiting.status == 1
    (error,) = json.loads(waiting.out)["errors"]
    assert error["cluster"] == US and error["reason"] == "RolloutPending"
    assert error["message"].startswith(f"ingress default/web: waiting for an address in {US}: ")
    assert "could not find service" in error["message"]

    store = fed.sandbox.cluster(US).store  # the Service appears behind the federation's back
    service = {"metadata": {"name": "web"}, "spec": {"type": "NodePort", "selector": {"a": "b"},
               "ports": [{"port": 80, "targetPort": 80}]}}  # fmt: skip
    store.create("services", "default", service)
    finished = fed.run("reconcile", "ingress", "web")
    assert finished.status == 0, finished.err
    assert [line.split()[:3] for line in finished.out_lines[1:3]] == [
        [EU, "ingress", "default/web"],
        [ASIA, "ingress", "default/web"],
    ]
    for cluster in (EU, ASIA):
        copy = fed.objects(cluster, "ingresses")["web"]
        assert annotations_of(copy)["kubernetes.io/ingress.global-static-ip-name"]
    assert PENDING not in annotations_of(fed.objects(US, "ingresses")["web"])


def test_reconcile_bad_input_is_exit_2_and_reads_nothing(fed: Fed) -> None:
    fed.clear_requests()
    for args, message in (
        (["reconcile", "pods"], 'the server doesn\'t have a resource type "pods"'),
        (["reconcile", "rs", "a", "b"], "reconcile takes at most KIND and NAME"),
        (["reconcile", "--watch", "--dry-run"], "--dry-run cannot be used with --watch"),
        (["reconcile", "--interval", "soon"], "'soon' is not a positive duration"),
    ):
        refused = fed.run(*args)
        assert refused.status == 2, (args, refused.err)
        assert message in refused.err_lines[0], refused.err
    assert all(not fed.sandbox.cluster(c).requests.records() for c in fed.names)


def test_ctrl_c_while_waiting_says_what_exists_where(fed: Fed, tmp_path: Path) -> None:
    fed.sandbox.simulation.controllers(US).stop()  # no GLBC: no address, no warning
    path = manifest_file(tmp_path, "ing.yaml", [ingress_yaml("web", "web")])
    env = {k: v for k, v in {**os.environ, **fed.env}.items() if v is not None}
    process = subprocess.Popen(
        [sys.executable, "-m", "kubectl_fed", "create", "-f", path],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert eventually(lambda: "web" in fed.objects(US, "ingresses"))
        time.sleep(0.5)  # into the wait
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 130
    assert out.splitlines()[-1] == f"{US}: ingress.networking.k8s.io/web created"
    assert err.splitlines()[-2:] == [
        f"interrupted while waiting for {US}'s address: ingress default/web exists in {US} "
        f"only; not created in {EU}, {ASIA}",
        "hint: finish it with `kubectl fed reconcile ingress web -n default`, or undo it with "
        "`kubectl fed delete ingress web -n default`",
    ]


def test_doctor_without_a_federated_ingress_leaves_the_glbc_uids_alone(fed: Fed) -> None:
    uids = {
        c: fed.sandbox.cluster(c).store.get("configmaps", "kube-system", "ingress-uid")["data"]
        for c in fed.names
    }
    assert len({data["uid"] for data in uids.values()}) == 3  # the sandbox starts them apart
    report = fed.run("doctor", "-o", "json")
    assert report.status == 0, report.out
    (check,) = [c for c in json.loads(report.out)["checks"] if c["id"] == "glbc-uid"]
    assert (check["status"], check["message"]) == (
        "skip",
        "no federated GCE ingress: members need not share a GLBC UID",
    )
    fixed = fed.run("doctor", "--fix", "--yes")
    assert fixed.err_lines[0] == "doctor: nothing --fix can repair safely"
    after = {
        c: fed.sandbox.cluster(c).store.get("configmaps", "kube-system", "ingress-uid")["data"]
        for c in fed.names
    }
    assert after == uids


def test_the_guides_order_under_the_2016_glbc(
    sandbox_factory: Callable[..., SandboxFederation], tmp_path: Path
) -> None:
    """`sandbox up --glbc legacy`: the guide's controller sent a missing Service's paths to
    the default backend, so the first member shows an address before the Service exists,
    as in the guide's transcript, and the rollout does not wait for the Service."""
    sandbox = sandbox_factory(simulation=SimulationOptions(glbc="legacy"))
    env = {k: v for k, v in os.environ.items() if k != "KUBECTL_FED_DEBUG"}
    env.update(
        KUBECONFIG=str(sandbox.kubeconfig_path),
        KUBECTL_FED_CONFIG=str(sandbox.membership_path),
        HOME=str(tmp_path / "home"),
    )
    fed = Fed(sandbox, env)
    created = fed.run("create", "-f", str(EXAMPLES / "myingress.yaml"), "--wait-timeout", "60")
    assert created.status == 0, created.err
    assert [line for line in created.out_lines if "ingress.networking" in line] == [
        f"{c}: ingress.networking.k8s.io/myingress created" for c in (US, EU, ASIA)
    ]
    assert address(fed, US) is not None and "nginx" not in fed.objects(US, "services")
    default_port = fed.objects(US, "services", "kube-system")["default-http-backend"]["spec"][
        "ports"
    ][0]["nodePort"]
    uid = fed.objects(US, "configmaps", "kube-system")["ingress-uid"]["data"]["uid"]
    backends = json.loads(
        annotations_of(fed.objects(US, "ingresses")["myingress"])["ingress.kubernetes.io/backends"]
    )
    assert list(backends) == [f"k8s-be-{default_port}--{uid}"]

    service = fed.run("create", "-f", str(EXAMPLES / "services" / "nginx.yaml"))
    assert service.status == 0, service.err
    node_port = fed.objects(US, "services")["nginx"]["spec"]["ports"][0]["nodePort"]

    def routed_to_nginx() -> bool:
        ingress = fed.objects(US, "ingresses")["myingress"]
        names = json.loads(annotations_of(ingress).get("ingress.kubernetes.io/backends") or "{}")
        return list(names) == [f"k8s-be-{node_port}--{uid}"]

    assert eventually(routed_to_nginx)
    assert eventually(lambda: len({address(fed, c) for c in fed.names}) == 1)
