"""`get` tables: exact text, kubectl's columns with a leading CLUSTER column."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kubectl_fed.core.kinds import INGRESS, REPLICASET, SERVICE, Kind
from kubectl_fed.core.kinds.cells import format_selector
from kubectl_fed.core.kinds.ingress import ingress_hosts
from kubectl_fed.core.kinds.service import service_external_ip
from kubectl_fed.core.status.listing import Entry
from kubectl_fed.render.age import human_duration
from kubectl_fed.render.tables import render_tables

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
CREATED = "2026-01-02T02:59:05Z"  # five minutes before NOW


def meta(name: str, namespace: str = "default") -> dict[str, Any]:
    return {"name": name, "namespace": namespace, "creationTimestamp": CREATED}


INGRESS_OBJ = {
    "metadata": meta("myingress"),
    "spec": {"defaultBackend": {"service": {"name": "nginx", "port": {"number": 80}}}},
    "status": {"loadBalancer": {"ingress": [{"ip": "130.211.5.194"}]}},
}
SERVICE_OBJ = {
    "metadata": meta("nginx"),
    "spec": {
        "type": "LoadBalancer",
        "clusterIP": "10.63.250.98",
        "selector": {"app": "nginx", "tier": "web"},
        "ports": [{"port": 80, "nodePort": 30301, "protocol": "TCP"}],
    },
    "status": {"loadBalancer": {"ingress": [{"ip": "104.199.136.89"}]}},
}
RS_OBJ = {
    "metadata": meta("nginx", "shop"),
    "spec": {
        "replicas": 2,
        "selector": {
            "matchLabels": {"app": "nginx"},
            "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["b", "a"]}],
        },
        "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}},
    },
    "status": {"replicas": 2, "readyReplicas": 1},
}


def entry(cluster: str, kind: Kind, obj: dict[str, Any] | None, name: str = "x") -> Entry:
    metadata = (obj or {}).get("metadata", {})
    return Entry(
        cluster, kind, metadata.get("namespace", "default"), metadata.get("name", name), obj
    )


def test_ingress_table_with_a_missing_member() -> None:
    entries = [
        entry("us-central1", INGRESS, INGRESS_OBJ),
        entry("asia-east1", INGRESS, None, "myingress"),
    ]
    assert render_tables(entries, [INGRESS], now=NOW) == (
        "CLUSTER       NAME        CLASS       HOSTS   ADDRESS         PORTS   AGE\n"
        "us-central1   myingress   <none>      *       130.211.5.194   80      5m\n"
        "asia-east1    myingress   <missing>   -       -               -       -"
    )


def test_service_table_wide() -> None:
    entries = [entry("europe-west1", SERVICE, SERVICE_OBJ)]
    assert render_tables(entries, [SERVICE], wide=True, now=NOW) == (
        "CLUSTER        NAME    TYPE           CLUSTER-IP     EXTERNAL-IP      PORT(S)        "
        "AGE   SELECTOR\n"
        "europe-west1   nginx   LoadBalancer   10.63.250.98   104.199.136.89   80:30301/TCP   "
        "5m    app=nginx,tier=web"
    )


def test_replicaset_all_namespaces_wide() -> None:
    entries = [entry("us-central1", REPLICASET, RS_OBJ)]
    assert render_tables(entries, [REPLICASET], wide=True, all_namespaces=True, now=NOW) == (
        "CLUSTER       NAMESPACE   NAME    DESIRED   CURRENT   READY   AGE   CONTAINERS   "
        "IMAGES       SELECTOR\n"
        "us-central1   shop        nginx   2         2         1       5m    nginx        "
        "nginx:1.27   app=nginx,tier notin (a,b)"
    )


def test_several_kinds_give_several_tables_with_qualified_names() -> None:
    entries = [entry("c1", INGRESS, INGRESS_OBJ), entry("c1", SERVICE, SERVICE_OBJ)]
    text = render_tables(entries, [INGRESS, SERVICE], now=NOW)
    tables = text.split("\n\n")
    assert len(tables) == 2
    assert tables[0].splitlines()[1].startswith("c1        ingress.networking.k8s.io/myingress   ")
    assert tables[1].splitlines()[1].startswith("c1        service/nginx   LoadBalancer")


def test_rows_only_for_watch() -> None:
    entries = [entry("c1", INGRESS, INGRESS_OBJ)]
    assert render_tables(entries, [INGRESS], now=NOW, headers=False).startswith("c1   ")


def test_cells() -> None:
    assert ingress_hosts([{"host": "a"}, {}, {"host": "c"}, {"host": "d"}]) == "a,c + 1 more..."
    assert ingress_hosts([{}]) == "*"
    assert format_selector(None) == "<none>"
    assert format_selector({"matchExpressions": [{"key": "x", "operator": "DoesNotExist"}]}) == "!x"


def test_load_balancer_external_ip_lists_its_addresses_before_the_external_ips() -> None:
    spec = {"type": "LoadBalancer", "externalIPs": ["1.1.1.1", "2.2.2.2"]}
    assert service_external_ip({"spec": spec}) == "1.1.1.1,2.2.2.2"
    status = {"loadBalancer": {"ingress": [{"ip": "34.1.2.3"}]}}
    assert service_external_ip({"spec": spec, "status": status}) == "34.1.2.3,1.1.1.1,2.2.2.2"
    assert service_external_ip({"spec": {"type": "LoadBalancer"}}) == "<pending>"
    node_port = {"type": "NodePort", "externalIPs": ["3.3.3.3"]}
    assert service_external_ip({"spec": node_port}) == "3.3.3.3"


def test_human_durations_as_kubectl() -> None:
    seconds = [-5, 0, 59, 119, 125, 600, 10799, 10800, 7 * 3600 + 60, 30 * 3600, 50 * 3600]
    assert [human_duration(s) for s in seconds] == [
        "<invalid>",
        "0s",
        "59s",
        "119s",
        "2m5s",
        "10m",
        "179m",
        "3h",
        "7h1m",
        "30h",
        "2d2h",
    ]
    assert human_duration(400 * 86400) == "400d"
    assert human_duration(3 * 365 * 86400 + 86400) == "3y1d"
