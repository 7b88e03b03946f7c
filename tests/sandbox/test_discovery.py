"""Discovery documents: what kube-apiserver v1.32 lists for the resources the sandbox serves."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from kubectl_fed.sandbox.apiserver import discovery
from kubectl_fed.sandbox.federation import SandboxFederation

pytestmark = pytest.mark.subprocess

FULL = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
NO_COLLECTION = [verb for verb in FULL if verb != "deletecollection"]

# plural -> (groupVersion, kind, namespaced, shortNames, verbs, categories)
EXPECTED: dict[str, tuple[str, str, bool, list[str], list[str], list[str]]] = {
    "namespaces": ("v1", "Namespace", False, ["ns"], NO_COLLECTION, []),
    "nodes": ("v1", "Node", False, ["no"], FULL, []),
    "pods": ("v1", "Pod", True, ["po"], FULL, ["all"]),
    "services": ("v1", "Service", True, ["svc"], FULL, ["all"]),
    "endpoints": ("v1", "Endpoints", True, ["ep"], FULL, []),
    "configmaps": ("v1", "ConfigMap", True, ["cm"], FULL, []),
    "events": ("v1", "Event", True, ["ev"], FULL, []),
    "resourcequotas": ("v1", "ResourceQuota", True, ["quota"], FULL, []),
    "secrets": ("v1", "Secret", True, [], FULL, []),
    "serviceaccounts": ("v1", "ServiceAccount", True, ["sa"], FULL, []),
    "deployments": ("apps/v1", "Deployment", True, ["deploy"], FULL, ["all"]),
    "replicasets": ("apps/v1", "ReplicaSet", True, ["rs"], FULL, ["all"]),
    "ingresses": ("networking.k8s.io/v1", "Ingress", True, ["ing"], FULL, []),
    "ingressclasses": ("networking.k8s.io/v1", "IngressClass", False, [], FULL, []),
    "selfsubjectaccessreviews": (
        "authorization.k8s.io/v1", "SelfSubjectAccessReview", False, [], ["create"], []
    ),
    "roles": ("rbac.authorization.k8s.io/v1", "Role", True, [], FULL, []),
    "rolebindings": ("rbac.authorization.k8s.io/v1", "RoleBinding", True, [], FULL, []),
    "leases": ("coordination.k8s.io/v1", "Lease", True, [], FULL, []),
}  # fmt: skip

SUBRESOURCES = {
    "pods/status", "services/status", "replicasets/status", "replicasets/scale",
    "ingresses/status", "resourcequotas/status", "namespaces/status", "nodes/status",
    "deployments/status", "deployments/scale",
}  # fmt: skip


def _legacy_entries() -> dict[str, tuple[str, dict[str, Any]]]:
    """Every APIResourceList entry across the served group versions, by name."""
    entries: dict[str, tuple[str, dict[str, Any]]] = {}
    for group in ["", *discovery.GROUPS]:
        document = discovery.api_resource_list(group, "v1")
        assert document is not None
        for entry in document["resources"]:
            entries[entry["name"]] = (document["groupVersion"], entry)
    return entries


def test_every_resource_is_listed_with_upstream_verbs_and_short_names() -> None:
    entries = _legacy_entries()
    top_level = {name for name in entries if "/" not in name}
    assert top_level == set(EXPECTED)
    for plural, (group_version, kind, namespaced, short, verbs, categories) in EXPECTED.items():
        listed_in, entry = entries[plural]
        assert listed_in == group_version, plural
        assert entry["kind"] == kind
        assert entry["namespaced"] is namespaced
        assert entry.get("shortNames", []) == short
        assert entry["verbs"] == verbs
        assert entry.get("categories", []) == categories
        assert entry["singularName"] == kind.lower()


def test_status_and_scale_subresources() -> None:
    entries = _legacy_entries()
    assert {name for name in entries if "/" in name} == SUBRESOURCES
    _, scale = entries["replicasets/scale"]
    assert (scale["group"], scale["version"], scale["kind"]) == ("autoscaling", "v1", "Scale")
    _, status = entries["ingresses/status"]
    assert status["kind"] == "Ingress" and "group" not in status
    assert status["verbs"] == ["get", "patch", "update"]


def test_resource_lists_are_sorted_and_unknown_group_versions_are_none() -> None:
    core = discovery.api_resource_list("", "v1")
    assert core is not None and "apiVersion" not in core
    names = [entry["name"] for entry in core["resources"]]
    assert names == sorted(names)
    assert discovery.api_resource_list("apps", "v1beta2") is None
    assert discovery.api_resource_list("batch", "v1") is None


def test_root_documents() -> None:
    assert discovery.core_api_versions() == {"kind": "APIVersions", "versions": ["v1"]}
    with_address = discovery.core_api_versions("127.0.0.1:6443")
    assert with_address["serverAddressByClientCIDRs"][0]["serverAddress"] == "127.0.0.1:6443"
    groups = discovery.api_group_list()
    assert groups["kind"] == "APIGroupList"
    assert [g["name"] for g in groups["groups"]] == [
        "apps",
        "authorization.k8s.io",
        "networking.k8s.io",
        "rbac.authorization.k8s.io",
        "coordination.k8s.io",
    ]
    apps = groups["groups"][0]
    assert apps["preferredVersion"] == {"groupVersion": "apps/v1", "version": "v1"}
    group = discovery.api_group("networking.k8s.io")
    assert group is not None and group["versions"][0]["groupVersion"] == "networking.k8s.io/v1"
    assert discovery.api_group("batch") is None


def test_lookups() -> None:
    ingress = discovery.resource_info("networking.k8s.io", "v1", "ingresses")
    assert ingress is not None and ingress.kind == "Ingress"
    assert ingress.group_version == "networking.k8s.io/v1"
    assert discovery.resource_info("", "v1", "ingresses") is None
    services = discovery.find_by_plural("services")
    assert services is not None and services.group_version == "v1"
    assert services.allows("watch") and not services.allows("proxy")
    assert discovery.find_by_plural("daemonsets") is None
    replica_sets = discovery.find_by_kind("apps", "ReplicaSet")
    assert replica_sets is not None and "scale" in replica_sets.subresources


@pytest.mark.parametrize("version", ["v2", "v2beta1"])
def test_aggregated_discovery_matches_the_legacy_documents(version: str) -> None:
    """Converted the way client-go does, the aggregated lists equal the legacy ones."""
    legacy = _legacy_entries()
    seen: dict[str, dict[str, Any]] = {}
    for core in (True, False):
        document = discovery.aggregated_discovery(core, version)
        assert document["kind"] == "APIGroupDiscoveryList"
        assert document["apiVersion"] == f"apidiscovery.k8s.io/{version}"
        for item in document["items"]:
            assert (item["metadata"]["name"] == "") is core
            for group_version in item["versions"]:
                assert group_version["freshness"] == "Current"
                for resource in group_version["resources"]:
                    seen.update(_as_legacy(resource))
    assert seen.keys() == legacy.keys()
    for name, entry in seen.items():
        _, expected = legacy[name]
        for field in ("kind", "namespaced", "verbs"):
            assert entry[field] == expected[field], (name, field)
        assert entry.get("shortNames", []) == expected.get("shortNames", [])
        assert entry.get("categories", []) == expected.get("categories", [])


def _as_legacy(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """client-go's conversion of one aggregated resource (it drops entries without a kind)."""
    assert resource["responseKind"]["kind"]
    parent = {
        "kind": resource["responseKind"]["kind"],
        "namespaced": resource["scope"] == "Namespaced",
        "verbs": resource["verbs"],
        "shortNames": resource.get("shortNames", []),
        "categories": resource.get("categories", []),
    }
    converted = {resource["resource"]: parent}
    for sub in resource.get("subresources", []):
        assert sub["responseKind"]["kind"]
        converted[f"{resource['resource']}/{sub['subresource']}"] = {
            "kind": sub["responseKind"]["kind"],
            "namespaced": parent["namespaced"],
            "verbs": sub["verbs"],
        }
    return converted


