"""The sandbox API server over HTTP: routes, auth, Tables, watch streams, the request log."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kubectl_fed.sandbox.federation import SandboxCluster, SandboxFederation
from tests.support.clients import raw_request

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
CONFIGMAPS = "/api/v1/namespaces/default/configmaps"


@pytest.fixture
def cluster(sandbox: SandboxFederation) -> SandboxCluster:
    return sandbox.clusters[0]


def watch_events(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_health_and_version_need_no_token_but_the_api_does(
    sandbox: SandboxFederation, cluster: SandboxCluster
) -> None:
    for path in ("/healthz", "/readyz", "/livez"):
        response = raw_request(sandbox, cluster, "GET", path, token="")
        assert (response.status, response.text) == (200, "ok")
    version = raw_request(sandbox, cluster, "GET", "/version", token="")
    assert version.status == 200 and version.json()["gitVersion"].startswith("v1.29.")
    refused = raw_request(sandbox, cluster, "GET", "/api/v1/namespaces", token="")
    assert refused.status == 401 and refused.json()["reason"] == "Unauthorized"
    wrong = raw_request(sandbox, cluster, "GET", "/version", token="guess")
    assert wrong.status == 401


def test_discovery_legacy_and_aggregated(
    sandbox: SandboxFederation, cluster: SandboxCluster
) -> None:
    groups = raw_request(sandbox, cluster, "GET", "/apis").json()
    assert {g["name"] for g in groups["groups"]} >= {"apps", "networking.k8s.io"}
    core = raw_request(sandbox, cluster, "GET", "/api/v1").json()
    services = next(r for r in core["resources"] if r["name"] == "services")
    assert services["shortNames"] == ["svc"] and "watch" in services["verbs"]
    accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    aggregated = raw_request(sandbox, cluster, "GET", "/apis", headers={"Accept": accept})
    assert aggregated.headers["content-type"] == accept
    assert aggregated.json()["kind"] == "APIGroupDiscoveryList"


def test_unknown_paths_are_not_found(sandbox: SandboxFederation, cluster: SandboxCluster) -> None:
    unknown = raw_request(sandbox, cluster, "GET", "/api/v1/widgets")
    assert unknown.status == 404 and unknown.json()["reason"] == "NotFound"
    assert (
        raw_request(sandbox, cluster, "PUT", "/api/v1/namespaces/default/configmaps").status == 405
    )


def test_table_responses(sandbox: SandboxFederation, cluster: SandboxCluster) -> None:
    response = raw_request(
        sandbox,
        cluster,
        "GET",
        "/api/v1/namespaces/default/services",
        headers={"Accept": TABLE},
    )
    table = response.json()
    assert response.headers["content-type"].startswith("application/json;as=Table")
    assert table["kind"] == "Table" and table["metadata"]["resourceVersion"]
    names = [column["name"] for column in table["columnDefinitions"]]
    assert names[:6] == ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age"]
    assert [row["cells"][0] for row in table["rows"]] == ["kubernetes"]
    assert table["rows"][0]["object"]["kind"] == "PartialObjectMetadata"


def test_delete_answers_a_success_status(
    sandbox: SandboxFederation, cluster: SandboxCluster
) -> None:
    cluster.store.create("configmaps", "default", {"metadata": {"name": "gone"}})
    response = raw_request(sandbox, cluster, "DELETE", f"{CONFIGMAPS}/gone")
    body = response.json()
    assert response.status == 200
    assert (body["kind"], body["status"], body["details"]["name"]) == ("Status", "Success", "gone")
    again = raw_request(sandbox, cluster, "DELETE", f"{CONFIGMAPS}/gone")
    assert again.status == 404 and again.json()["message"] == 'configmaps "gone" not found'


def test_watch_from_now_sends_the_current_state_then_ends_at_its_timeout(
    sandbox: SandboxFederation, cluster: SandboxCluster
) -> None:
    cluster.store.create("configmaps", "default", {"metadata": {"name": "a"}})
    response = raw_request(sandbox, cluster, "GET", f"{CONFIGMAPS}?watch=true&timeoutSeconds=1")
    assert response.status == 200
    events = watch_events(response.text)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("ADDED", "a")]


def test_watch_replays_from_a_resource_version_with_selectors(
    sandbox: SandboxFederation, cluster: SandboxCluster
) -> None:
    start = cluster.store.resource_version
    cluster.store.create("configmaps", "default", {"metadata": {"name": "a", "labels": {"x": "1"}}})
    cluster.store.create("configmaps", "default", {"metadata": {"name": "b"}})
    cluster.store.delete("configmaps", "default", "a")
    path = f"{CONFIGMAPS}?watch=1&resourceVersion={start}&labelSelector=x%3D1&timeoutSeconds=1"
    events = watch_events(raw_request(sandbox, cluster, "GET", path).text)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "a"),
        ("DELETED", "a"),
    ]


def test_objects_entering_or_leaving_a_watched_selection(
    sandbox: SandboxFederation, cluster: SandboxCluster
) -> None:
    start = cluster.store.resource_version
    cluster.store.create("configmaps", "default", {"metadata": {"name": "a"}})
    cluster.store.patch("configmaps", "default", "a", {"metadata": {"labels": {"x": "1"}}})
    cluster.store.patch("configmaps", "default", "a", {"data": {"k": "v"}})
    cluster.store.patch("configmaps", "default", "a", {"metadata": {"labels": {"x": "2"}}})
    path = f"{CONFIGMAPS}?watch=1&resourceVersion={start}&labelSelector=x%3D1&timeoutSeconds=1"
    events = watch_events(raw_request(sandbox, cluster, "GET", path).text)
    assert [e["type"] for e in events] == ["ADDED", "MODIFIED", "DELETED"]


def test_watch_as_table_sends_columns_once(
    sandbox: SandboxFederation, cluster: SandboxCluster
) -> None:
    start = cluster.store.resource_version
    for name in ("a", "b"):
        cluster.store.create("configmaps", "default", {"metadata": {"name": name}})
    path = f"{CONFIGMAPS}?watch=true&resourceVersion={start}&timeoutSeconds=1"
    events = watch_events(
        raw_request(sandbox, cluster, "GET", path, headers={"Accept": TABLE}).text
    )
    tables = [event["object"] for event in events]
    assert [t["kind"] for t in tables] == ["Table", "Table"]
    assert tables[0]["columnDefinitions"] and not tables[1]["columnDefinitions"]


def test_request_log_tells_reads_from_writes(
    sandbox: SandboxFederation, cluster: SandboxCluster
) -> None:
    raw_request(sandbox, cluster, "GET", CONFIGMAPS)
    assert cluster.requests.writes() == []
    raw_request(sandbox, cluster, "POST", CONFIGMAPS, {"metadata": {"name": "x"}})
    raw_request(sandbox, cluster, "POST", CONFIGMAPS, {"metadata": {"name": "x"}})
    writes = cluster.requests.writes()
    assert [(w.method, w.path, w.status) for w in writes] == [
        ("POST", CONFIGMAPS, 201),
        ("POST", CONFIGMAPS, 409),
    ]
    dry = raw_request(
        sandbox, cluster, "POST", f"{CONFIGMAPS}?dryRun=All", {"metadata": {"name": "y"}}
    )
    assert dry.status == 201 and cluster.requests.records()[-1].query == "dryRun=All"
    assert [cm["metadata"]["name"] for cm in cluster.store.list("configmaps", "default")] == ["x"]


@pytest.mark.parametrize("replicas", [99999999999999999999, 2**31, 2.5, "3", True])
def test_integer_fields_take_only_32_bit_integers(
    sandbox: SandboxFederation, cluster: SandboxCluster, replicas: object
) -> None:
    """As kube-apiserver: a replica count beyond int32, or not an integer, is a 422."""
    body = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "huge"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "huge"}},
            "template": {
                "metadata": {"labels": {"app": "huge"}},
                "spec": {"containers": [{"name": "main", "image": "nginx"}]},
            },
        },
    }
    path = "/apis/apps/v1/namespaces/default/replicasets"
    response = raw_request(sandbox, cluster, "POST", path, body)
    assert response.status == 422, response.text
    assert "spec.replicas" in response.json()["message"]
    assert cluster.store.list("replicasets", "default") == []


@pytest.mark.parametrize(
    ("port", "node_port"), [(True, None), (80.5, None), (80, "30080"), (80, 30080.5)]
)
def test_service_ports_take_only_integers(
    sandbox: SandboxFederation, cluster: SandboxCluster, port: object, node_port: object
) -> None:
    entry: dict[str, object] = {"port": port}
    if node_port is not None:
        entry["nodePort"] = node_port
    body = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "odd-port"},
        "spec": {"type": "NodePort", "ports": [entry]},
    }
    response = raw_request(sandbox, cluster, "POST", "/api/v1/namespaces/default/services", body)
    assert response.status == 422, response.text
    assert "spec.ports[0]" in response.json()["message"]
    assert [
        s for s in cluster.store.list("services", "default") if s["metadata"]["name"] == "odd-port"
    ] == []


def test_lists_page_with_limit_and_continue(member: SandboxFederation) -> None:
    cluster = member.clusters[0]
    for name in ("a", "b", "c"):
        cluster.store.create("configmaps", "default", {"metadata": {"name": name}})
    first = raw_request(member, cluster, "GET", CONFIGMAPS + "?limit=2").json()
    assert [item["metadata"]["name"] for item in first["items"]] == ["a", "b"]
    assert first["metadata"]["remainingItemCount"] == 1
    token = first["metadata"]["continue"]
    rest = raw_request(member, cluster, "GET", f"{CONFIGMAPS}?limit=2&continue={token}").json()
    assert [item["metadata"]["name"] for item in rest["items"]] == ["c"]
    assert "continue" not in rest["metadata"]
    assert rest["metadata"]["resourceVersion"] == first["metadata"]["resourceVersion"]
    selected = raw_request(member, cluster, "GET", CONFIGMAPS + "?limit=1&labelSelector=x!=y")
    assert "remainingItemCount" not in selected.json()["metadata"]
    for step in range(1010):  # more changes than the cluster's history keeps (1000)
        cluster.store.patch("configmaps", "default", "a", {"data": {"n": str(step)}})
    stale = raw_request(member, cluster, "GET", f"{CONFIGMAPS}?limit=2&continue={token}")
    assert (stale.status, stale.json().get("reason")) == (410, "Expired"), stale.text[:300]
    assert stale.json()["message"].startswith("The provided continue parameter is too old")


def test_watch_from_a_version_bookmarks_and_expiry(member: SandboxFederation) -> None:
    cluster = member.clusters[0]
    start = cluster.store.resource_version
    cluster.store.create("configmaps", "default", {"metadata": {"name": "after"}})
    query = f"?watch=true&resourceVersion={start}&timeoutSeconds=1&allowWatchBookmarks=true"
    events = watch_events(raw_request(member, cluster, "GET", CONFIGMAPS + query).text)
    assert [event["type"] for event in events] == ["ADDED", "BOOKMARK"]
    assert events[0]["object"]["metadata"]["name"] == "after"
    bookmark = events[1]["object"]
    assert bookmark["kind"] == "ConfigMap" and bookmark["metadata"]["resourceVersion"] == str(
        cluster.store.resource_version
    )
    for step in range(1010):  # more changes than the cluster's history keeps (1000)
        cluster.store.patch("configmaps", "default", "after", {"data": {"n": str(step)}})
    expired = raw_request(
        member, cluster, "GET", f"{CONFIGMAPS}?watch=true&resourceVersion={start}"
    )
    (event,) = watch_events(expired.text)
    assert event["type"] == "ERROR" and event["object"]["code"] == 410
    assert event["object"]["message"] == (
        f"too old resource version: {start} ({cluster.store.history_start})"
    )
