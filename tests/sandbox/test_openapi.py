"""OpenAPI documents and server-side field validation, over HTTP."""

from __future__ import annotations

import json

from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.clients import raw_request

DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"
# upstream's test body (test/integration/apiserver/field_validation_test.go, v1.32)
INVALID = """{"apiVersion": "apps/v1", "kind": "Deployment",
 "metadata": {"name": "dupename", "name": "web", "labels": {"app": "nginx"}, "unknownMeta": "x"},
 "spec": {"unknown1": "val1", "unknownDupe": "a", "unknownDupe": "b", "paused": true,
  "paused": false, "selector": {"matchLabels": {"app": "nginx"}},
  "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [
   {"name": "nginx", "image": "nginx:latest", "unknownNested": "val1",
    "imagePullPolicy": "Always", "imagePullPolicy": "Never"}]}}}}"""
EXPECTED = [
    'duplicate field "metadata.name"',
    'unknown field "metadata.unknownMeta"',
    'unknown field "spec.unknown1"',
    'unknown field "spec.unknownDupe"',
    'duplicate field "spec.paused"',
    'unknown field "spec.template.spec.containers[0].unknownNested"',
    'duplicate field "spec.template.spec.containers[0].imagePullPolicy"',
]


def test_openapi_v3_index_documents_and_v2(member: SandboxFederation) -> None:
    cluster = member.clusters[0]
    index = raw_request(member, cluster, "GET", "/openapi/v3").json()["paths"]
    assert set(index) == {
        "api/v1",
        "apis/apps/v1",
        "apis/authorization.k8s.io/v1",
        "apis/coordination.k8s.io/v1",
        "apis/networking.k8s.io/v1",
        "apis/rbac.authorization.k8s.io/v1",
    }
    url = index["apis/networking.k8s.io/v1"]["serverRelativeURL"]
    assert url.startswith("/openapi/v3/apis/networking.k8s.io/v1?hash=")
    answer = raw_request(member, cluster, "GET", url)
    assert answer.headers["cache-control"] == "public, immutable"
    schemas = answer.json()["components"]["schemas"]
    ingress = schemas["io.k8s.api.networking.v1.Ingress"]
    assert ingress["x-kubernetes-group-version-kind"] == [
        {"group": "networking.k8s.io", "kind": "Ingress", "version": "v1"}
    ]
    assert ingress["properties"]["spec"]["allOf"] == [
        {"$ref": "#/components/schemas/io.k8s.api.networking.v1.IngressSpec"}
    ]
    assert "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" in schemas
    patch = answer.json()["paths"][
        "/apis/networking.k8s.io/v1/namespaces/{namespace}/ingresses/{name}"
    ]["patch"]
    assert "fieldValidation" in [parameter["name"] for parameter in patch["parameters"]]
    assert "application/strategic-merge-patch+json" in patch["requestBody"]["content"]
    core = raw_request(member, cluster, "GET", index["api/v1"]["serverRelativeURL"]).json()
    containers = core["components"]["schemas"]["io.k8s.api.core.v1.PodSpec"]["properties"][
        "containers"
    ]
    assert containers["x-kubernetes-patch-merge-key"] == "name"
    v2 = raw_request(member, cluster, "GET", "/openapi/v2").json()
    assert v2["swagger"] == "2.0"
    assert v2["definitions"]["io.k8s.api.core.v1.Service"]["properties"]["spec"] == {
        "$ref": "#/definitions/io.k8s.api.core.v1.ServiceSpec",
        "description": v2["definitions"]["io.k8s.api.core.v1.ServiceSpec"]["description"],
    }
    refused = raw_request(
        member, cluster, "GET", "/openapi/v2", headers={"Accept": "application/x-protobuf"}
    )
    assert refused.status == 406


def test_field_validation_strict_warn_ignore(member: SandboxFederation) -> None:
    cluster = member.clusters[0]
    strict = raw_request(member, cluster, "POST", DEPLOYMENTS + "?fieldValidation=Strict", INVALID)
    assert (strict.status, strict.json()["reason"]) == (400, "BadRequest")
    assert strict.json()["message"] == (
        'Deployment in version "v1" cannot be handled as a Deployment: '
        "strict decoding error: " + ", ".join(EXPECTED)
    )
    bad = raw_request(member, cluster, "POST", DEPLOYMENTS + "?fieldValidation=Loose", INVALID)
    assert bad.status == 400 and "fieldValidation parameter unsupported" in bad.json()["message"]
    warned = raw_request(member, cluster, "POST", DEPLOYMENTS, INVALID)  # Warn is the default
    assert warned.status == 201
    assert warned.headers["warning"] == "299 - " + json.dumps(EXPECTED[-1])
    stored = cluster.store.get("deployments", "default", "web")
    assert "unknownMeta" not in stored["metadata"] and "unknown1" not in stored["spec"]
    assert stored["spec"]["paused"] is False  # the last of duplicates wins, as in Go

    url = DEPLOYMENTS + "/web?fieldValidation=Strict"
    merge = {"Content-Type": "application/merge-patch+json"}
    body = '{"spec": {"paused": true, "paused": false, "zeta": 1, "alpha": 2}}'
    patched = raw_request(member, cluster, "PATCH", url, body, headers=merge)
    assert (patched.status, patched.json()["reason"]) == (422, "Invalid")
    assert patched.json()["message"].startswith(' "" is invalid: patch: Invalid value: ')
    assert patched.json()["message"].endswith(
        'strict decoding error: duplicate field "spec.paused", unknown field "spec.alpha", '
        'unknown field "spec.zeta"'
    )
    json_patch = {"Content-Type": "application/json-patch+json"}
    operations = '[{"op": "add", "path": "/spec/unknown1", "value": "v", "foo": "bar"}]'
    refused = raw_request(member, cluster, "PATCH", url, operations, headers=json_patch)
    assert refused.json()["message"].endswith(
        'strict decoding error: json patch unknown field "[0].foo", unknown field "spec.unknown1"'
    )
    ignored = DEPLOYMENTS + "/web?fieldValidation=Ignore"
    accepted = raw_request(member, cluster, "PATCH", ignored, body, headers=merge)
    assert accepted.status == 200 and "warning" not in accepted.headers
    assert "zeta" not in cluster.store.get("deployments", "default", "web")["spec"]
