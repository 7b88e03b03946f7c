"""The real kubectl against a sandbox cluster: the columns and verbs users rely on."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.clients import raw_request
from tests.support.members import ASIA

pytestmark = [pytest.mark.kubectl, pytest.mark.subprocess]

CONTEXT = ASIA
MANIFEST = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080, nodePort: 30080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web}
spec:
  replicas: REPLICAS
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:1.27"}]}
"""


class Kubectl:
    def __init__(self, binary: str, sandbox: SandboxFederation, tmp_path: Path) -> None:
        self.binary, self.sandbox, self.tmp_path = binary, sandbox, tmp_path

    def command(self, *args: str) -> list[str]:
        return [
            self.binary,
            f"--kubeconfig={self.sandbox.kubeconfig_path}",
            f"--context={CONTEXT}",
            *args,
        ]

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(self.command(*args), capture_output=True, text=True, timeout=60)
        if check:
            assert result.returncode == 0, result.stderr
        return result

    def manifest(self, replicas: int = 2) -> str:
        path = self.tmp_path / f"web-{replicas}.yaml"
        path.write_text(MANIFEST.replace("REPLICAS", str(replicas)))
        return str(path)


@pytest.fixture
def kubectl(kubectl_path: str, sandbox: SandboxFederation, tmp_path: Path) -> Kubectl:
    return Kubectl(kubectl_path, sandbox, tmp_path)


def header(output: str) -> list[str]:
    return output.splitlines()[0].split()


def test_get_namespaces_and_nodes(kubectl: Kubectl) -> None:
    namespaces = kubectl("get", "ns").stdout
    assert header(namespaces) == ["NAME", "STATUS", "AGE"]
    assert {line.split()[0] for line in namespaces.splitlines()[1:]} >= {
        "default",
        "kube-system",
        "kube-public",
    }
    nodes = kubectl("get", "nodes", "-L", "topology.kubernetes.io/zone").stdout
    assert header(nodes) == ["NAME", "STATUS", "ROLES", "AGE", "VERSION", "ZONE"]
    assert sorted(line.split()[-1] for line in nodes.splitlines()[1:]) == [
        "asia-east1-a",
        "asia-east1-b",
        "asia-east1-c",
    ]


