"""The kinds beyond the guide's three, end to end on a 3-cluster sandbox: the guide's
walkthrough with a Deployment in place of the ReplicaSet, a TLS Ingress with its Secret,
Secrets and ConfigMaps fanned out as written, and a Namespace with what it holds."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.describe import INGRESS, all_healthy
from tests.support.doctor import doctor
from tests.support.fed import EXAMPLES, Fed
from tests.support.manifests import manifest_file
from tests.support.members import ASIA, EU, US
from tests.support.polling import eventually

pytestmark = pytest.mark.gce

CERT, KEY = "Y2VydGlmaWNhdGU=", "a2V5LWJ5dGVz"  # base64 of "certificate", "key-bytes"
SECRET = f"""apiVersion: v1
kind: Secret
metadata: {{name: tls-secret}}
type: kubernetes.io/tls
data: {{tls.crt: {CERT}, tls.key: {KEY}}}
"""
CONFIGMAP = """apiVersion: v1
kind: ConfigMap
metadata: {name: web-config}
data: {index.html: "<h1>hello</h1>"}
"""


def as_deployment(replicaset: dict[str, Any]) -> dict[str, Any]:
    return {**replicaset, "kind": "Deployment"}


def walkthrough_with_a_deployment(tmp_path: Path) -> Path:
    """examples/ with myreplicaset.yaml replaced by the same pods as a Deployment."""
    copy = tmp_path / "examples"
    shutil.copytree(EXAMPLES, copy)
    replicaset = yaml.safe_load((copy / "myreplicaset.yaml").read_text())
    (copy / "myreplicaset.yaml").unlink()
    (copy / "mydeployment.yaml").write_text(yaml.safe_dump(as_deployment(replicaset)))
    return copy


def check_ids(fed: Fed) -> set[tuple[str, str, str | None]]:
    return doctor(fed).problems


def test_the_walkthrough_with_a_deployment_splits_it_and_passes_doctor(
    fed: Fed, tmp_path: Path
) -> None:
    created = fed.run("create", "-R", "-f", str(walkthrough_with_a_deployment(tmp_path)))
    assert created.status == 0, created.err
    assert f"{US}: deployment.apps/nginx created" in created.out_lines
    assert eventually(lambda: all_healthy(fed)), fed.run("describe", "ing", INGRESS).out
    shares = {c: fed.objects(c, "deployments")["nginx"]["spec"]["replicas"] for c in fed.names}
    assert shares == {US: 2, EU: 2, ASIA: 2}
    assert eventually(lambda: all(len(fed.objects(c, "pods")) == 2 for c in fed.names))
    listed = fed.run("get", "deploy", "-o", "wide")
    assert listed.status == 0, listed.err
    assert listed.out_lines[0].split() == [
        "CLUSTER", "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE",
        "CONTAINERS", "IMAGES", "SELECTOR", "PLANNED", "FED-TOTAL",
    ]  # fmt: skip
    assert {tuple(line.split()[i] for i in (0, 8, 9, 10)) for line in listed.out_lines[1:]} == {
        (cluster, "app=nginx", "2", "6") for cluster in fed.names
    }
    report = doctor(fed)
    assert (report.status, report.problems) == (0, set()), report.checks
    assert {c["object"] for c in report.checks if c["id"] == "presence"} >= {
        "deployment default/nginx"
    }
    named = doctor(fed, INGRESS)  # the ingress, its Service and the Deployment they select
    failed = [c for c in named.checks if c["status"] != "pass"]
    assert (named.status, failed) == (0, []), failed
    assert {c["object"] for c in named.checks if c["id"] == "presence"} == {
        f"ingress default/{INGRESS}",
        "service default/nginx",
        "deployment default/nginx",
    }

    scaled = fed.run("scale", "deploy", "nginx", "--replicas", "9")
    assert scaled.status == 0, scaled.err
    assert [line.split() for line in scaled.out_lines[:5]] == [
        ["CLUSTER", "BEFORE", "AFTER"],
        [US, "2", "3"],
        [EU, "2", "3"],
        [ASIA, "2", "3"],
        ["TOTAL", "6", "9"],
    ]
    described = fed.run("describe", "deploy", "nginx")
    assert described.status == 0, described.err
    assert "Replicas:     9 desired (federation total)" in described.out

    store = fed.sandbox.cluster(EU).store
    changed = store.get("deployments", "default", "nginx")
    store.update(
        "deployments", "default", "nginx", {**changed, "spec": {**changed["spec"], "replicas": 1}}
    )
    assert ("replica-split", "warn", EU) in doctor(fed).problems
    reconciled = fed.run("reconcile", "deploy", "nginx")
    assert reconciled.status == 0, reconciled.err
    assert [line.split()[:4] for line in reconciled.out_lines[1:-1]] == [
        [EU, "deployment", "default/nginx", "scaled"]
    ]
    assert reconciled.out_lines[-1] == "1 change"
    shares = {c: fed.objects(c, "deployments")["nginx"]["spec"]["replicas"] for c in fed.names}
    assert shares == {US: 3, EU: 3, ASIA: 3}


def test_a_tls_ingress_with_its_secret_then_the_secret_lost_in_one_member(
    fed: Fed, tmp_path: Path
) -> None:
    ingress = yaml.safe_load((EXAMPLES / "myingress.yaml").read_text())
    ingress["spec"]["tls"] = [{"hosts": ["shop.example.com"], "secretName": "tls-secret"}]
    services = [str(path) for path in sorted((EXAMPLES / "services").glob("*.yaml"))]
    objects = manifest_file(tmp_path, "tls.yaml", [SECRET, yaml.safe_dump(ingress)])
    files = [str(EXAMPLES / "myreplicaset.yaml"), *services, objects]
    created = fed.run("create", *(arg for path in files for arg in ("-f", path)))
    assert created.status == 0, created.err
    assert eventually(lambda: all_healthy(fed)), fed.run("describe", "ing", INGRESS).out
    report = doctor(fed)
    assert (report.status, report.problems) == (0, set()), report.checks
    assert report.one("tls-secret", "pass")["object"] == f"ingress default/{INGRESS}"

    fed.sandbox.cluster(ASIA).store.delete("secrets", "default", "tls-secret")
    report = doctor(fed)
    assert report.status == 1
    assert report.problems == {("tls-secret", "fail", ASIA), ("presence", "fail", ASIA)}
    check = report.one("tls-secret", "fail")
    assert check["message"] == f"secret tls-secret, which terminates its TLS, is missing in {ASIA}"
    fix = check["fix"].split("   (")[0]
    assert fix == (
        f"kubectl --context={US} -n default get secret tls-secret -o yaml | kubectl fed apply -f -"
    )
    exported = fed.run("get", "secret", "tls-secret", "-o", "yaml", "--clusters", US)
    assert exported.status == 0, exported.err
    applied = fed.run("apply", "-f", "-", stdin=exported.out)
    assert applied.status == 0, applied.err
    assert f"{ASIA}: secret/tls-secret created" in applied.out_lines
    assert fed.objects(ASIA, "secrets")["tls-secret"]["data"] == {"tls.crt": CERT, "tls.key": KEY}
    assert check_ids(fed) == set()


def test_secrets_and_configmaps_are_fanned_out_and_never_print_secret_values(
    fed: Fed, tmp_path: Path
) -> None:
    path = manifest_file(tmp_path, "data.yaml", [SECRET, CONFIGMAP])
    created = fed.run("create", "-f", path)
    assert created.status == 0, created.err
    assert all(
        fed.objects(c, "configmaps")["web-config"]["data"] == {"index.html": "<h1>hello</h1>"}
        for c in fed.names
    )
    listed = fed.run("get", "secret,cm")
    assert listed.status == 0, listed.err
    secrets, configmaps = (table.splitlines() for table in listed.out.split("\n\n"))
    assert [line.split()[:4] for line in secrets] == [
        ["CLUSTER", "NAME", "TYPE", "DATA"],
        *([c, "secret/tls-secret", "kubernetes.io/tls", "2"] for c in fed.names),
    ]
    assert [line.split()[:3] for line in configmaps] == [
        ["CLUSTER", "NAME", "DATA"],
        *([c, "configmap/web-config", "1"] for c in fed.names),
    ]
    described = fed.run("describe", "secret", "tls-secret")
    assert described.status == 0, described.err
    for value in (CERT, KEY, "certificate", "key-bytes"):
        assert value not in listed.out + described.out
    data = described.out_lines.index("Data")
    assert described.out_lines[data : data + 4] == [
        "Data",
        "====",
        "tls.crt:  11 bytes",
        "tls.key:  9 bytes",
    ]
    as_json = fed.run("describe", "secret", "tls-secret", "-o", "json")
    assert CERT not in as_json.out and KEY not in as_json.out

    store = fed.sandbox.cluster(EU).store
    changed = store.get("configmaps", "default", "web-config")
    store.update("configmaps", "default", "web-config", {**changed, "data": {"index.html": "x"}})
    report = doctor(fed)
    drift = report.one("drift", "warn")
    assert (drift["cluster"], drift["object"]) == (EU, "configmap default/web-config")
    assert drift["message"] == f"content in {EU} differs from {US}'s"

    deleted = fed.run("delete", "-f", path)
    assert deleted.status == 0, deleted.err
    assert all(
        not fed.objects(c, "secrets") and not fed.objects(c, "configmaps") for c in fed.names
    )


def test_a_namespace_and_what_it_holds_are_created_together(fed: Fed, tmp_path: Path) -> None:
    namespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"
    configmap = CONFIGMAP.replace("{name: web-config}", "{name: web-config, namespace: shop}")
    path = manifest_file(tmp_path, "shop.yaml", [configmap, namespace])
    created = fed.run("create", "-f", path)
    assert created.status == 0, created.err
    assert created.out_lines == [
        *(f"{c}: configmap/web-config created" for c in fed.names),
        *(f"{c}: namespace/shop created" for c in fed.names),
    ]
    for cluster in fed.names:
        assert "web-config" in fed.objects(cluster, "configmaps", "shop")
    listed = fed.run("get", "ns", "shop")
    assert [line.split()[:3] for line in listed.out_lines[1:]] == [
        [c, "shop", "Active"] for c in fed.names
    ]
    described = fed.run("describe", "ns", "shop")
    assert "Namespace:" not in described.out and "Status:       Active" in described.out
    deleted = fed.run("delete", "ns", "shop")
    assert deleted.status == 0, deleted.err
    assert deleted.out_lines == [f"{c}: namespace/shop deleted" for c in fed.names]
    for cluster in fed.names:
        namespaces = fed.sandbox.cluster(cluster).store.list("namespaces", None)
        assert "shop" not in {obj["metadata"]["name"] for obj in namespaces}


def test_a_kind_only_the_members_serve_is_sent_as_written_with_a_note(
    fed: Fed, tmp_path: Path
) -> None:
    lease = "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: lock}\n"
    path = manifest_file(tmp_path, "lease.yaml", [lease + "spec: {holderIdentity: me}\n"])
    note = (
        "note: leases.coordination.k8s.io are not federated: sent to every member as "
        "written, with no federation semantics"
    )
    created = fed.run("create", "-f", path)
    assert (created.status, created.err_lines) == (0, [note]), created.err
    assert created.out_lines == [f"{c}: lease.coordination.k8s.io/lock created" for c in fed.names]
    for cluster in fed.names:
        stored = fed.sandbox.cluster(cluster).store.get("leases", "default", "lock")
        assert stored["spec"]["holderIdentity"] == "me"
    listed = fed.run("get", "leases", "lock")
    assert (listed.status, listed.err_lines) == (0, [note])
    assert [line.split()[:2] for line in listed.out_lines] == [
        ["CLUSTER", "NAME"],
        *([c, "lock"] for c in fed.names),
    ]
    pods = fed.run("get", "pods")
    assert pods.status == 0 and "<missing>" not in pods.out  # each member's own objects
    deleted = fed.run("delete", "lease", "lock")
    assert deleted.out_lines == [f"{c}: lease.coordination.k8s.io/lock deleted" for c in fed.names]
    unknown = fed.run("get", "frobs")
    assert unknown.status == 2 and unknown.out == ""
    assert unknown.err_lines[0].startswith(
        'error: the server doesn\'t have a resource type "frobs"'
    )
