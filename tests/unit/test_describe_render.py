# ruff: noqa: E501  (expected output lines are as wide as the output)
"""describe text, exactly: kubectl's layout, stable widths, member order, merged events;
and the FederatedObject document against its JSON schema."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from kubectl_fed.core.ingress.loadbalancer import (
    BackendService,
    Firewall,
    ForwardingRule,
    GroupHealth,
    InstanceHealth,
    LoadBalancerFacts,
    LoadBalancerView,
    load_balancer_view,
    not_inspected,
)
from kubectl_fed.core.kinds import INGRESS, REPLICASET, SERVICE
from kubectl_fed.core.status.federated import FederatedObject, fold
from kubectl_fed.core.status.fold import Snapshot
from kubectl_fed.render.describe import describe_text
from kubectl_fed.render.describe_machine import federated_object
from tests.support.members import ASIA, EU, US
from tests.support.status_objects import (
    UID,
    backend,
    endpoints,
    event,
    ingress,
    ok,
    replicaset,
    service,
    snapshot,
    unreachable,
)

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
OTHER = "0123456789abcdef"
BASE = "https://www.googleapis.com/compute/v1/projects/p"
SCHEMA = json.loads(
    (Path(__file__).parents[2] / "docs" / "federated-object.schema.json").read_text()
)


def walkthrough() -> FederatedObject:
    """The guide's ingress: one member healthy, one without pods, one unreachable."""
    ready = ["10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5"]
    events = (
        event("ADD", "default/myingress", "2026-01-02T02:59:10Z"),
        event("CREATE", "ip: 130.211.5.194", "2026-01-02T03:00:05Z"),
    )
    eu_events = (
        event("Sync", "retrying", "2026-01-02T03:02:05Z", 3, first="2026-01-02T02:59:35Z"),
    )
    return fold(
        INGRESS,
        "default",
        "myingress",
        [
            ok(US, snapshot(ingress(), ready, events=events)),
            ok(EU, snapshot(ingress(), [], events=eu_events)),
            unreachable(ASIA),
        ],
    )


def test_ingress_describe_text() -> None:
    text = describe_text(walkthrough(), NOW, not_inspected("not inspected: no project"))
    assert text == "\n".join(
        [
            "Name:             myingress",
            "Namespace:        default",
            "Address:          130.211.5.194",
            "Shards:           1 healthy of 3 members; unhealthy: europe-west1; absent: asia-east1",
            "Default backend:  nginx:80",
            "Rules:",
            "  Host  Path  Backends",
            "  ----  ----  --------",
            "  *     *     nginx:80",
            "                us-central1   10.1.0.2:8080,10.1.0.3:8080,10.1.0.4:8080 + 1 more...",
            "                europe-west1  <none>",
            'Annotations:      ingress.kubernetes.io/backends: {"k8s-be-30301--ff1107f83ed600c0":"HEALTHY"}',
            "                  ingress.kubernetes.io/forwarding-rule: k8s-fw-default-myingress--ff1107f83ed600c0",
            "                  ingress.kubernetes.io/static-ip: k8s-fw-default-myingress--ff1107f83ed600c0",
            "                  ingress.kubernetes.io/target-proxy: k8s-tp-default-myingress--ff1107f83ed600c0",
            "                  ingress.kubernetes.io/url-map: k8s-um-default-myingress--ff1107f83ed600c0",
            "                  kubernetes.io/ingress.class: gce",
            "Clusters:",
            "  CLUSTER       ADDRESS        SHARD HEALTH  ENDPOINTS  AGE  NOTE",
            "  us-central1   130.211.5.194  Healthy       4/4        5m",
            "  europe-west1  130.211.5.194  Unhealthy     0/0        5m   service nginx has no ready endpoints",
            "  asia-east1    <error>        -             -          -    Unreachable: connection refused",
            "Load balancer:  not inspected: no project",
            "Events:",
            "  Cluster       Type     Reason  Age                 From                     Message",
            "  -------       ----     ------  ---                 ----                     -------",
            "  us-central1   Normal   ADD     4m55s               loadbalancer-controller  default/myingress",
            "  us-central1   Normal   CREATE  4m                  loadbalancer-controller  ip: 130.211.5.194",
            "  europe-west1  Warning  Sync    2m (x3 over 4m30s)  loadbalancer-controller  retrying",
        ]
    )