def test_aggregated_discovery_rejects_unknown_versions() -> None:
    with pytest.raises(ValueError):
        discovery.aggregated_discovery(True, "v3")


KUBECTL_ACCEPT = (
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
    "application/json"
)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (KUBECTL_ACCEPT, "v2"),
        ("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList", "v2beta1"),
        ("application/json; as=APIGroupDiscoveryList; v=v2; g=apidiscovery.k8s.io", "v2"),
        ("application/json", None),
        ("application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList", None),
        ("application/yaml;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", None),
        ("", None),
        (None, None),
    ],
)
def test_negotiate_aggregated(accept: str | None, expected: str | None) -> None:
    assert discovery.negotiate_aggregated(accept) == expected


def test_aggregated_content_type_is_what_client_go_recognises() -> None:
    content_type = discovery.aggregated_content_type("v2")
    base, *params = content_type.split(";")
    assert base == "application/json"
    assert dict(p.split("=") for p in params) == {
        "g": "apidiscovery.k8s.io",
        "v": "v2",
        "as": "APIGroupDiscoveryList",
    }


@pytest.mark.kubectl
def test_kubectl_discovers_the_served_resources(
    sandbox: SandboxFederation, fed_env: dict[str, str], kubectl_path: str
) -> None:
    """kubectl 1.32 reads aggregated discovery; its resource table matches upstream's."""
    done = subprocess.run(
        [kubectl_path, "--context", sandbox.names[0], "api-resources", "--no-headers"],
        capture_output=True,
        text=True,
        env=fed_env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    listed = {line.split()[0]: line.split()[1:] for line in done.stdout.strip().split("\n")}
    assert set(listed) == set(EXPECTED)
    for plural, (group_version, kind, namespaced, short, _, _) in EXPECTED.items():
        assert listed[plural] == [*short, group_version, str(namespaced).lower(), kind]
    asked = {record.path for record in sandbox.cluster(sandbox.names[0]).requests}
    assert {"/api", "/apis"} <= asked
    assert not asked & {"/api/v1", "/apis/apps/v1"}, "kubectl fell back to legacy discovery"