def test_create_get_describe_apply_delete(kubectl: Kubectl, sandbox: SandboxFederation) -> None:
    created = kubectl("create", "-f", kubectl.manifest()).stdout  # default validation
    assert created.splitlines() == [
        "service/web created",
        "ingress.networking.k8s.io/web created",
        "replicaset.apps/web created",
    ]
    store = sandbox.cluster(CONTEXT).store

    services = kubectl("get", "svc", "-o", "wide").stdout
    assert header(services) == [
        "NAME",
        "TYPE",
        "CLUSTER-IP",
        "EXTERNAL-IP",
        "PORT(S)",
        "AGE",
        "SELECTOR",
    ]
    web = next(line.split() for line in services.splitlines() if line.startswith("web "))
    assert web[1:3] == ["NodePort", store.get("services", "default", "web")["spec"]["clusterIP"]]
    assert web[4] == "80:30080/TCP" and web[6] == "app=web"

    ingresses = kubectl("get", "ingress").stdout
    assert header(ingresses) == ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"]
    assert ingresses.splitlines()[1].split()[:3] == ["web", "<none>", "*"]
    replicasets = kubectl("get", "rs").stdout
    assert header(replicasets) == ["NAME", "DESIRED", "CURRENT", "READY", "AGE"]
    assert replicasets.splitlines()[1].split()[:2] == ["web", "2"]

    described = kubectl("describe", "ingress", "web").stdout
    assert "Name:             web" in described
    assert "Default backend:  web:80" in described

    applied = kubectl("apply", "--server-side=false", "-f", kubectl.manifest(replicas=3))
    assert "replicaset.apps/web configured" in applied.stdout
    assert store.get("replicasets", "default", "web")["spec"]["replicas"] == 3
    assert (
        "kubectl.kubernetes.io/last-applied-configuration"
        in (store.get("replicasets", "default", "web")["metadata"]["annotations"])
    )

    deleted = kubectl("delete", "-f", kubectl.manifest(replicas=3)).stdout
    assert 'service "web" deleted' in deleted
    assert store.list("services", "default", field_selector="metadata.name=web") == []
    assert store.list("replicasets", "default") == [] and store.list("ingresses") == []


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def test_get_watch_sees_a_change(kubectl: Kubectl, sandbox: SandboxFederation) -> None:
    cluster = sandbox.cluster(CONTEXT)
    watcher = subprocess.Popen(
        kubectl.command("get", "configmaps", "-w"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[list[str]] = []
    output = watcher.stdout
    assert output is not None
    reader = threading.Thread(
        target=lambda: lines.extend(line.split() for line in iter(output.readline, ""))
    )
    reader.start()
    try:
        _wait_for(
            lambda: any("watch=true" in r.query for r in cluster.requests.records()),
            "kubectl to start watching",
        )
        cluster.store.create(
            "configmaps", "default", {"metadata": {"name": "seen"}, "data": {"a": "b"}}
        )
        cluster.store.patch("configmaps", "default", "seen", {"data": {"a": "c", "d": "e"}})
        _wait_for(lambda: len(lines) >= 3, "kubectl to print both changes")
    finally:
        watcher.send_signal(signal.SIGINT)
        watcher.wait(timeout=30)
        reader.join(timeout=30)
    assert lines[0] == ["NAME", "DATA", "AGE"]
    assert [line[:2] for line in lines[1:]] == [["seen", "1"], ["seen", "2"]]


def test_a_typo_is_refused_by_strict_field_validation(
    kubectl: Kubectl, sandbox: SandboxFederation
) -> None:
    typo = kubectl.tmp_path / "typo.yaml"
    typo.write_text(MANIFEST.split("---\n")[2].replace("replicas: REPLICAS", "replcas: 3"))
    for verb in ("create", "apply"):
        refused = kubectl(verb, "-f", str(typo), check=False)
        assert refused.returncode == 1
        assert refused.stderr.rstrip().endswith(
            'ReplicaSet in version "v1" cannot be handled as a ReplicaSet: '
            'strict decoding error: unknown field "spec.replcas"'
        )
    kubectl("create", "-f", kubectl.manifest())
    patched = kubectl("apply", "-f", str(typo), check=False)  # a strategic merge patch now
    assert patched.returncode == 1
    assert "\nThe request is invalid: patch: Invalid value: " in patched.stderr
    assert patched.stderr.rstrip().endswith('strict decoding error: unknown field "spec.replcas"')
    replaced = kubectl("replace", "-f", str(typo), check=False)
    assert "cannot be handled as a ReplicaSet" in replaced.stderr
    warned = kubectl("replace", "--validate=warn", "-f", str(typo))
    assert 'Warning: unknown field "spec.replcas"' in warned.stderr
    stored = sandbox.cluster(CONTEXT).store.get("replicasets", "default", "web")
    assert "replcas" not in stored["spec"]  # dropped, as decoding into upstream's types does
    # server-side apply cannot type it at all, whatever --validate says (upstream: a 500)
    for validate in ("strict", "ignore"):
        applied = kubectl(
            "apply", "--server-side", f"--validate={validate}", "-f", str(typo), check=False
        )
        assert applied.returncode == 1
        assert applied.stderr.rstrip().endswith(
            "failed to create typed patch object (default/web; apps/v1, Kind=ReplicaSet): "
            ".spec.replcas: field not declared in schema"
        ), applied.stderr
    after = sandbox.cluster(CONTEXT).store.get("replicasets", "default", "web")
    # the controller may have updated the status meanwhile; the refused applies changed nothing
    assert (after["spec"], after["metadata"]["generation"]) == (
        stored["spec"],
        stored["metadata"]["generation"],
    )


def test_get_in_chunks_returns_every_object(kubectl: Kubectl, sandbox: SandboxFederation) -> None:
    cluster = sandbox.cluster(CONTEXT)
    for name in ("one", "two", "three"):
        cluster.store.create("configmaps", "default", {"metadata": {"name": name}})
    listed = kubectl("get", "configmaps", "--chunk-size=1", "-o", "name").stdout.split()
    assert listed == [f"configmap/{name}" for name in ("one", "three", "two")]
    pages = [r for r in cluster.requests.records() if "limit=1" in r.query]
    assert len(pages) == 3 and sum("continue=" in r.query for r in pages) == 2


def test_delete_waits_for_the_glbc_finalizer_and_orphan_leaves_pods(
    kubectl: Kubectl, sandbox: SandboxFederation
) -> None:
    cluster = sandbox.cluster(CONTEXT)
    kubectl("create", "-f", kubectl.manifest())
    finalizer = "networking.gke.io/ingress-finalizer-V2"

    def held() -> bool:
        ingress = cluster.store.get("ingresses", "default", "web")
        return finalizer in (ingress["metadata"].get("finalizers") or [])

    _wait_for(held, "the GLBC's finalizer")
    _wait_for(lambda: len(cluster.store.list("pods", "default", "app=web")) == 2, "two pods")
    since = cluster.store.resource_version
    assert kubectl("delete", "ingress", "web").stdout.strip() == (
        'ingress.networking.k8s.io "web" deleted'
    )
    changes = [
        (event.type, event.object["metadata"].get("finalizers"))
        for event in cluster.store.events_since(since) or []
        if event.resource == "ingresses"
    ]
    # marked (the finalizer still there), released by the GLBC, then removed
    assert changes[0] == ("MODIFIED", [finalizer])
    assert changes[-2:] == [("MODIFIED", None), ("DELETED", None)]
    assert not [key for key in sandbox.simulation.gce.specs() if key[0] == CONTEXT]

    deleted = kubectl("delete", "rs", "web", "--cascade=orphan").stdout.strip()
    assert deleted == 'replicaset.apps "web" deleted'
    pods = cluster.store.list("pods", "default", "app=web")
    assert len(pods) == 2 and not any(p["metadata"].get("ownerReferences") for p in pods)


def test_explain_reads_the_openapi_documents(kubectl: Kubectl) -> None:
    explained = kubectl("explain", "ingress.spec.rules").stdout
    assert explained.splitlines()[:3] == [
        "GROUP:      networking.k8s.io",
        "KIND:       Ingress",
        "VERSION:    v1",
    ]
    assert "FIELD: rules <[]IngressRule>" in explained
    fields = explained.split("FIELDS:")[1]
    assert "host\t<string>" in fields and "http\t<HTTPIngressRuleValue>" in fields


def test_get_watch_from_a_version_the_cluster_no_longer_holds(
    kubectl: Kubectl, sandbox: SandboxFederation, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = sandbox.cluster(CONTEXT).store
    store.create("configmaps", "default", {"metadata": {"name": "one"}})
    store.create("leases", "default", {"metadata": {"name": "busy"}, "spec": {}})
    listed = store.snapshot

    def then_busy(resource: str, *args: Any) -> tuple[list[dict[str, Any]], int]:
        """The list kubectl watches from is outdated at once: its version leaves the history."""
        found = listed(resource, *args)
        if resource == "configmaps":
            for step in range(1010):
                store.patch("leases", "default", "busy", {"spec": {"leaseTransitions": step}})
        return found

    monkeypatch.setattr(store, "snapshot", then_busy)
    lines = kubectl("get", "configmaps", "-w").stdout.splitlines()  # ends with the stream
    assert [line.split()[:2] for line in lines[:2]] == [["NAME", "DATA"], ["one", "0"]]
    assert lines[2].split() == ["STATUS", "REASON", "MESSAGE"]
    assert lines[3].split()[:5] == ["Failure", "Expired", "too", "old", "resource"]


def test_scale_through_the_scale_subresource(kubectl: Kubectl, sandbox: SandboxFederation) -> None:
    kubectl("create", "-f", kubectl.manifest())
    assert kubectl("scale", "rs", "web", "--replicas=4").stdout.strip() == (
        "replicaset.apps/web scaled"
    )
    stored = sandbox.cluster(CONTEXT).store.get("replicasets", "default", "web")
    assert stored["spec"]["replicas"] == 4 and stored["metadata"]["generation"] == 2


LEASE = {
    "metadata": {"name": "kubectl-fed-sandbox", "namespace": "kube-system"},
    "spec": {
        "holderIdentity": "host_42_ab12cd",
        "leaseDurationSeconds": 15,
        "acquireTime": "2026-01-10T12:00:00.000000Z",
        "renewTime": "2026-01-10T12:00:05.000000Z",
        "leaseTransitions": 0,
    },
}


def test_get_lease_shows_its_holder_and_yaml(kubectl: Kubectl, sandbox: SandboxFederation) -> None:
    sandbox.cluster(CONTEXT).store.create("leases", "kube-system", LEASE)
    table = kubectl("get", "lease", "-n", "kube-system").stdout.strip().splitlines()
    assert header("\n".join(table)) == ["NAME", "HOLDER", "AGE"]
    assert table[1].split()[:2] == ["kubectl-fed-sandbox", "host_42_ab12cd"]

    document = yaml.safe_load(
        kubectl("get", "lease", "kubectl-fed-sandbox", "-n", "kube-system", "-o", "yaml").stdout
    )
    assert (document["apiVersion"], document["kind"]) == ("coordination.k8s.io/v1", "Lease")
    assert document["spec"] == LEASE["spec"]
    assert document["metadata"]["resourceVersion"]


def test_lease_update_with_a_stale_resource_version_is_a_conflict(
    sandbox: SandboxFederation,
) -> None:
    cluster = sandbox.cluster(CONTEXT)
    created = cluster.store.create("leases", "kube-system", LEASE)
    path = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kubectl-fed-sandbox"
    renewed = {**created, "spec": {**created["spec"], "renewTime": "2026-01-10T12:00:10.000000Z"}}
    first = raw_request(sandbox, cluster, "PUT", path, renewed)
    assert first.status == 200, first.text
    stale = raw_request(sandbox, cluster, "PUT", path, renewed)
    assert stale.status == 409
    assert stale.json()["reason"] == "Conflict"
    assert stale.json()["message"] == (
        'Operation cannot be fulfilled on leases.coordination.k8s.io "kubectl-fed-sandbox": the '
        "object has been modified; please apply your changes to the latest version and try again"
    )
