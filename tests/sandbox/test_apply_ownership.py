"""Server-side apply's field ownership in the sandbox API server, over real HTTPS.

A manager's re-apply removes what it applied before and omits now, unless another manager
owns it; a change to a field another manager owns is a 409 unless `force=true`.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from kubernetes import client, dynamic

from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.clients import Kubectl, Response, api_client, raw_request
from tests.support.fed import Fed
from tests.support.members import EU

pytestmark = pytest.mark.subprocess

CONTEXT = EU
SERVICES = "/api/v1/namespaces/default/services"
APPLY = {"Content-Type": "application/apply-patch+yaml"}


def service(ports: list[dict[str, Any]], labels: dict[str, str] | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": "web", **({"labels": labels} if labels else {})}
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata,
        "spec": {"selector": {"app": "web"}, "ports": ports},
    }


HTTP, HTTPS = {"name": "http", "port": 80}, {"name": "https", "port": 443}


@pytest.fixture
def api(sandbox: SandboxFederation) -> Iterator[client.ApiClient]:
    with api_client(sandbox, CONTEXT) as api:
        yield api


@pytest.fixture
def services(api: client.ApiClient) -> Any:
    return dynamic.DynamicClient(api).resources.get(api_version="v1", kind="Service")


def stored(sandbox: SandboxFederation, plural: str, name: str = "web") -> dict[str, Any]:
    return sandbox.cluster(CONTEXT).store.get(plural, "default", name)


def port_numbers(obj: dict[str, Any]) -> list[int]:
    return [port["port"] for port in obj["spec"]["ports"]]


def apply_raw(sandbox: SandboxFederation, body: dict[str, Any], query: str) -> Response:
    cluster = sandbox.cluster(CONTEXT)
    path = f"{SERVICES}/web?{query}"
    return raw_request(sandbox, cluster, "PATCH", path, yaml.safe_dump(body), headers=APPLY)


def test_reapply_without_a_port_removes_it(sandbox: SandboxFederation, services: Any) -> None:
    services.server_side_apply(body=service([HTTP, HTTPS]), namespace="default", field_manager="a")
    assert port_numbers(stored(sandbox, "services")) == [80, 443]

    services.server_side_apply(body=service([HTTP]), namespace="default", field_manager="a")

    live = stored(sandbox, "services")
    assert live["spec"]["ports"] == [
        {"name": "http", "port": 80, "protocol": "TCP", "targetPort": 80}
    ]
    assert live["spec"]["clusterIP"]  # server-set fields stay


def test_a_field_another_manager_set_survives_the_reapply(
    sandbox: SandboxFederation, services: Any, api: client.ApiClient
) -> None:
    applied = service([HTTP], labels={"app": "web", "tier": "front"})
    services.server_side_apply(body=applied, namespace="default", field_manager="a")
    client.CoreV1Api(api).patch_namespaced_service(
        "web", "default", {"metadata": {"labels": {"owner": "team-b"}}}, field_manager="b"
    )

    services.server_side_apply(
        body=service([HTTP], labels={"app": "web"}), namespace="default", field_manager="a"
    )

    assert stored(sandbox, "services")["metadata"]["labels"] == {"app": "web", "owner": "team-b"}


def test_containers_are_merged_and_removed_by_name(sandbox: SandboxFederation) -> None:
    def replicaset(containers: list[dict[str, Any]]) -> dict[str, Any]:
        template = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": containers}}
        spec = {"replicas": 0, "selector": {"matchLabels": {"app": "web"}}, "template": template}
        return {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {"name": "web"},
            "spec": spec,
        }

    env = [{"name": "MODE", "value": "fast"}, {"name": "DEBUG", "value": "1"}]
    web = {"name": "web", "image": "nginx:1.27", "env": env, "ports": [{"containerPort": 80}]}
    sidecar = {"name": "sidecar", "image": "envoy:1.30"}
    cluster, path = sandbox.cluster(CONTEXT), "/apis/apps/v1/namespaces/default/replicasets/web"

    def apply(body: dict[str, Any]) -> Response:
        query = "?fieldManager=deployer"
        return raw_request(sandbox, cluster, "PATCH", path + query, json.dumps(body), headers=APPLY)

    assert apply(replicaset([web, sidecar])).status == 201
    changed = {**web, "image": "nginx:1.28", "env": env[:1]}
    assert apply(replicaset([changed])).status == 200

    [container] = stored(sandbox, "replicasets")["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "nginx:1.28"
    assert container["env"] == [{"name": "MODE", "value": "fast"}]
    assert container["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert container["imagePullPolicy"] == "IfNotPresent"  # defaulted on create, nobody's: kept


def test_a_conflicting_apply_is_refused_unless_forced(sandbox: SandboxFederation) -> None:
    assert apply_raw(sandbox, service([HTTP], {"tier": "front"}), "fieldManager=a").status == 201

    refused = apply_raw(sandbox, service([HTTP], {"tier": "back"}), "fieldManager=b")

    assert refused.status == 409
    assert refused.json()["reason"] == "Conflict"
    assert refused.json()["message"] == (
        'Apply failed with 1 conflict: conflict with "a": .metadata.labels.tier'
    )
    assert refused.json()["details"]["causes"] == [
        {
            "reason": "FieldManagerConflict",
            "message": 'conflict with "a"',
            "field": ".metadata.labels.tier",
        }
    ]
    assert stored(sandbox, "services")["metadata"]["labels"] == {"tier": "front"}

    forced = apply_raw(sandbox, service([HTTP], {"tier": "back"}), "fieldManager=b&force=true")
    assert forced.status == 200
    # b took the label over: a's re-apply without it no longer removes it
    assert apply_raw(sandbox, service([HTTP]), "fieldManager=a").status == 200
    assert stored(sandbox, "services")["metadata"]["labels"] == {"tier": "back"}


def test_an_equal_value_is_shared_not_a_conflict(sandbox: SandboxFederation) -> None:
    assert apply_raw(sandbox, service([HTTP], {"tier": "front"}), "fieldManager=a").status == 201
    assert apply_raw(sandbox, service([HTTP], {"tier": "front"}), "fieldManager=b").status == 200
    assert apply_raw(sandbox, service([HTTP]), "fieldManager=a").status == 200
    assert stored(sandbox, "services")["metadata"]["labels"] == {"tier": "front"}


def test_an_apply_needs_a_field_manager(sandbox: SandboxFederation) -> None:
    answer = apply_raw(sandbox, service([HTTP]), "force=true")
    assert answer.status == 422
    assert answer.json()["message"] == (
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: '
        "is required for apply patch"
    )
    assert sandbox.cluster(CONTEXT).store.list("services", "default", "app=web") == []


def test_fields_an_update_wrote_are_not_removed_by_the_same_managers_apply(
    sandbox: SandboxFederation,
) -> None:
    """As upstream: the `Update` entry of a manager is not its `Apply` entry."""
    cluster = sandbox.cluster(CONTEXT)
    created = raw_request(
        sandbox, cluster, "POST", f"{SERVICES}?fieldManager=tool", service([HTTP, HTTPS])
    )
    assert created.status == 201

    assert apply_raw(sandbox, service([HTTP]), "fieldManager=tool&force=true").status == 200

    assert port_numbers(stored(sandbox, "services")) == [80, 443]
    managers = cluster.store.managers("services", "default", "web")
    assert sorted(managers) == [("tool", "Apply"), ("tool", "Update")]


# ---- kubectl-fed end to end ---------------------------------------------------------------


def service_file(tmp_path: Path, port: int) -> str:
    path = tmp_path / f"web-{port}.yaml"
    path.write_text(yaml.safe_dump(service([{"port": port, "targetPort": 8080}])))
    return str(path)


@pytest.mark.parametrize("first", ["apply", "create"], ids=["reapply", "create-then-apply"])
def test_kubectl_fed_apply_with_a_changed_port(
    sandbox: SandboxFederation, fed_env: dict[str, str], tmp_path: Path, first: str
) -> None:
    fed = Fed(sandbox, fed_env)
    run = fed.run(first, "-f", service_file(tmp_path, 80))
    assert run.status == 0, run.err

    run = fed.run("apply", "-f", service_file(tmp_path, 8080))

    assert (run.status, run.err) == (0, "")
    assert run.out_lines == [f"{name}: service/web configured" for name in sandbox.names]
    for cluster in sandbox.clusters:
        live = cluster.store.get("services", "default", "web")
        assert [(p["port"], p["targetPort"]) for p in live["spec"]["ports"]] == [(8080, 8080)]


# ---- the real kubectl ---------------------------------------------------------------------


@pytest.fixture
def kubectl(sandbox: SandboxFederation, kubectl_path: str, tmp_path: Path) -> Kubectl:
    return Kubectl(kubectl_path, sandbox, CONTEXT, tmp_path)


def kubectl_apply(
    kubectl: Kubectl, labels: dict[str, str], *flags: str
) -> subprocess.CompletedProcess[str]:
    """The real kubectl's `apply` of the web Service with `labels`; it must succeed."""
    path = kubectl.file(service([HTTP], labels))
    return kubectl("apply", "--validate=false", *flags, "-f", path)


