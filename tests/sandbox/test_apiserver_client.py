"""The official kubernetes Python client against the sandbox API server (real HTTPS round trips)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import urllib3
import yaml
from kubernetes import client, config, dynamic, watch
from kubernetes.client.exceptions import ApiException

from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.clients import api_client, close_client
from tests.support.members import EU

pytestmark = pytest.mark.sandbox

CONTEXT = EU

POD_SPEC = {"containers": [{"name": "web", "image": "nginx:1.27"}]}
MANIFESTS: dict[str, tuple[str, dict[str, Any]]] = {
    "namespaces": ("v1", {"kind": "Namespace"}),
    "pods": ("v1", {"kind": "Pod", "spec": POD_SPEC}),
    "services": ("v1", {"kind": "Service", "spec": {"ports": [{"port": 80}]}}),
    "endpoints": ("v1", {"kind": "Endpoints", "subsets": []}),
    "configmaps": ("v1", {"kind": "ConfigMap", "data": {"a": "1"}}),
    "events": (
        "v1",
        {
            "kind": "Event",
            "involvedObject": {"kind": "Service", "name": "x", "namespace": "default"},
            "reason": "Testing",
            "message": "hello",
            "type": "Normal",
        },
    ),
    "resourcequotas": ("v1", {"kind": "ResourceQuota", "spec": {"hard": {"pods": "10"}}}),
    "replicasets": (
        "apps/v1",
        {
            "kind": "ReplicaSet",
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}}, "spec": POD_SPEC},
            },
        },
    ),
    "ingresses": (
        "networking.k8s.io/v1",
        {
            "kind": "Ingress",
            "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}},
        },
    ),
    "ingressclasses": (
        "networking.k8s.io/v1",
        {"kind": "IngressClass", "spec": {"controller": "example.com/ingress"}},
    ),
    "nodes": ("v1", {"kind": "Node", "spec": {}}),
}


@pytest.fixture
def api(sandbox: SandboxFederation) -> Iterator[client.ApiClient]:
    api = api_client(sandbox, CONTEXT)
    yield api
    close_client(api)


@pytest.fixture
def core(api: client.ApiClient) -> client.CoreV1Api:
    return client.CoreV1Api(api)


def _service(name: str, **spec: Any) -> dict[str, Any]:
    return {"metadata": {"name": name}, "spec": {"ports": [{"port": 80}], **spec}}


@pytest.mark.parametrize("plural", sorted(MANIFESTS))
def test_crud_round_trip_for_every_resource(
    sandbox: SandboxFederation, api: client.ApiClient, plural: str
) -> None:
    api_version, body = MANIFESTS[plural]
    resource = dynamic.DynamicClient(api).resources.get(api_version=api_version, name=plural)
    namespace = "default" if resource.namespaced else None
    manifest = {"apiVersion": api_version, "metadata": {"name": "crud-test"}, **body}

    created = resource.create(body=manifest, namespace=namespace)
    assert created.metadata.uid and created.metadata.resourceVersion
    assert created.metadata.creationTimestamp
    fetched = resource.get(name="crud-test", namespace=namespace)
    assert fetched.metadata.uid == created.metadata.uid
    names = [item.metadata.name for item in resource.get(namespace=namespace).items]
    assert "crud-test" in names

    patched = resource.patch(
        body={"metadata": {"labels": {"step": "patched"}}},
        name="crud-test",
        namespace=namespace,
        content_type="application/merge-patch+json",
    )
    assert patched.metadata.labels["step"] == "patched"
    assert int(patched.metadata.resourceVersion) > int(created.metadata.resourceVersion)
    replaced = patched.to_dict()
    replaced["metadata"]["labels"] = {"step": "replaced"}
    result = resource.replace(body=replaced, namespace=namespace)
    expected = {"step": "replaced"}
    if plural == "namespaces":  # upstream labels every namespace with its name, on every write
        expected["kubernetes.io/metadata.name"] = "crud-test"
    assert result.to_dict()["metadata"]["labels"] == expected

    # grace period 0: a pod bound to a node would otherwise be Terminating for a while
    resource.delete(name="crud-test", namespace=namespace, body={"gracePeriodSeconds": 0})
    with pytest.raises(ApiException) as missing:
        resource.get(name="crud-test", namespace=namespace)
    assert missing.value.status == 404
    store = sandbox.cluster(CONTEXT).store
    assert all(obj["metadata"]["name"] != "crud-test" for obj in store.list(plural))


def test_service_gets_cluster_ip_and_node_port_from_its_ranges(core: client.CoreV1Api) -> None:
    service = core.create_namespaced_service("default", _service("web", type="NodePort"))
    assert service.spec.cluster_ip.startswith("10.2.")  # europe-west1 is the second cluster
    assert 30000 <= service.spec.ports[0].node_port <= 32767
    assert service.spec.ports[0].target_port == 80


def test_taken_node_port_is_invalid_with_upstream_message(core: client.CoreV1Api) -> None:
    core.create_namespaced_service(
        "default", _service("first", type="NodePort", ports=[{"port": 80, "nodePort": 30080}])
    )
    with pytest.raises(ApiException) as err:
        core.create_namespaced_service(
            "default",
            _service("second", type="LoadBalancer", ports=[{"port": 80, "nodePort": 30080}]),
        )
    assert err.value.status == 422
    assert '"reason":"Invalid"' in err.value.body.replace(" ", "")
    assert (
        'Service \\"second\\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: '
        "provided port is already allocated"
    ) in err.value.body


def test_update_keeps_allocations_and_stale_version_conflicts(core: client.CoreV1Api) -> None:
    created = core.create_namespaced_service("default", _service("web", type="NodePort"))
    body = {
        "metadata": {"name": "web", "resourceVersion": created.metadata.resource_version},
        "spec": {"type": "NodePort", "ports": [{"port": 80}]},
    }
    updated = core.replace_namespaced_service("web", "default", body)
    assert updated.spec.cluster_ip == created.spec.cluster_ip
    assert updated.spec.ports[0].node_port == created.spec.ports[0].node_port
    with pytest.raises(ApiException) as err:
        core.replace_namespaced_service("web", "default", body)  # the old resourceVersion
    assert err.value.status == 409
    assert "the object has been modified" in err.value.body


def test_create_twice_is_already_exists(core: client.CoreV1Api) -> None:
    core.create_namespaced_config_map("default", {"metadata": {"name": "cm"}})
    with pytest.raises(ApiException) as err:
        core.create_namespaced_config_map("default", {"metadata": {"name": "cm"}})
    assert err.value.status == 409
    assert 'configmaps \\"cm\\" already exists' in err.value.body


def test_delete_answers_as_the_official_client_expects(core: client.CoreV1Api) -> None:
    service = {"metadata": {"name": "gone"}, "spec": {"ports": [{"port": 80}]}}
    core.create_namespaced_service("default", service)
    core.create_namespaced_config_map("default", {"metadata": {"name": "gone"}})
    deleted = core.delete_namespaced_service("gone", "default")
    assert isinstance(deleted, client.V1Service) and deleted.metadata.name == "gone"
    status = core.api_client.sanitize_for_serialization(
        core.delete_namespaced_config_map("gone", "default")
    )
    assert (status["kind"], status["status"]) == ("Status", "Success")
    with pytest.raises(ApiException) as err:
        core.read_namespaced_service("gone", "default")
    assert err.value.status == 404


def test_missing_namespace_is_not_found(core: client.CoreV1Api) -> None:
    with pytest.raises(ApiException) as err:
        core.create_namespaced_config_map("nowhere", {"metadata": {"name": "cm"}})
    assert err.value.status == 404
    assert 'namespaces \\"nowhere\\" not found' in err.value.body


def test_invalid_name_is_unprocessable(core: client.CoreV1Api) -> None:
    with pytest.raises(ApiException) as err:
        core.create_namespaced_config_map("default", {"metadata": {"name": "Bad_Name"}})
    assert err.value.status == 422
    assert 'ConfigMap \\"Bad_Name\\" is invalid: metadata.name: Invalid value' in err.value.body


def test_generation_bumps_on_spec_change_only(api: client.ApiClient) -> None:
    apps = client.AppsV1Api(api)
    _, body = MANIFESTS["replicasets"]
    created = apps.create_namespaced_replica_set("default", {"metadata": {"name": "web"}, **body})
    assert created.metadata.generation == 1
    labelled = apps.patch_namespaced_replica_set(
        "web", "default", {"metadata": {"labels": {"a": "b"}}}
    )
    assert labelled.metadata.generation == 1
    scaled = apps.patch_namespaced_replica_set("web", "default", {"spec": {"replicas": 5}})
    assert scaled.metadata.generation == 2
    status = apps.patch_namespaced_replica_set_status("web", "default", {"status": {"replicas": 5}})
    assert status.status.replicas == 5 and status.metadata.generation == 2
    ignored = apps.patch_namespaced_replica_set("web", "default", {"status": {"replicas": 1}})
    assert ignored.status.replicas == 5  # status only changes through the subresource


def test_label_and_field_selectors(core: client.CoreV1Api) -> None:
    for name, labels in (
        ("a", {"app": "web", "tier": "front"}),
        ("b", {"app": "web"}),
        ("c", {"app": "db"}),
    ):
        core.create_namespaced_config_map("default", {"metadata": {"name": name, "labels": labels}})

    def names(**selectors: str) -> list[str | None]:
        return [
            cm.metadata.name for cm in core.list_namespaced_config_map("default", **selectors).items
        ]

    assert names(label_selector="app=web") == ["a", "b"]
    assert names(label_selector="app in (web,db),!tier") == ["b", "c"]
    assert names(label_selector="app!=web") == ["c"]
    assert names(field_selector="metadata.name=c") == ["c"]
    found = core.list_config_map_for_all_namespaces(field_selector="metadata.namespace=kube-system")
    assert [cm.metadata.name for cm in found.items] == ["ingress-uid"]


def test_event_field_selectors_as_kubectl_describe_sends_them(core: client.CoreV1Api) -> None:
    for name, kind in (("e1", "Ingress"), ("e2", "Service")):
        core.create_namespaced_event(
            "default",
            {
                "metadata": {"name": name},
                "reason": "Sync",
                "message": "m",
                "type": "Normal",
                "involvedObject": {"kind": kind, "name": "web", "namespace": "default"},
            },
        )
    found = core.list_namespaced_event(
        "default",
        field_selector="involvedObject.name=web,involvedObject.namespace=default,"
        "involvedObject.kind=Ingress",
    )
    assert [event.metadata.name for event in found.items] == ["e1"]


def test_seeded_cluster_looks_like_fresh_gke(
    sandbox: SandboxFederation, core: client.CoreV1Api
) -> None:
    assert [ns.metadata.name for ns in core.list_namespace().items] == [
        "default",
        "kube-node-lease",
        "kube-public",
        "kube-system",
    ]
    zones = sorted(n.metadata.labels["topology.kubernetes.io/zone"] for n in core.list_node().items)
    assert zones == ["europe-west1-a", "europe-west1-b", "europe-west1-c"]
    uids = {
        cluster.name: cluster.store.get("configmaps", "kube-system", "ingress-uid")["data"]
        for cluster in sandbox.clusters
    }
    assert len({data["uid"] for data in uids.values()}) == 3
    assert all(len(data["uid"]) == 16 and len(data["provider-uid"]) == 16 for data in uids.values())
    cm = core.read_namespaced_config_map("ingress-uid", "kube-system")
    assert cm.data == uids[CONTEXT]


def test_version(api: client.ApiClient) -> None:
    info = client.VersionApi(api).get_code()
    assert info.git_version.startswith("v1.29.") and info.minor == "29"


def test_dry_run_changes_nothing(sandbox: SandboxFederation, core: client.CoreV1Api) -> None:
    created = core.create_namespaced_config_map(
        "default", {"metadata": {"name": "dry"}}, dry_run="All"
    )
    assert created.metadata.name == "dry"
    assert sandbox.cluster(CONTEXT).store.list("configmaps", "default") == []
    core.create_namespaced_config_map("default", {"metadata": {"name": "kept"}})
    core.delete_namespaced_config_map("kept", "default", dry_run="All")
    core.patch_namespaced_config_map("kept", "default", {"data": {"x": "y"}}, dry_run="All")
    kept = sandbox.cluster(CONTEXT).store.get("configmaps", "default", "kept")
    assert "data" not in kept


def test_strategic_merge_patch_merges_containers_by_name(api: client.ApiClient) -> None:
    apps = client.AppsV1Api(api)
    _, body = MANIFESTS["replicasets"]
    apps.create_namespaced_replica_set("default", {"metadata": {"name": "web"}, **body})
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {"name": "web", "image": "nginx:1.28"},
                        {"name": "side", "image": "busybox"},
                    ]
                }
            }
        }
    }
    patched = apps.patch_namespaced_replica_set("web", "default", patch)  # strategic merge
    images = {c.name: c.image for c in patched.spec.template.spec.containers}
    assert images == {"web": "nginx:1.28", "side": "busybox"}


def test_json_patch(sandbox: SandboxFederation, api: client.ApiClient) -> None:
    resource = dynamic.DynamicClient(api).resources.get(api_version="v1", kind="ConfigMap")
    resource.create(body={"metadata": {"name": "cm"}, "data": {"a": "1"}}, namespace="default")
    operations = [
        {"op": "replace", "path": "/data/a", "value": "2"},
        {"op": "add", "path": "/data/b", "value": "3"},
    ]
    resource.patch(
        body=operations, name="cm", namespace="default", content_type="application/json-patch+json"
    )
    stored = sandbox.cluster(CONTEXT).store.get("configmaps", "default", "cm")
    assert stored["data"] == {"a": "2", "b": "3"}


def test_server_side_apply_creates_then_merges(
    sandbox: SandboxFederation, api: client.ApiClient
) -> None:
    resource = dynamic.DynamicClient(api).resources.get(api_version="v1", kind="ConfigMap")
    manifest = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "applied"},
        "data": {"a": "1"},
    }
    resource.server_side_apply(body=manifest, namespace="default", field_manager="kubectl-fed")
    manifest["data"] = {"b": "2"}  # another manager's apply adds to what kubectl-fed applied
    resource.server_side_apply(body=manifest, namespace="default", field_manager="other")
    stored = sandbox.cluster(CONTEXT).store.get("configmaps", "default", "applied")
    assert stored["data"] == {"a": "1", "b": "2"}


def test_watch_sees_added_modified_deleted(core: client.CoreV1Api) -> None:
    start = core.list_namespaced_config_map("default").metadata.resource_version
    seen: list[tuple[str, str]] = []
    stream = watch.Watch()
    done = threading.Event()

    def consume() -> None:
        for event in stream.stream(
            core.list_namespaced_config_map, "default", resource_version=start, timeout_seconds=20
        ):
            seen.append((event["type"], event["object"].metadata.name))
            if event["type"] == "DELETED":
                break
        done.set()

    reader = threading.Thread(target=consume)
    reader.start()
    core.create_namespaced_config_map("default", {"metadata": {"name": "w"}})
    core.patch_namespaced_config_map("w", "default", {"data": {"k": "v"}})
    core.delete_namespaced_config_map("w", "default")
    reader.join(timeout=30)
    stream.stop()
    assert done.is_set()
    assert seen == [("ADDED", "w"), ("MODIFIED", "w"), ("DELETED", "w")]


def _edited_kubeconfig(sandbox: SandboxFederation, path: Path, **user: str) -> str:
    document = yaml.safe_load(sandbox.kubeconfig_path.read_text())
    for entry in document["users"]:
        entry["user"].update(user)
    path.write_text(yaml.safe_dump(document))
    return str(path)


def test_bad_token_is_unauthorized(sandbox: SandboxFederation, tmp_path: Path) -> None:
    kubeconfig = _edited_kubeconfig(sandbox, tmp_path / "bad-token", token="not-the-token")
    api = config.new_client_from_config(kubeconfig, context=CONTEXT)
    try:
        with pytest.raises(ApiException) as err:
            client.CoreV1Api(api).list_namespace()
    finally:
        close_client(api)
    assert err.value.status == 401
    assert '"reason": "Unauthorized"' in err.value.body
    assert sandbox.cluster(CONTEXT).requests.records()[-1].status == 401


def test_wrong_ca_is_a_tls_error(
    sandbox: SandboxFederation, sandbox_factory: Any, tmp_path: Path
) -> None:
    other = yaml.safe_load(sandbox_factory(clusters=1).kubeconfig_path.read_text())
    document = yaml.safe_load(sandbox.kubeconfig_path.read_text())
    for entry in document["clusters"]:  # trust another sandbox's CA only
        entry["cluster"]["certificate-authority-data"] = other["clusters"][0]["cluster"][
            "certificate-authority-data"
        ]
    (tmp_path / "wrong-ca").write_text(yaml.safe_dump(document))
    api = config.new_client_from_config(str(tmp_path / "wrong-ca"), context=CONTEXT)
    try:
        with pytest.raises(urllib3.exceptions.MaxRetryError) as err:
            client.CoreV1Api(api).list_namespace(_request_timeout=5)
    finally:
        close_client(api)
    assert isinstance(err.value.reason, urllib3.exceptions.SSLError)
    assert "CERTIFICATE_VERIFY_FAILED" in str(err.value.reason)
    assert len(sandbox.cluster(CONTEXT).requests) == 0


def test_namespace_deletion_removes_its_objects(
    sandbox: SandboxFederation, core: client.CoreV1Api
) -> None:
    core.create_namespace({"metadata": {"name": "team"}})
    core.create_namespaced_config_map("team", {"metadata": {"name": "cm"}})
    core.delete_namespace("team")
    assert sandbox.cluster(CONTEXT).store.list("configmaps", "team") == []


def test_selfsubjectaccessreview_allows_unless_denied(
    sandbox: SandboxFederation, api: client.ApiClient
) -> None:
    authz = client.AuthorizationV1Api(api)

    def allowed(verb: str) -> bool:
        review = {
            "spec": {
                "resourceAttributes": {
                    "verb": verb,
                    "group": "networking.k8s.io",
                    "resource": "ingresses",
                    "namespace": "default",
                }
            }
        }
        return bool(authz.create_self_subject_access_review(review).status.allowed)

    assert allowed("create")
    sandbox.cluster(CONTEXT).access.deny("create", "ingresses")
    assert not allowed("create") and allowed("get")
    with pytest.raises(ApiException) as err:
        client.NetworkingV1Api(api).create_namespaced_ingress(
            "default", {"metadata": {"name": "web"}, **MANIFESTS["ingresses"][1]}
        )
    assert err.value.status == 403
    assert (
        'cannot create resource \\"ingresses\\" in API group \\"networking.k8s.io\\"'
        in err.value.body
    )


def test_scale_subresource(sandbox: SandboxFederation, api: client.ApiClient) -> None:
    apps = client.AppsV1Api(api)
    _, body = MANIFESTS["replicasets"]
    apps.create_namespaced_replica_set("default", {"metadata": {"name": "web"}, **body})
    scale = apps.read_namespaced_replica_set_scale("web", "default")
    assert (scale.spec.replicas, scale.status.selector) == (2, "app=web")
    patched = apps.patch_namespaced_replica_set_scale("web", "default", {"spec": {"replicas": 7}})
    assert patched.spec.replicas == 7
    stored = sandbox.cluster(CONTEXT).store.get("replicasets", "default", "web")
    assert stored["spec"]["replicas"] == 7
    stale = {
        "metadata": {"name": "web", "resourceVersion": scale.metadata.resource_version},
        "spec": {"replicas": 1},
    }
    with pytest.raises(ApiException) as err:
        apps.replace_namespaced_replica_set_scale("web", "default", stale)
    assert err.value.status == 409
