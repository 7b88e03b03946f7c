"""`as=Table` responses: upstream's columns and cell formats for every kind the sandbox serves."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kubectl_fed.sandbox.apiserver import humanize, printers, tables
from kubectl_fed.sandbox.apiserver.discovery import RESOURCES
from kubectl_fed.sandbox.federation import SandboxFederation

pytestmark = pytest.mark.subprocess

NOW = datetime(2026, 1, 10, 12, 0, 0, tzinfo=UTC)
Obj = dict[str, Any]


def stamp(ago: timedelta) -> str:
    return (NOW - ago).strftime("%Y-%m-%dT%H:%M:%SZ")


def meta(name: str, ago: timedelta = timedelta(minutes=5), **extra: Any) -> Obj:
    return {"name": name, "namespace": "default", "creationTimestamp": stamp(ago), **extra}


def headers(plural: str) -> tuple[list[str], list[str]]:
    """The headers kubectl prints: (default, -o wide), upper-cased as kubectl does."""
    table = tables.to_table(plural, [], now=NOW)
    columns = table["columnDefinitions"]
    default = [c["name"].upper() for c in columns if c["priority"] == 0]
    return default, [c["name"].upper() for c in columns]


def cells(plural: str, obj: Obj) -> list[Any]:
    table = tables.to_table(plural, [obj], now=NOW)
    row = table["rows"][0]["cells"]
    assert len(row) == len(table["columnDefinitions"])
    return list(row)


def by_header(plural: str, obj: Obj) -> dict[str, Any]:
    return dict(zip(headers(plural)[1], cells(plural, obj), strict=True))


# ---------------------------------------------------------------- column layout, per kind

# Transcribed from kubernetes/kubernetes v1.32, pkg/printers/internalversion/printers.go
# (`AddHandlers`: each kind's `...ColumnDefinitions`); kinds without a printer (Role here) get
# the default table convertor of k8s.io/apiserver/pkg/registry/rest/table.go: Name and
# "Created At". Each column is (name, type, format, priority), checked independently of the
# project's own renderers.
NAME = ("Name", "string", "name", 0)
AGE = ("Age", "string", "", 0)


def _s(name: str, priority: int = 0) -> tuple[str, str, str, int]:
    return (name, "string", "", priority)


def _i(name: str) -> tuple[str, str, str, int]:
    return (name, "integer", "", 0)


TEMPLATE = [_s("Containers", 1), _s("Images", 1), _s("Selector", 1)]
UPSTREAM: dict[str, list[tuple[str, str, str, int]]] = {
    "pods": [
        NAME,
        _s("Ready"),
        _s("Status"),
        _s("Restarts"),
        AGE,
        _s("IP", 1),
        _s("Node", 1),
        _s("Nominated Node", 1),
        _s("Readiness Gates", 1),
    ],
    "replicasets": [NAME, _i("Desired"), _i("Current"), _i("Ready"), AGE, *TEMPLATE],
    "deployments": [NAME, _s("Ready"), _s("Up-to-date"), _s("Available"), AGE, *TEMPLATE],
    "services": [
        NAME,
        _s("Type"),
        _s("Cluster-IP"),
        _s("External-IP"),
        _s("Port(s)"),
        AGE,
        _s("Selector", 1),
    ],
    "ingresses": [NAME, _s("Class"), _s("Hosts"), _s("Address"), _s("Ports"), AGE],
    "ingressclasses": [NAME, _s("Controller"), _s("Parameters"), AGE],
    "endpoints": [NAME, _s("Endpoints"), AGE],
    "nodes": [
        NAME,
        _s("Status"),
        _s("Roles"),
        AGE,
        _s("Version"),
        _s("Internal-IP", 1),
        _s("External-IP", 1),
        _s("OS-Image", 1),
        _s("Kernel-Version", 1),
        _s("Container-Runtime", 1),
    ],
    "events": [
        _s("Last Seen"),
        _s("Type"),
        _s("Reason"),
        _s("Object"),
        _s("Subobject", 1),
        _s("Source", 1),
        _s("Message"),
        _s("First Seen", 1),
        _s("Count", 1),
        ("Name", "string", "name", 1),
    ],
    "namespaces": [NAME, _s("Status"), AGE],
    "secrets": [NAME, _s("Type"), _s("Data"), AGE],
    "serviceaccounts": [NAME, _s("Secrets"), AGE],
    "configmaps": [NAME, _s("Data"), AGE],
    "rolebindings": [
        NAME,
        _s("Role"),
        AGE,
        _s("Users", 1),
        _s("Groups", 1),
        _s("ServiceAccounts", 1),
    ],
    "roles": [NAME, ("Created At", "date", "", 0)],
    "leases": [NAME, _s("Holder"), AGE],
    "resourcequotas": [NAME, _s("Request"), _s("Limit"), AGE],
}


def test_every_served_kind_is_compared() -> None:
    tabled = {info.plural for info in RESOURCES if "list" in info.verbs}
    assert tabled == set(UPSTREAM)


@pytest.mark.parametrize("plural", sorted(UPSTREAM))
def test_columns_are_upstreams(plural: str) -> None:
    served = [(c["name"], c["type"], c["format"], c["priority"]) for c in _definitions(plural)]
    assert served == UPSTREAM[plural]


def _definitions(plural: str) -> list[Obj]:
    return list(tables.to_table(plural, [], now=NOW)["columnDefinitions"])


def test_column_definitions_have_every_field() -> None:
    for plural in UPSTREAM:
        for column in _definitions(plural):
            assert set(column) == {"name", "type", "format", "description", "priority"}
            assert column["description"]
    name = _definitions("services")[0]
    assert (name["format"], name["type"]) == ("name", "string")
    assert [c["type"] for c in _definitions("replicasets")[1:4]] == ["integer"] * 3


# ---------------------------------------------------------------- human durations


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=-3), "<invalid>"),
        (timedelta(seconds=-1), "0s"),
        (timedelta(milliseconds=-500), "0s"),
        (timedelta(0), "0s"),
        (timedelta(seconds=5), "5s"),
        (timedelta(seconds=119), "119s"),
        (timedelta(seconds=120), "2m"),
        (timedelta(minutes=3, seconds=10), "3m10s"),
        (timedelta(minutes=9, seconds=59), "9m59s"),
        (timedelta(minutes=10, seconds=30), "10m"),
        (timedelta(minutes=179, seconds=59), "179m"),
        (timedelta(hours=3), "3h"),
        (timedelta(hours=3, minutes=30), "3h30m"),
        (timedelta(hours=7, minutes=59), "7h59m"),
        (timedelta(hours=8, minutes=30), "8h"),
        (timedelta(hours=47, minutes=59), "47h"),
        (timedelta(hours=48), "2d"),
        (timedelta(days=2, hours=3), "2d3h"),
        (timedelta(days=7, hours=23), "7d23h"),
        (timedelta(days=8, hours=5), "8d"),
        (timedelta(days=729), "729d"),
        (timedelta(days=730), "2y"),
        (timedelta(days=731), "2y1d"),
        (timedelta(days=365 * 8 - 1), "7y364d"),
        (timedelta(days=365 * 8), "8y"),
        (timedelta(days=365 * 10 + 100), "10y"),
    ],
)
def test_human_duration(delta: timedelta, expected: str) -> None:
    assert humanize.human_duration(delta) == expected


def test_age_cells_and_unknown_timestamps() -> None:
    namespace = {
        "metadata": meta("prod", timedelta(days=2, hours=3)),
        "status": {"phase": "Active"},
    }
    assert cells("namespaces", namespace) == ["prod", "Active", "2d3h"]
    assert cells("namespaces", {"metadata": {"name": "x"}})[2] == "<unknown>"
    naive_now = NOW.replace(tzinfo=None)
    table = tables.to_table("namespaces", [namespace], now=naive_now)
    assert table["rows"][0]["cells"][2] == "2d3h"


# ---------------------------------------------------------------- services


def service(spec: Obj, status: Obj | None = None) -> Obj:
    return {"metadata": meta("web"), "spec": spec, "status": status or {}}


def test_node_port_service() -> None:
    spec = {
        "type": "NodePort",
        "clusterIP": "10.96.0.12",
        "clusterIPs": ["10.96.0.12"],
        "ports": [
            {"port": 80, "nodePort": 30301, "protocol": "TCP"},
            {"port": 53, "protocol": "UDP"},
        ],
        "selector": {"tier": "web", "app": "nginx"},
    }
    assert cells("services", service(spec)) == [
        "web",
        "NodePort",
        "10.96.0.12",
        "<none>",
        "80:30301/TCP,53/UDP",
        "5m",
        "app=nginx,tier=web",
    ]


def test_cluster_ip_service_without_ports_or_selector() -> None:
    row = by_header("services", service({"type": "ClusterIP", "clusterIP": "None"}))
    assert row["CLUSTER-IP"] == "None"
    assert row["EXTERNAL-IP"] == "<none>"
    assert row["PORT(S)"] == "<none>"
    assert row["SELECTOR"] == "<none>"


def test_load_balancer_external_ip() -> None:
    spec = {"type": "LoadBalancer", "clusterIP": "10.96.0.3", "ports": [{"port": 443}]}
    assert by_header("services", service(spec))["EXTERNAL-IP"] == "<pending>"
    assigned = {"loadBalancer": {"ingress": [{"ip": "34.1.2.3"}, {"hostname": "lb.example"}]}}
    row = by_header("services", service(spec, assigned))
    assert row["EXTERNAL-IP"] == "34.1.2.3,lb.example"
    assert row["PORT(S)"] == "443/TCP"
    long_name = {"loadBalancer": {"ingress": [{"hostname": "a-very-long-balancer.example.com"}]}}
    row = by_header("services", service(spec | {"externalIPs": ["1.1.1.1"]}, long_name))
    assert row["EXTERNAL-IP"] == "a-very-long-balancer.example.com,1.1.1.1"


def test_external_name_service() -> None:
    spec = {"type": "ExternalName", "externalName": "db.example.com"}
    row = by_header("services", service(spec))
    assert (row["CLUSTER-IP"], row["EXTERNAL-IP"]) == ("<none>", "db.example.com")


# ---------------------------------------------------------------- ingresses and classes


def ingress(spec: Obj, addresses: list[Obj] | None = None) -> Obj:
    status = {"loadBalancer": {"ingress": addresses}} if addresses else {}
    return {"metadata": meta("shop", timedelta(hours=7)), "spec": spec, "status": status}


def test_ingress_without_hosts_tls_or_address() -> None:
    backend = {"service": {"name": "web", "port": {"number": 80}}}
    assert cells("ingresses", ingress({"defaultBackend": backend})) == [
        "shop",
        "<none>",
        "*",
        "",
        "80",
        "7h",
    ]


def test_ingress_with_hosts_tls_and_address() -> None:
    spec = {
        "ingressClassName": "gce",
        "rules": [{"host": "a.example"}, {}, {"host": "b.example"}],
        "tls": [{"secretName": "cert"}],
    }
    row = by_header("ingresses", ingress(spec, [{"ip": "35.190.0.7"}]))
    assert row == {
        "NAME": "shop",
        "CLASS": "gce",
        "HOSTS": "a.example,b.example",
        "ADDRESS": "35.190.0.7",
        "PORTS": "80, 443",
        "AGE": "7h",
    }


def test_ingress_hosts_beyond_three() -> None:
    rules = [{"host": f"h{i}.example"} for i in range(5)]
    assert printers.format_ingress_hosts(rules) == "h0.example,h1.example,h2.example + 2 more..."
    assert printers.format_ingress_hosts([{}, {}]) == "*"


def test_ingress_class() -> None:
    plain = {"metadata": meta("gce"), "spec": {"controller": "k8s.io/ingress-gce"}}
    assert cells("ingressclasses", plain) == ["gce", "k8s.io/ingress-gce", "<none>", "5m"]
    params = {"apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "external-lb"}
    with_params = {"metadata": meta("ext"), "spec": {"controller": "c", "parameters": params}}
    assert (
        cells("ingressclasses", with_params)[2] == "IngressParameters.k8s.example.com/external-lb"
    )


# ---------------------------------------------------------------- pods


def pod(status: Obj, spec: Obj | None = None, **metadata: Any) -> Obj:
    containers = [{"name": "app", "image": "nginx"}]
    return {
        "metadata": meta("web-1", timedelta(minutes=3, seconds=10), **metadata),
        "spec": {"containers": containers, "nodeName": "node-a", **(spec or {})},
        "status": status,
    }


RUNNING = {
    "phase": "Running",
    "podIP": "10.4.0.7",
    "podIPs": [{"ip": "10.4.0.7"}],
    "conditions": [{"type": "Ready", "status": "True"}],
    "containerStatuses": [
        {"name": "app", "ready": True, "restartCount": 0, "state": {"running": {}}}
    ],
}


def test_running_pod() -> None:
    assert cells("pods", pod(RUNNING)) == [
        "web-1",
        "1/1",
        "Running",
        "0",
        "3m10s",
        "10.4.0.7",
        "node-a",
        "<none>",
        "<none>",
    ]


def test_pending_pod_shows_the_waiting_reason() -> None:
    waiting = {
        "phase": "Pending",
        "containerStatuses": [
            {"name": "app", "ready": False, "state": {"waiting": {"reason": "ContainerCreating"}}}
        ],
    }
    row = by_header("pods", pod(waiting, {"nodeName": ""}))
    assert (row["READY"], row["STATUS"], row["IP"], row["NODE"]) == (
        "0/1",
        "ContainerCreating",
        "<none>",
        "<none>",
    )
    assert by_header("pods", pod({"phase": "Pending"}))["STATUS"] == "Pending"


def test_restarts_show_when_the_last_one_was() -> None:
    crashing = {
        "phase": "Running",
        "containerStatuses": [
            {
                "name": "app",
                "ready": False,
                "restartCount": 3,
                "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                "lastState": {
                    "terminated": {"exitCode": 1, "finishedAt": stamp(timedelta(minutes=5))}
                },
            }
        ],
    }
    row = by_header("pods", pod(crashing))
    assert (row["STATUS"], row["RESTARTS"]) == ("CrashLoopBackOff", "3 (5m ago)")


def test_completed_pod_carries_a_row_condition() -> None:
    done = {
        "phase": "Succeeded",
        "containerStatuses": [
            {"name": "app", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}
        ],
    }
    table = tables.to_table("pods", [pod(done)], now=NOW)
    row = table["rows"][0]
    assert row["cells"][1:3] == ["0/1", "Completed"]
    assert row["conditions"] == [
        {
            "type": "Completed",
            "status": "True",
            "reason": "Succeeded",
            "message": "The pod has completed successfully.",
        }
    ]
    assert "conditions" not in tables.to_table("pods", [pod(RUNNING)], now=NOW)["rows"][0]


def test_terminating_and_exit_code_statuses() -> None:
    deleting = pod(RUNNING, deletionTimestamp=stamp(timedelta(seconds=1)))
    assert by_header("pods", deleting)["STATUS"] == "Terminating"
    killed = {
        "phase": "Running",
        "containerStatuses": [{"name": "app", "state": {"terminated": {"exitCode": 137}}}],
    }
    assert by_header("pods", pod(killed))["STATUS"] == "ExitCode:137"


def test_init_containers_and_readiness_gates() -> None:
    spec = {
        "initContainers": [{"name": "setup", "image": "busybox"}],
        "readinessGates": [{"conditionType": "cloud.google.com/load-balancer-neg-ready"}],
    }
    initializing = {
        "phase": "Pending",
        "initContainerStatuses": [{"name": "setup", "state": {"running": {}}}],
        "conditions": [{"type": "cloud.google.com/load-balancer-neg-ready", "status": "True"}],
    }
    row = by_header("pods", pod(initializing, spec))
    assert (row["STATUS"], row["READY"], row["READINESS GATES"]) == ("Init:0/1", "0/1", "1/1")


def test_sidecar_init_containers_count_towards_ready() -> None:
    spec = {"initContainers": [{"name": "proxy", "image": "envoy", "restartPolicy": "Always"}]}
    status = dict(RUNNING)
    status["initContainerStatuses"] = [
        {"name": "proxy", "started": True, "ready": True, "state": {"running": {}}}
    ]
    status["conditions"] = [{"type": "Initialized", "status": "True"}, *RUNNING["conditions"]]
    assert by_header("pods", pod(status, spec))["READY"] == "2/2"


# ---------------------------------------------------------------- endpoints


def test_endpoints_formatting() -> None:
    def endpoints(subsets: list[Obj]) -> Obj:
        return {"metadata": meta("web"), "subsets": subsets}

    assert cells("endpoints", endpoints([]))[1] == "<none>"
    two = [{"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}], "ports": [{"port": 8080}]}]
    assert cells("endpoints", endpoints(two))[1] == "10.0.0.1:8080,10.0.0.2:8080"
    five = [{"addresses": [{"ip": f"10.0.0.{i}"} for i in range(1, 6)], "ports": [{"port": 80}]}]
    assert cells("endpoints", endpoints(five))[1] == (
        "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more..."
    )
    headless = [{"addresses": [{"ip": "10.0.0.9"}, {"ip": "fd00::1"}]}]
    assert cells("endpoints", endpoints(headless))[1] == "10.0.0.9,fd00::1"
    ipv6 = [{"addresses": [{"ip": "fd00::1"}], "ports": [{"port": 443}]}]
    assert cells("endpoints", endpoints(ipv6))[1] == "[fd00::1]:443"


# ---------------------------------------------------------------- replica sets and selectors


def test_replica_set() -> None:
    replica_set = {
        "metadata": meta("web", timedelta(hours=2)),
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "spec": {
                    "containers": [
                        {"name": "app", "image": "nginx:1.27"},
                        {"name": "log", "image": "fluentbit"},
                    ]
                }
            },
        },
        "status": {"replicas": 3, "readyReplicas": 2},
    }
    assert cells("replicasets", replica_set) == [
        "web",
        3,
        3,
        2,
        "120m",
        "app,log",
        "nginx:1.27,fluentbit",
        "app=web",
    ]


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        (None, "<none>"),
        ({}, "<none>"),
        ({"matchLabels": {"tier": "web", "app": "nginx"}}, "app=nginx,tier=web"),
        (
            {
                "matchLabels": {"app": "web"},
                "matchExpressions": [
                    {"key": "env", "operator": "In", "values": ["prod", "canary"]},
                    {"key": "zone", "operator": "NotIn", "values": ["b"]},
                    {"key": "beta", "operator": "Exists"},
                    {"key": "legacy", "operator": "DoesNotExist"},
                ],
            },
            "app=web,beta,env in (canary,prod),!legacy,zone notin (b)",
        ),
        ({"matchExpressions": [{"key": "env", "operator": "In", "values": []}]}, "<error>"),
        ({"matchExpressions": [{"key": "env", "operator": "Near"}]}, "<error>"),
    ],
)
def test_format_label_selector(selector: Obj | None, expected: str) -> None:
    assert humanize.format_label_selector(selector) == expected


# ---------------------------------------------------------------- nodes, config maps, quotas...


def test_node() -> None:
    node = {
        "metadata": meta(
            "node-a", timedelta(days=3), labels={"node-role.kubernetes.io/worker": ""}
        ),
        "spec": {"unschedulable": True},
        "status": {
            "conditions": [{"type": "Ready", "status": "True"}],
            "addresses": [{"type": "InternalIP", "address": "10.128.0.2"}],
            "nodeInfo": {"kubeletVersion": "v1.32.0", "osImage": "Container-Optimized OS"},
        },
    }
    assert cells("nodes", node) == [
        "node-a",
        "Ready,SchedulingDisabled",
        "worker",
        "3d",
        "v1.32.0",
        "10.128.0.2",
        "<none>",
        "Container-Optimized OS",
        "<unknown>",
        "<unknown>",
    ]
    bare = {
        "metadata": meta("node-b"),
        "status": {"conditions": [{"type": "Ready", "status": "Unknown"}]},
    }
    assert cells("nodes", bare)[1:3] == ["NotReady", "<none>"]
    assert cells("nodes", {"metadata": meta("node-c")})[1] == "Unknown"


def test_config_map_counts_data_and_binary_data() -> None:
    config_map = {
        "metadata": meta("ingress-uid", timedelta(seconds=42)),
        "data": {"uid": "abc", "provider-uid": "def"},
        "binaryData": {"blob": "AA=="},
    }
    assert cells("configmaps", config_map) == ["ingress-uid", 3, "42s"]


def test_resource_quota() -> None:
    quota = {
        "metadata": meta("compute", timedelta(days=14)),
        "status": {
            "hard": {"requests.cpu": "4", "limits.memory": "8Gi", "pods": "10", "limits.cpu": "8"},
            "used": {"requests.cpu": "500m", "pods": "3"},
        },
    }
    assert cells("resourcequotas", quota) == [
        "compute",
        "pods: 3/10, requests.cpu: 500m/4",
        "limits.cpu: 0/8, limits.memory: 0/8Gi",
        "14d",
    ]


def test_event_cells() -> None:
    event = {
        "metadata": meta("shop.17a2b", timedelta(minutes=12)),
        "involvedObject": {"kind": "Ingress", "name": "shop", "namespace": "default"},
        "type": "Normal",
        "reason": "Sync",
        "message": "Scheduled for sync\n",
        "source": {"component": "loadbalancer-controller"},
        "firstTimestamp": stamp(timedelta(minutes=12)),
        "lastTimestamp": stamp(timedelta(seconds=30)),
        "count": 4,
    }
    assert cells("events", event) == [
        "30s",
        "Normal",
        "Sync",
        "ingress/shop",
        "",
        "loadbalancer-controller",
        "Scheduled for sync",
        "12m",
        4,
        "shop.17a2b",
    ]


def test_new_style_event_uses_event_time_and_series() -> None:
    event = {
        "metadata": meta("x"),
        "involvedObject": {"kind": "Node"},
        "eventTime": (NOW - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "reportingController": "kubelet",
        "reportingInstance": "node-a",
        "series": {"count": 9, "lastObservedTime": stamp(timedelta(seconds=7))},
    }
    row = by_header("events", event)
    assert (row["LAST SEEN"], row["FIRST SEEN"], row["COUNT"]) == ("7s", "60m", 9)
    assert (row["OBJECT"], row["SOURCE"]) == ("node", "kubelet, node-a")


# ---------------------------------------------------------------- the Table envelope


def test_table_envelope_and_include_object() -> None:
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": meta("prod")}
    table = tables.to_table("namespaces", [namespace], now=NOW)
    assert (table["kind"], table["apiVersion"]) == ("Table", "meta.k8s.io/v1")
    assert table["rows"][0]["object"] == {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": namespace["metadata"],
    }
    full = tables.to_table("namespaces", [namespace], now=NOW, include_object="Object")
    assert full["rows"][0]["object"] == namespace
    bare = tables.to_table("namespaces", [namespace], now=NOW, include_object="None")
    assert bare["rows"][0]["object"] is None
    default = tables.to_table("namespaces", [namespace], now=NOW, include_object="")
    assert default["rows"][0]["object"]["kind"] == "PartialObjectMetadata"
    with pytest.raises(ValueError, match="includeObject"):
        tables.to_table("namespaces", [namespace], now=NOW, include_object="Everything")


def test_wide_flag_never_drops_columns_and_no_headers_drops_definitions() -> None:
    spec = {"type": "ClusterIP", "clusterIP": "10.96.0.1", "selector": {"app": "web"}}
    narrow = tables.to_table("services", [service(spec)], now=NOW)
    wide = tables.to_table("services", [service(spec)], now=NOW, wide=True)
    assert narrow == wide
    headless = tables.to_table("services", [service(spec)], now=NOW, no_headers=True)
    assert headless["columnDefinitions"] == []
    assert headless["rows"] == narrow["rows"]


def test_deployment_lease_and_access_kinds() -> None:
    deployment = {
        "metadata": meta("loop"),
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "loop"}},
            "template": {"spec": {"containers": [{"name": "c", "image": "img:1"}]}},
        },
        "status": {"readyReplicas": 1, "updatedReplicas": 2, "availableReplicas": 1},
    }
    assert cells("deployments", deployment) == ["loop", "1/2", 2, 1, "5m", "c", "img:1", "app=loop"]
    secret = {"metadata": meta("kc"), "type": "Opaque", "data": {"kubeconfig": "eA=="}}
    assert cells("secrets", secret) == ["kc", "Opaque", 1, "5m"]
    assert cells("serviceaccounts", {"metadata": meta("sa")}) == ["sa", 0, "5m"]
    assert cells("roles", {"metadata": meta("r")}) == ["r", stamp(timedelta(minutes=5))]
    binding = {
        "metadata": meta("rb"),
        "roleRef": {"kind": "Role", "name": "r"},
        "subjects": [
            {"kind": "ServiceAccount", "name": "sa", "namespace": "ns"},
            {"kind": "User", "name": "u"},
            {"kind": "Group", "name": "g"},
        ],
    }
    assert cells("rolebindings", binding) == ["rb", "Role/r", "5m", "u", "g", "ns:sa"]
    lease = {"metadata": meta("l"), "spec": {"holderIdentity": "host_1_ab"}}
    assert cells("leases", lease) == ["l", "host_1_ab", "5m"]
    assert cells("leases", {"metadata": meta("l"), "spec": {}}) == ["l", "", "5m"]


def test_kinds_without_a_printer_get_the_fallback_table() -> None:
    review = {"metadata": {"name": "r", "creationTimestamp": "2026-01-01T00:00:00Z"}}
    table = tables.to_table("selfsubjectaccessreviews", [review], now=NOW)
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Created At"]
    assert table["rows"][0]["cells"] == ["r", "2026-01-01T00:00:00Z"]


# ---------------------------------------------------------------- the real kubectl, end to end

SHOP = """\
apiVersion: v1
kind: Service
metadata: {name: web, labels: {app: web}}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  tls: [{secretName: shop-cert}]
  rules:
  - host: shop.example.com
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]
"""


def kubectl(binary: str, env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [binary, *args], input=stdin, capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.kubectl
def test_kubectl_get_shows_upstream_columns(
    sandbox: SandboxFederation, fed_env: dict[str, str], kubectl_path: str
) -> None:
    context = ["--context", sandbox.names[0]]
    created = kubectl(
        kubectl_path, fed_env, *context, "create", "--validate=false", "-f", "-", stdin=SHOP
    )
    assert created.split("\n")[:2] == [
        "service/web created",
        "ingress.networking.k8s.io/shop created",
    ]

    services = kubectl(kubectl_path, fed_env, *context, "get", "svc", "web", "-o", "wide")
    header, row = (line.split() for line in services.strip().split("\n"))
    assert header == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"]
    assert row[:2] == ["web", "NodePort"] and row[3] == "<none>" and row[6] == "app=web"
    assert re.fullmatch(r"80:3\d{4}/TCP", row[4]), row

    narrow = kubectl(kubectl_path, fed_env, *context, "get", "svc", "web")
    assert narrow.split("\n")[0].split() == header[:6]

    ingresses = kubectl(kubectl_path, fed_env, *context, "get", "ingress", "shop")
    lines = ingresses.strip().split("\n")
    assert lines[0].split() == ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"]
    assert lines[1].startswith("shop ") and "shop.example.com" in lines[1]
    assert "80, 443" in lines[1]