def test_kubectl_server_side_apply_removes_a_dropped_label(
    sandbox: SandboxFederation, kubectl: Kubectl
) -> None:
    first = kubectl_apply(kubectl, {"app": "web", "stage": "canary"}, "--server-side")
    assert first.stdout.strip() == "service/web serverside-applied"

    kubectl_apply(kubectl, {"app": "web"}, "--server-side")

    assert stored(sandbox, "services")["metadata"]["labels"] == {"app": "web"}


# ---- metadata.managedFields -----------------------------------------------------------------


def test_managed_fields_are_served_and_a_patch_can_move_ownership(
    sandbox: SandboxFederation,
) -> None:
    cluster = sandbox.cluster(CONTEXT)
    body = service([HTTP, HTTPS])
    assert (
        raw_request(sandbox, cluster, "POST", f"{SERVICES}?fieldManager=tool", body).status == 201
    )
    assert apply_raw(sandbox, service([HTTP]), "fieldManager=tool").status == 200

    live = raw_request(sandbox, cluster, "GET", f"{SERVICES}/web").json()
    entries = live["metadata"]["managedFields"]
    assert [(e["manager"], e["operation"], e["fieldsType"]) for e in entries] == [
        ("tool", "Apply", "FieldsV1"),
        ("tool", "Update", "FieldsV1"),
    ]
    assert entries[0]["fieldsV1"] == {
        "f:spec": {
            "f:ports": {'k:{"port":80,"protocol":"TCP"}': {".": {}, "f:name": {}, "f:port": {}}},
            "f:selector": {"f:app": {}},
        }
    }
    # What kubectl does when it moves client-side fields to its apply: one entry owns all.
    migrated = [{**entries[0], "fieldsV1": _union(entries[0]["fieldsV1"], entries[1]["fieldsV1"])}]
    operations = [
        {
            "op": "test",
            "path": "/metadata/resourceVersion",
            "value": live["metadata"]["resourceVersion"],
        },
        {"op": "replace", "path": "/metadata/managedFields", "value": migrated},
    ]
    patched = raw_request(
        sandbox,
        cluster,
        "PATCH",
        f"{SERVICES}/web",
        json.dumps(operations),
        headers={"Content-Type": "application/json-patch+json"},
    )
    assert patched.status == 200, patched.text
    assert [e["operation"] for e in patched.json()["metadata"]["managedFields"]] == ["Apply"]

    assert apply_raw(sandbox, service([HTTP]), "fieldManager=tool").status == 200
    assert port_numbers(stored(sandbox, "services")) == [80]


def _union(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    merged = dict(left)
    for key, value in right.items():
        merged[key] = _union(merged.get(key, {}), value)
    return merged


def test_kubectl_server_side_apply_after_a_client_side_apply_takes_its_fields_over(
    sandbox: SandboxFederation, kubectl: Kubectl
) -> None:
    kubectl_apply(kubectl, {"app": "web", "stage": "canary"}, "--server-side=false")
    kubectl_apply(kubectl, {"app": "web"}, "--server-side")

    assert stored(sandbox, "services")["metadata"]["labels"] == {"app": "web"}
    managers = sandbox.cluster(CONTEXT).store.managers("services", "default", "web")
    assert ("kubectl-client-side-apply", "Update") not in managers
