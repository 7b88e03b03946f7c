"""The store's Python API, as controllers and tests use it directly."""

from __future__ import annotations

from typing import Any

import pytest

from kubectl_fed.sandbox.apiserver.errors import ApiError
from kubectl_fed.sandbox.apiserver.store import Store, WatchEvent

POD_SPEC = {"containers": [{"name": "web", "image": "nginx"}]}


@pytest.fixture
def store() -> Store:
    fresh = Store(cluster_index=7)
    fresh.create("namespaces", None, {"metadata": {"name": "default"}})
    return fresh


def _error(call: Any, *args: Any, **kwargs: Any) -> ApiError:
    with pytest.raises(ApiError) as err:
        call(*args, **kwargs)
    return err.value


def test_subscribe_delivers_events_until_unsubscribed(store: Store) -> None:
    seen: list[WatchEvent] = []
    unsubscribe = store.subscribe(seen.append)
    store.create("configmaps", "default", {"metadata": {"name": "a"}})
    store.patch("configmaps", "default", "a", {"data": {"k": "v"}})
    store.delete("configmaps", "default", "a")
    unsubscribe()
    store.create("configmaps", "default", {"metadata": {"name": "b"}})
    assert [(e.type, e.resource, e.object["metadata"]["name"]) for e in seen] == [
        ("ADDED", "configmaps", "a"),
        ("MODIFIED", "configmaps", "a"),
        ("DELETED", "configmaps", "a"),
    ]
    versions = [e.resource_version for e in seen]
    assert versions == sorted(versions) and len(set(versions)) == 3


def test_objects_are_copies(store: Store) -> None:
    created = store.create("configmaps", "default", {"metadata": {"name": "a"}, "data": {"k": "v"}})
    created["data"]["k"] = "changed"
    assert store.get("configmaps", "default", "a")["data"] == {"k": "v"}


def test_generate_name_and_namespace_defaulting(store: Store) -> None:
    created = store.create("configmaps", None, {"metadata": {"generateName": "web-"}})
    assert created["metadata"]["name"].startswith("web-") and len(created["metadata"]["name"]) == 9
    assert created["metadata"]["namespace"] == "default"
    mismatch = _error(
        store.create, "configmaps", "default", {"metadata": {"name": "x", "namespace": "other"}}
    )
    assert mismatch.code == 400


def test_update_of_main_resource_keeps_status_and_status_update_keeps_spec(store: Store) -> None:
    rs = {
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": POD_SPEC},
        },
    }
    created = store.create("replicasets", "default", rs)
    assert created["status"] == {"replicas": 0} and created["metadata"]["generation"] == 1
    with_status = dict(created, status={"replicas": 1, "readyReplicas": 1})
    store.update("replicasets", "default", "web", with_status, subresource="status")
    changed = store.get("replicasets", "default", "web")
    changed["spec"]["replicas"] = 4
    changed["status"] = {}
    updated = store.update("replicasets", "default", "web", changed)
    assert updated["status"] == {"replicas": 1, "readyReplicas": 1}
    assert updated["metadata"]["generation"] == 2


def test_replicaset_selector_must_match_template(store: Store) -> None:
    rs = {
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "db"}}, "spec": POD_SPEC},
        },
    }
    err = _error(store.create, "replicasets", "default", rs)
    assert err.code == 422
    assert err.message.startswith('ReplicaSet.apps "web" is invalid: spec.template.metadata.labels')


def test_replicaset_selector_is_immutable(store: Store) -> None:
    rs = {
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web", "v": "2"}}, "spec": POD_SPEC},
        },
    }
    store.create("replicasets", "default", rs)
    err = _error(
        store.patch,
        "replicasets",
        "default",
        "web",
        {"spec": {"selector": {"matchLabels": {"v": "2"}}}},
    )
    assert err.code == 422 and "spec.selector: Invalid value" in err.message
    assert err.message.endswith("field is immutable")


def test_deleting_an_owner_deletes_its_dependents(store: Store) -> None:
    owner = store.create("configmaps", "default", {"metadata": {"name": "owner"}})
    reference = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "name": "owner",
        "uid": owner["metadata"]["uid"],
    }
    store.create(
        "pods",
        "default",
        {"metadata": {"name": "child", "ownerReferences": [reference]}, "spec": POD_SPEC},
    )
    store.create(
        "pods",
        "default",
        {"metadata": {"name": "orphan-me", "ownerReferences": [reference]}, "spec": POD_SPEC},
    )
    store.delete("configmaps", "default", "owner")
    assert store.list("pods") == []


def test_service_rules(store: Store) -> None:
    service = {
        "metadata": {"name": "web"},
        "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 31000}]},
    }
    created = store.create("services", "default", service)
    assert created["spec"]["clusterIP"].startswith("10.7.")
    out_of_range = {
        "metadata": {"name": "low"},
        "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 80}]},
    }
    assert (
        "provided port is not in the valid range"
        in _error(store.create, "services", "default", out_of_range).message
    )
    cluster_ip = {
        "metadata": {"name": "web"},
        "spec": {"type": "ClusterIP", "ports": [{"port": 80, "nodePort": 31000}]},
    }
    assert (
        "may not be used when `type` is 'ClusterIP'"
        in _error(store.update, "services", "default", "web", cluster_ip).message
    )
    moved = {
        "metadata": {"name": "web"},
        "spec": {"type": "NodePort", "clusterIP": "10.7.9.9", "ports": [{"port": 80}]},
    }
    assert "field is immutable" in _error(store.update, "services", "default", "web", moved).message
    no_ports = {"metadata": {"name": "empty"}, "spec": {}}
    assert (
        "spec.ports: Required value"
        in _error(store.create, "services", "default", no_ports).message
    )
    freed = store.update(
        "services",
        "default",
        "web",
        {"metadata": {"name": "web"}, "spec": {"type": "ClusterIP", "ports": [{"port": 80}]}},
    )
    assert "nodePort" not in freed["spec"]["ports"][0]
    reused = dict(service, metadata={"name": "again"})
    assert store.create("services", "default", reused)["spec"]["ports"][0]["nodePort"] == 31000


def test_events_since_and_expiry() -> None:
    small = Store(history=3)
    small.create("namespaces", None, {"metadata": {"name": "a"}})
    first = small.resource_version
    for name in ("b", "c", "d", "e"):
        small.create("namespaces", None, {"metadata": {"name": name}})
    assert small.events_since(first) is None  # older than what is kept
    recent = small.events_since(small.resource_version - 2)
    assert recent is not None and [e.object["metadata"]["name"] for e in recent] == ["d", "e"]
