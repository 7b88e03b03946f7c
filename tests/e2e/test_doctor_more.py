"""doctor end to end, the checks test_doctor.py leaves out: a shared provider-uid, a
ClusterIP backend, a member without GLBC's ConfigMap, an ingress without a default
backend, the Google Cloud load balancer changed behind GLBC's back, and a federated
ReplicaSet deleted from one member; and a member's copy on a load balancer of its own.

As there: break one thing, doctor names it (cluster, object, fix) while every other
check passes, then `--fix --yes` repairs what it can, or the printed fix is followed.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kubectl_fed.core.model.objects import is_federated
from kubectl_fed.sandbox.apiserver import deletion
from kubectl_fed.sandbox.gce import GceState
from tests.support.describe import INGRESS, settled_walkthrough
from tests.support.doctor import doctor
from tests.support.fed import Fed
from tests.support.members import ASIA, EU, US
from tests.support.polling import eventually

pytestmark = [pytest.mark.gce, pytest.mark.subprocess]

ING = f"ingress default/{INGRESS}"
UID_CONFIGMAP = "configmap kube-system/ingress-uid"
NOTHING_TO_FIX = "doctor: nothing --fix can repair safely\n"
# An IP of the emulator's pools that it never hands out first.
ELSEWHERE = "198.51.100.250"
ROUTED = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: routed
  annotations:
    kubernetes.io/ingress.class: gce
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: nginx
                port:
                  number: 80
"""
DEFAULT_BACKEND = """  defaultBackend:
    service:
      name: nginx
      port:
        number: 80
"""


@pytest.fixture
def fed(fed: Fed) -> Fed:
    settled_walkthrough(fed)
    return fed


def problems(fed: Fed) -> set[tuple[str, str, str | None]]:
    return doctor(fed).problems


def healthy(fed: Fed) -> bool:
    report = doctor(fed)
    return report.status == 0 and not report.problems