def test_tls_hosts_paths_and_named_ports() -> None:
    spec: dict[str, Any] = {
        "tls": [
            {"hosts": ["foo.example.com"], "secretName": "tls-secret"},
            {"hosts": ["bar.example.com"]},
        ],
        "rules": [
            {
                "host": "foo.example.com",
                "http": {
                    "paths": [
                        {"path": "/api", "backend": backend("nginx", "http")},
                        {"path": "/", "backend": backend("web", 80)},
                    ]
                },
            }
        ],
    }
    fed = fold(INGRESS, "default", "myingress", [ok(US, snapshot(ingress(**spec), ["10.1.0.2"]))])
    lines = describe_text(fed, NOW).splitlines()
    assert lines[3:15] == [
        "Shards:       0 healthy of 1 member; unhealthy: us-central1",
        "TLS:",
        "  tls-secret terminates foo.example.com",
        "  SNI routes bar.example.com",
        "Rules:",
        "  Host             Path  Backends",
        "  ----             ----  --------",
        "  foo.example.com  /api  nginx:http",
        "                           us-central1  10.1.0.2:8080",
        "  foo.example.com  /     web:80",
        "                           us-central1  <none>",
        'Annotations:  ingress.kubernetes.io/backends: {"k8s-be-30301--ff1107f83ed600c0":"HEALTHY"}',
    ]
    assert (
        lines[-2]
        == "  us-central1  130.211.5.194  Unhealthy     1/1        5m   service web not found"
    )


def separate_load_balancers() -> tuple[FederatedObject, LoadBalancerView]:
    ready = ["10.1.0.2", "10.1.0.3"]
    fed = fold(
        INGRESS,
        "default",
        "myingress",
        [
            ok(US, snapshot(ingress("130.211.5.194"), ready)),
            ok(EU, snapshot(ingress("130.211.9.9", uid=OTHER), ready)),
        ],
    )

    def group(zone: str, *states: str) -> GroupHealth:
        instances = (
            InstanceHealth(f"{BASE}/zones/{zone}/instances/n{i}", s) for i, s in enumerate(states)
        )
        return GroupHealth(f"{BASE}/zones/{zone}/instanceGroups/ig", tuple(instances))

    facts = LoadBalancerFacts(
        project="p",
        forwarding_rules=(
            ForwardingRule(f"k8s-fw-default-myingress--{UID}", "130.211.5.194", "80-80"),
            ForwardingRule(f"k8s-fw-default-myingress--{OTHER}", "130.211.9.9", "80-80"),
        ),
        backend_services=(
            BackendService(
                f"k8s-be-30301--{UID}", 30301, (group("us-central1-a", "HEALTHY", "HEALTHY"),)
            ),
            BackendService(
                f"k8s-be-30301--{OTHER}", 30301, (group("europe-west1-b", "UNHEALTHY"),)
            ),
        ),
        firewalls=(Firewall("k8s-fw-l7--1", ("130.211.0.0/22",), ("30301",)),),
        problems=("url map k8s-um-x: not found",),
    )
    assert not isinstance(fed.status, type(None))
    addresses = fed.status.addresses  # type: ignore[union-attr]
    zones = {US: ["us-central1-a"], EU: ["europe-west1-b"]}
    return fed, load_balancer_view(facts, addresses, zones)


def test_disagreeing_members_and_their_separate_load_balancers() -> None:
    fed, view = separate_load_balancers()
    lines = describe_text(fed, NOW, view).splitlines()
    assert lines[2] == (
        "Address:          130.211.5.194 (us-central1), 130.211.9.9 (europe-west1): members disagree"
    )
    assert lines[12] == (
        "                  ingress.kubernetes.io/backends (europe-west1): "
        '{"k8s-be-30301--0123456789abcdef":"HEALTHY"}'
    )
    start = lines.index("Load balancer:")
    assert lines[start:] == [
        "Load balancer:",
        "  Project:           p",
        "  IP:                130.211.5.194, 130.211.9.9 (members use 2 separate load balancers)",
        "  Forwarding rules:  k8s-fw-default-myingress--ff1107f83ed600c0  130.211.5.194  80-80",
        "                     k8s-fw-default-myingress--0123456789abcdef  130.211.9.9    80-80",
        "  Firewall:          health checks blocked: tcp:30301 from 35.191.0.0/16",
        "  Backend services:",
        "    k8s-be-30301--ff1107f83ed600c0 (node port 30301)",
        "      us-central1   2/2 HEALTHY",
        "    k8s-be-30301--0123456789abcdef (node port 30301)",
        "      europe-west1  0/1 HEALTHY",
        "  Problems:",
        "    url map k8s-um-x: not found",
        "Events:  <none>",
    ]
    assert (
        "  us-central1   130.211.5.194  Healthy       2/2        5m   address differs from other members"
        in lines
    )