def kubectl(fed: Fed, path: str, *args: str) -> None:
    """The real kubectl, on the sandbox's kubeconfig."""
    env = {k: v for k, v in fed.env.items() if v is not None}
    done = subprocess.run([path, *args], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def nothing_to_fix(fed: Fed, status: int = 1) -> None:
    run = fed.run("doctor", "--fix", "--yes")
    assert (run.status, run.err) == (status, NOTHING_TO_FIX)


def annotation(fed: Fed, key: str) -> str:
    ingress = fed.sandbox.cluster(US).store.get("ingresses", "default", INGRESS)
    return str(ingress["metadata"]["annotations"][f"ingress.kubernetes.io/{key}"])


def without_groups_of(gce: GceState, backend: str, region: str) -> dict[str, Any]:
    """The backend service's `backends` with no instance group in `region`'s zones."""
    found = gce.get_resource("backendServices", backend)
    assert found is not None
    kept = [b for b in found["backends"] if f"/zones/{region}-" not in b["group"]]
    assert 0 < len(kept) < len(found["backends"])
    return {"backends": kept}


@pytest.mark.kubectl
def test_a_shared_provider_uid_and_a_cluster_ip_backend(fed: Fed, kubectl_path: str) -> None:
    def set_provider_uid(value: str) -> None:
        patch = json.dumps({"data": {"provider-uid": value}})
        uid_configmap = ("-n", "kube-system", "patch", "configmap", "ingress-uid", "-p", patch)
        kubectl(fed, kubectl_path, f"--context={ASIA}", *uid_configmap)

    us = fed.sandbox.cluster(US).store.get("configmaps", "kube-system", "ingress-uid")
    shared = us["data"]["provider-uid"]
    set_provider_uid(shared)
    report = doctor(fed)
    check = report.one("provider-uid", "fail")
    assert (report.status, check["cluster"], check["object"]) == (1, f"{US}, {ASIA}", UID_CONFIGMAP)
    assert f"provider-uid {shared} is shared by {US}, {ASIA}" in check["message"]
    assert f"kubectl --context={ASIA} -n kube-system edit configmap ingress-uid" in check["fix"]
    assert report.problems == {("provider-uid", "fail", f"{US}, {ASIA}")}
    nothing_to_fix(fed)
    set_provider_uid("0a1b2c3d4e5f6071")
    assert eventually(lambda: healthy(fed)), problems(fed)

    to_cluster_ip = [
        {"op": "replace", "path": "/spec/type", "value": "ClusterIP"},
        {"op": "remove", "path": "/spec/ports/0/nodePort"},
        {"op": "remove", "path": "/spec/externalTrafficPolicy"},
    ]
    patch = ("patch", "service", "nginx", "--type=json", "-p", json.dumps(to_cluster_ip))
    kubectl(fed, kubectl_path, f"--context={EU}", *patch)
    report = doctor(fed)
    check = report.one("backend-type", "fail")
    assert (report.status, check["cluster"], check["object"]) == (1, EU, ING)
    assert check["message"].startswith(f"service nginx is ClusterIP in {EU}: GLBC builds no")
    assert check["fix"].startswith("set spec.type: NodePort in service nginx's manifest")
    # The copy differs from the others (drift) but has no node port to disagree on.
    assert {p for p in report.problems if not p[0].startswith("gce-")} == {
        ("backend-type", "fail", EU),
        ("drift", "warn", EU),
    }
    fixed = fed.run("doctor", "--fix", "--yes")
    assert (
        f"fixed: restore service default/nginx in {EU} to the federation's desired state"
        in fixed.err_lines
    ), fixed.err
    assert fed.sandbox.cluster(EU).store.get("services", "default", "nginx")["spec"]["type"] == (
        "LoadBalancer"
    )
    assert eventually(lambda: healthy(fed)), problems(fed)


def test_a_member_without_glbc_and_an_ingress_without_a_default_backend(
    fed: Fed, tmp_path: Path
) -> None:
    eu = fed.sandbox.cluster(EU).store
    configmap = eu.get("configmaps", "kube-system", "ingress-uid")
    eu.delete("configmaps", "kube-system", "ingress-uid")
    report = doctor(fed)
    check = report.one("ingress-controller", "warn")
    assert (report.status, check["cluster"], check["object"]) == (0, EU, None)
    assert check["message"] == (
        "ingress controller unknown: no kube-system/ingress-uid ConfigMap: "
        "this member cannot share the global load balancer"
    )
    assert check["fix"].endswith(f"or unjoin it: kubectl fed unjoin {EU}")
    not_gce = ("pre-agreement-ingress", "skip", EU)
    assert report.problems == {("ingress-controller", "warn", EU), not_gce}
    assert report.one("pre-agreement-ingress", "skip")["message"] == "ingress controller not GCE"
    nothing_to_fix(fed, status=0)
    assert fed.run("doctor", "--strict").status == 1
    data = configmap["data"]
    eu.create("configmaps", "kube-system", {"metadata": {"name": "ingress-uid"}, "data": data})
    assert eventually(lambda: healthy(fed)), problems(fed)

    manifest = tmp_path / "routed.yaml"
    manifest.write_text(ROUTED)
    created = fed.run("create", "-f", str(manifest))
    assert created.status == 0, created.err
    routed = ("default-backend", "warn", None)
    assert eventually(lambda: problems(fed) == {routed}), problems(fed)
    report = doctor(fed)
    check = report.one("default-backend", "warn")
    assert (report.status, check["object"]) == (0, "ingress default/routed")
    assert check["message"].startswith("no default backend: unmatched requests go to")
    # each member's GLBC adds its own default backend, on a node port of its own: no mismatch
    defaults = [
        (c["status"], c["message"].split(" has the instance groups of ")[1].split(",")[0])
        for c in report.checks
        if c["id"] == "gce-backend-services" and "whose default backend" in c["message"]
    ]
    assert sorted(defaults) == sorted(("pass", member) for member in fed.names)
    assert check["fix"] == (
        "add spec.defaultBackend to the manifest, then: kubectl fed apply -f <its manifest>"
    )
    assert fed.run("doctor", "--strict").status == 1
    manifest.write_text(ROUTED + DEFAULT_BACKEND)
    applied = fed.run("apply", "-f", str(manifest))
    assert applied.status == 0, applied.err
    assert eventually(lambda: healthy(fed)), problems(fed)


def test_the_load_balancer_changed_behind_glbcs_back(fed: Fed) -> None:
    gce = fed.sandbox.simulation.gce
    rule, address = annotation(fed, "forwarding-rule"), annotation(fed, "static-ip")
    (backend,) = json.loads(annotation(fed, "backends"))
    ip = fed.sandbox.cluster(US).store.get("ingresses", "default", INGRESS)["status"]
    ip = ip["loadBalancer"]["ingress"][0]["ip"]

    gce.edit_resource("addresses", address, None)
    report = doctor(fed)
    check = report.one("gce-static-ip", "warn")
    assert (report.status, check["object"], check["cluster"]) == (0, ING, None)
    assert check["message"] == f"{ip} is not a reserved global address: it may change"
    assert check["fix"].endswith(f"gcloud compute addresses create NAME --global --addresses {ip}")
    assert report.problems == {("gce-static-ip", "warn", None)}
    gce.undo_edits()

    gce.edit_resource("forwardingRules", rule, {"IPAddress": ELSEWHERE})
    gce.edit_resource("addresses", address, {"address": ELSEWHERE})
    report = doctor(fed)
    check = report.one("gce-forwarding-rule", "fail")
    everyone = f"{US}, {EU}, {ASIA}"
    assert (report.status, check["object"], check["cluster"]) == (1, ING, everyone)
    shown = "; ".join(f"{ip} in {c}" for c in fed.names)
    assert (
        check["message"] == f"forwarding rule IP {ELSEWHERE} is not the ingress address ({shown})"
    )
    assert check["fix"] == (
        "if the GLBC UIDs differ: kubectl fed doctor --fix; if they agree, GLBC restores it on "
        f"its next sync, else see its events: kubectl --context={US} -n default describe "
        f"ingress {INGRESS}"
    )
    assert report.problems == {("gce-forwarding-rule", "fail", everyone)}
    gce.undo_edits()

    gce.edit_resource("backendServices", backend, without_groups_of(gce, backend, EU))
    report = doctor(fed)
    check = report.one("gce-backend-services", "fail")
    assert (report.status, check["object"], check["cluster"]) == (1, ING, EU)
    assert check["message"] == f"backend service {backend} has no instance group of {EU}"
    assert check["fix"].startswith("if the node ports or GLBC UIDs differ: kubectl fed doctor")
    assert check["fix"].endswith(f"kubectl --context={EU} -n default describe ingress {INGRESS}")
    assert report.problems == {("gce-backend-services", "fail", EU)}
    gce.undo_edits()

    eu_uids = fed.sandbox.cluster(EU).store.get("configmaps", "kube-system", "ingress-uid")
    eu_rule = f"k8s-fw-l7--{eu_uids['data']['provider-uid']}"
    gce.edit_resource("firewalls", eu_rule, None)  # the others' rules target their own nodes
    report = doctor(fed)
    check = report.one("gce-firewall", "warn")
    assert (report.status, check["object"], check["cluster"]) == (0, ING, EU)
    assert check["message"].startswith(f"GLBC's firewall rule for {EU} ({eu_rule}) is missing")
    assert f"kubectl --context={EU} -n default describe ingress {INGRESS}" in check["fix"]
    assert report.problems == {("gce-firewall", "warn", EU)}
    gce.undo_edits()

    for firewall in gce.list_resources("firewalls"):
        gce.edit_resource("firewalls", firewall["name"], {"sourceRanges": ["10.128.0.0/9"]})
    report = doctor(fed)
    check = report.one("gce-firewall", "fail")
    assert (report.status, check["object"], check["cluster"]) == (1, ING, None)
    port = backend.split("-")[2]
    assert check["message"] == (
        f"no firewall rule admits tcp:{port} from 130.211.0.0/22, tcp:{port} from 35.191.0.0/16"
    )
    assert check["fix"].startswith("gcloud compute firewall-rules create k8s-health-checks")
    assert report.problems == {("gce-firewall", "fail", None)}
    nothing_to_fix(fed)
    gce.undo_edits()
    assert healthy(fed), problems(fed)


def test_a_replicaset_deleted_from_one_member_is_recreated_by_fix(fed: Fed) -> None:
    fed.sandbox.cluster(ASIA).store.delete("replicasets", "default", "nginx")
    # Its pods go too, which empties the member's shard, as GCE's health checks then see.
    gone = {
        ("presence", "fail", ASIA),
        ("replica-split", "warn", ASIA),
        ("shards", "warn", ASIA),
        ("gce-backend-health", "warn", ASIA),
    }
    assert eventually(lambda: problems(fed) == gone), problems(fed)
    report = doctor(fed)
    check = report.one("presence", "fail")
    assert (report.status, check["cluster"], check["object"]) == (
        1,
        ASIA,
        "replicaset default/nginx",
    )
    assert check["message"] == f"missing in {ASIA}; present in {US}, {EU}"
    assert check["fix"].startswith(f"kubectl fed doctor --fix (recreates it from {US}'s copy)")
    health = report.one("gce-backend-health", "warn")
    assert (health["object"], health["message"].split(": ")[1]) == (
        ING,
        f"0/3 instances healthy in {ASIA}",
    )
    fixed = fed.run("doctor", "--fix", "--yes")
    assert f"fixed: rebalance replicaset default/nginx: {ASIA} 2 (recreated)\n" in fixed.err
    recreated = fed.sandbox.cluster(ASIA).store.get("replicasets", "default", "nginx")
    assert recreated["spec"]["replicas"] == 2 and is_federated(recreated)
    assert eventually(lambda: healthy(fed)), problems(fed)


def test_a_copy_on_its_own_load_balancer_then_the_printed_fix(fed: Fed) -> None:
    asia = fed.sandbox.cluster(ASIA).store
    asia.patch("configmaps", "kube-system", "ingress-uid", {"data": {"uid": "0123456789abcdef"}})
    odd = asia.get("ingresses", "default", INGRESS)
    odd.pop("status")
    for field in ("uid", "resourceVersion", "generation", "creationTimestamp", "managedFields"):
        odd["metadata"].pop(field, None)
    annotations = odd["metadata"]["annotations"]
    odd["metadata"]["annotations"] = {
        k: v
        for k, v in annotations.items()
        if "static-ip" not in k and not k.startswith("ingress.kubernetes.io/")
    }
    odd["metadata"].pop("finalizers", None)
    asia.delete("ingresses", "default", INGRESS)
    assert eventually(lambda: not asia.list("ingresses", "default"))  # GLBC lets it go
    asia.create("ingresses", "default", odd)  # GLBC gives it a load balancer of its own
    split = ("ingress-address", "fail", ASIA)
    assert eventually(lambda: split in problems(fed)), problems(fed)
    report = doctor(fed)
    check = report.one("ingress-address", "fail")
    assert (check["object"], check["message"].split(" (")[0]) == (
        ING,
        "members show different addresses",
    )
    assert check["fix"].endswith(
        f"kubectl --context={ASIA} -n default delete ingress {INGRESS} && kubectl fed doctor --fix"
    )
    separate = {
        ("gce-backend-services", "fail", ASIA),
        ("gce-backend-services", "fail", f"{US}, {EU}"),
    }
    assert report.problems == {("glbc-uid", "fail", ASIA), split, *separate}
    fixed = fed.run("doctor", "--fix", "--yes")
    assert "fixed: set GLBC UID" in fixed.err, fixed.err
    asia.delete("ingresses", "default", INGRESS)
    fixed = fed.run("doctor", "--fix", "--yes")
    assert f"fixed: create ingress default/{INGRESS} in {ASIA} from {US}'s copy" in fixed.err
    recreated = asia.get("ingresses", "default", INGRESS)["metadata"]["annotations"]
    assert "kubernetes.io/ingress.global-static-ip-name" in recreated
    assert eventually(lambda: healthy(fed)), problems(fed)


def test_an_ingress_stuck_in_terminating(fed: Fed, monkeypatch: pytest.MonkeyPatch) -> None:
    """Deleted ten minutes ago, GLBC stuck in europe-west1: doctor names the finalizer, and
    neither it nor reconcile brings the ingress back from the copy being deleted."""
    fed.sandbox.simulation.pause_glbc(EU)
    long_ago = (datetime.now(UTC) - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    monkeypatch.setattr(deletion, "deletion_timestamp", lambda grace: long_ago)
    for cluster in fed.names:
        fed.sandbox.cluster(cluster).store.delete("ingresses", "default", INGRESS)
    assert eventually(
        lambda: not fed.objects(US, "ingresses") and not fed.objects(ASIA, "ingresses")
    )

    report = doctor(fed)
    assert report.status == 1
    stuck = report.one("terminating", "fail")
    assert (stuck["cluster"], stuck["object"]) == (EU, ING)
    assert stuck["message"] == (
        "Terminating for more than 5m, held by finalizers "
        "(europe-west1: networking.gke.io/ingress-finalizer-V2)"
    )
    assert f"kubectl --context={EU} -n default patch ingress {INGRESS}" in stuck["fix"]
    presence = [c for c in report.checks if c["id"] == "presence" and c["object"] == ING]
    assert [(c["status"], c["message"]) for c in presence] == [
        ("pass", f"being deleted (Terminating in {EU})")
    ]
    planned = fed.run("reconcile", "--dry-run")
    assert planned.status == 0, planned.err
    assert ING not in planned.out

    fed.sandbox.simulation.pause_glbc(EU, paused=False)
    assert eventually(lambda: not fed.objects(EU, "ingresses"))
    assert "terminating" not in {c["id"] for c in doctor(fed).checks}