def test_service_describe_text() -> None:
    def member(node_port: int, cluster_ip: str) -> Snapshot:
        return Snapshot(
            service(node_port=node_port, cluster_ip=cluster_ip),
            services={"nginx": service()},
            endpoints={"nginx": endpoints(["10.1.0.2", "10.1.0.3"])},
        )

    fed = fold(
        SERVICE,
        "default",
        "nginx",
        [
            ok(US, member(30301, "10.0.0.1")),
            ok(EU, member(30302, "10.0.0.2")),
            ok(ASIA, Snapshot(None)),
        ],
    )
    assert describe_text(fed, NOW) == "\n".join(
        [
            "Name:         nginx",
            "Namespace:    default",
            "Type:         NodePort",
            "Selector:     app=nginx",
            "Ports:        http 80/TCP -> 8080, node ports differ: us-central1=30301, europe-west1=30302",
            "Shards:       2 healthy of 3 members; absent: asia-east1",
            "Annotations:  <none>",
            "Clusters:",
            "  CLUSTER       ADDRESS    SHARD HEALTH  ENDPOINTS  AGE  NOTE",
            "  us-central1   10.0.0.1   Healthy       2/2        5m   port http: node port 30301 differs",
            "  europe-west1  10.0.0.2   Healthy       2/2        5m   port http: node port 30302 differs",
            "  asia-east1    <missing>  -             -          -    service not found in this cluster",
            "Events:  <none>",
        ]
    )


def test_replicaset_describe_text() -> None:
    fed = fold(
        REPLICASET,
        "default",
        "nginx",
        [
            ok(US, Snapshot(replicaset(2, 2))),
            ok(EU, Snapshot(replicaset(2, 1))),
            ok(ASIA, Snapshot(replicaset(1, 1))),
        ],
    )
    assert describe_text(fed, NOW) == "\n".join(
        [
            "Name:         nginx",
            "Namespace:    default",
            "Selector:     app=nginx",
            "Replicas:     6 desired (federation total) | 5 current / 4 ready / 4 available",
            "Preferences:  <default: equal weights>",
            "Images:       nginx:1.27",
            "Annotations:  kubectl-fed.io/total-replicas: 6",
            "Clusters:",
            "  CLUSTER       DESIRED  PLANNED  CURRENT  READY  AVAILABLE  AGE  NOTE",
            "  us-central1   2        2        2        2      2          5m",
            "  europe-west1  2        2        2        1      1          5m   1 not ready",
            "  asia-east1    1        2        1        1      1          5m   planner wants 2",
            "Events:  <none>",
        ]
    )


def validate(document: dict[str, Any]) -> None:
    jsonschema.validate(json.loads(json.dumps(document)), SCHEMA)


def test_federated_object_documents_follow_the_schema() -> None:
    fed, view = separate_load_balancers()
    for document in (
        federated_object(walkthrough(), not_inspected("no project")),
        federated_object(fed, view),
        federated_object(
            fold(REPLICASET, "default", "nginx", [ok(US, Snapshot(replicaset(2, 2)))]), None
        ),
    ):
        validate(document)


def test_federated_object_names_every_member_in_order() -> None:
    document = federated_object(walkthrough(), None)
    assert (document["apiVersion"], document["kind"]) == ("kubectl-fed/v1", "FederatedObject")
    assert document["target"] == {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress"}
    clusters = document["clusters"]
    assert [(c["cluster"], c["presence"]) for c in clusters] == [
        (US, "Present"),
        (EU, "Present"),
        (ASIA, "Failed"),
    ]
    assert clusters[2]["error"] == {"reason": "Unreachable", "message": "connection refused"}
    assert clusters[1]["status"]["shardHealth"] == "Unhealthy"
    assert [e["reason"] for e in clusters[0]["events"]] == ["ADD", "CREATE"]
    status = document["federatedStatus"]
    assert status["address"] == "130.211.5.194"
    assert status["healthyShards"] == [US]
    assert status["unhealthyShards"] == [
        {"cluster": EU, "reason": "service nginx has no ready endpoints"}
    ]


def test_the_schema_rejects_malformed_documents() -> None:
    without_error = federated_object(walkthrough(), None)
    without_error["clusters"][2].pop("error")
    unknown_status = federated_object(walkthrough(), None)
    unknown_status["federatedStatus"]["colour"] = "blue"
    for document in (without_error, unknown_status):
        with pytest.raises(jsonschema.ValidationError):
            validate(document)
