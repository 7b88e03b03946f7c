"""The GCE emulator through the official google-cloud-compute client, over loopback HTTP."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
from google.api_core import exceptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import compute_v1

from kubectl_fed.sandbox.gce import (
    AddressInUseError,
    Backend,
    GceServer,
    GceState,
    Instance,
    LoadBalancerSpec,
    Route,
)

PROJECT = "kubectl-fed-sandbox"


@pytest.fixture
def gce() -> Iterator[GceServer]:
    server = GceServer(GceState(PROJECT)).start()
    yield server
    server.stop()


def test_stopping_closes_idle_client_connections_and_joins_every_thread() -> None:
    before = set(threading.enumerate())
    server = GceServer(GceState(PROJECT)).start()
    api = client(compute_v1.FirewallsClient, server)
    assert list(api.list(project=PROJECT)) == []  # leaves a keep-alive connection open
    server.stop()
    assert set(threading.enumerate()) - before == set()


def client(cls: Any, server: GceServer) -> Any:
    return cls(
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": server.endpoint},
    )


def spec(cluster: str, uid: str, region: str, **overrides: Any) -> LoadBalancerSpec:
    fields: dict[str, Any] = {
        "cluster": cluster,
        "namespace": "default",
        "name": "myingress",
        "uid": uid,
        "firewall_uid": "",
        "backends": (Backend(30301, "default/echoheaders-https", "80"),),
        "routes": (Route("foo.example.com", "/api", 30301),),
        "instances": tuple(
            Instance(f"{cluster}-node-{z}", f"{region}-{z}", f"10.0.0.{i}")
            for i, z in enumerate("abc")
        ),
        "ready_ports": frozenset({30301}),
    }
    fields.update(overrides)
    return LoadBalancerSpec(**fields)


def test_every_resource_type_lists_and_gets_through_the_official_client(
    gce: GceServer,
) -> None:
    status = gce.state.sync_load_balancer(
        spec("us-central1", "ff1107f83ed600c0", "us-central1", tls_secrets=("tls-secret",))
    )
    uid = "ff1107f83ed600c0"
    assert status.forwarding_rule == f"k8s-fw-default-myingress--{uid}"
    assert status.https_forwarding_rule == f"k8s-fws-default-myingress--{uid}"
    assert status.backends == (f"k8s-be-30301--{uid}",)
    assert status.ip.startswith("203.0.113.")

    global_types = {
        compute_v1.GlobalForwardingRulesClient: (
            "forwarding_rule",
            [f"k8s-fw-default-myingress--{uid}", f"k8s-fws-default-myingress--{uid}"],
        ),
        compute_v1.GlobalAddressesClient: ("address", [f"k8s-fw-default-myingress--{uid}"]),
        compute_v1.UrlMapsClient: ("url_map", [f"k8s-um-default-myingress--{uid}"]),
        compute_v1.TargetHttpProxiesClient: (
            "target_http_proxy",
            [f"k8s-tp-default-myingress--{uid}"],
        ),
        compute_v1.TargetHttpsProxiesClient: (
            "target_https_proxy",
            [f"k8s-tps-default-myingress--{uid}"],
        ),
        compute_v1.BackendServicesClient: ("backend_service", [f"k8s-be-30301--{uid}"]),
        compute_v1.HealthChecksClient: ("health_check", [f"k8s-be-30301--{uid}"]),
        compute_v1.FirewallsClient: ("firewall", [f"k8s-fw-l7--{uid}"]),
        compute_v1.SslCertificatesClient: ("ssl_certificate", None),
    }
    for cls, (field, expected) in global_types.items():
        api = client(cls, gce)
        listed = [item.name for item in api.list(project=PROJECT)]
        if expected is not None:
            assert sorted(listed) == sorted(expected), cls.__name__
        assert len(listed) >= 1
        got = api.get(project=PROJECT, **{field: listed[0]})
        assert got.name == listed[0]
        assert got.self_link.endswith(f"/global/{got.self_link.split('/')[-2]}/{listed[0]}")

    rule = client(compute_v1.GlobalForwardingRulesClient, gce).get(
        project=PROJECT, forwarding_rule=status.forwarding_rule
    )
    assert (rule.I_p_address, rule.port_range) == (status.ip, "80-80")
    assert rule.target.endswith(f"/global/targetHttpProxies/k8s-tp-default-myingress--{uid}")

    firewall = client(compute_v1.FirewallsClient, gce).get(
        project=PROJECT, firewall=f"k8s-fw-l7--{uid}"
    )
    assert sorted(firewall.source_ranges) == ["130.211.0.0/22", "35.191.0.0/16"]
    assert [(a.I_p_protocol, list(a.ports)) for a in firewall.allowed] == [("tcp", ["30301"])]

    url_map = client(compute_v1.UrlMapsClient, gce).get(
        project=PROJECT, url_map=f"k8s-um-default-myingress--{uid}"
    )
    assert [list(h.hosts) for h in url_map.host_rules] == [["foo.example.com"]]
    assert list(url_map.path_matchers[0].path_rules[0].paths) == ["/api"]

    groups = client(compute_v1.InstanceGroupsClient, gce)
    assert [g.name for g in groups.list(project=PROJECT, zone="us-central1-b")] == [
        f"k8s-ig--{uid}"
    ]
    group = groups.get(project=PROJECT, zone="us-central1-b", instance_group=f"k8s-ig--{uid}")
    assert group.size == 1
    assert [(p.name, p.port) for p in group.named_ports] == [("port30301", 30301)]
    instances = groups.list_instances(
        project=PROJECT, zone="us-central1-b", instance_group=f"k8s-ig--{uid}"
    )
    assert [i.instance.split("/")[-1] for i in instances] == ["us-central1-node-b"]
    aggregated = dict(groups.aggregated_list(project=PROJECT))
    assert sorted(aggregated) == [f"zones/us-central1-{z}" for z in "abc"]


def test_missing_resources_are_gce_404s(gce: GceServer) -> None:
    api = client(compute_v1.GlobalForwardingRulesClient, gce)
    with pytest.raises(exceptions.NotFound, match="k8s-fw-nothing"):
        api.get(project=PROJECT, forwarding_rule="k8s-fw-nothing")
    with pytest.raises(exceptions.NotFound, match="projects/other"):
        api.get(project="other", forwarding_rule="x")
    assert list(api.list(project=PROJECT)) == []


def test_shared_uid_merges_clusters_into_one_load_balancer_with_per_group_health(
    gce: GceServer,
) -> None:
    reachable = {"us-central1": True, "europe-west1": True}
    for cluster in reachable:
        gce.state.set_reachability(cluster, partial(reachable.__getitem__, cluster))
    first = gce.state.sync_load_balancer(spec("us-central1", "shared", "us-central1"))
    second = gce.state.sync_load_balancer(
        spec(
            "europe-west1",
            "shared",
            "europe-west1",
            static_ip_name=first.static_ip,
            ready_ports=frozenset(),
        )
    )
    assert second.ip == first.ip
    assert [
        r.name for r in client(compute_v1.GlobalForwardingRulesClient, gce).list(project=PROJECT)
    ] == ["k8s-fw-default-myingress--shared"]

    services = client(compute_v1.BackendServicesClient, gce)
    backend = services.get(project=PROJECT, backend_service="k8s-be-30301--shared")
    zones = sorted(b.group.split("/")[-3] for b in backend.backends)
    assert zones == [f"{r}-{z}" for r in ("europe-west1", "us-central1") for z in "abc"]

    def health(zone: str) -> list[str]:
        group = next(b.group for b in backend.backends if f"/zones/{zone}/" in b.group)
        result = services.get_health(
            project=PROJECT,
            backend_service=backend.name,
            resource_group_reference_resource=compute_v1.ResourceGroupReference(group=group),
        )
        return [h.health_state for h in result.health_status]

    assert health("us-central1-a") == ["HEALTHY"]
    assert health("europe-west1-a") == ["UNHEALTHY"]  # no ready endpoints there
    reachable["us-central1"] = False
    assert health("us-central1-a") == ["UNHEALTHY"]
    reachable["us-central1"] = True
    assert health("us-central1-a") == ["HEALTHY"]

    gce.state.release_load_balancer("us-central1", "default", "myingress")
    backend = services.get(project=PROJECT, backend_service="k8s-be-30301--shared")
    assert all("/zones/europe-west1-" in b.group for b in backend.backends)
    gce.state.release_load_balancer("europe-west1", "default", "myingress")
    assert list(client(compute_v1.GlobalAddressesClient, gce).list(project=PROJECT)) == []


def test_different_uids_get_separate_resources_and_addresses(gce: GceServer) -> None:
    a = gce.state.sync_load_balancer(spec("us-central1", "uida", "us-central1"))
    b = gce.state.sync_load_balancer(spec("europe-west1", "uidb", "europe-west1"))
    assert a.ip != b.ip
    names = sorted(
        r.name for r in client(compute_v1.GlobalForwardingRulesClient, gce).list(project=PROJECT)
    )
    assert names == ["k8s-fw-default-myingress--uida", "k8s-fw-default-myingress--uidb"]
    with pytest.raises(AddressInUseError, match="k8s-fw-default-myingress--uida"):
        gce.state.sync_load_balancer(
            spec("asia-east1", "uidc", "asia-east1", static_ip_name=a.static_ip)
        )


def test_list_filters_and_pages_like_gce(gce: GceServer) -> None:
    for cluster, uid in (("us-central1", "uida"), ("europe-west1", "uidb")):
        gce.state.sync_load_balancer(spec(cluster, uid, cluster, tls_secrets=("tls",)))
    api = client(compute_v1.GlobalForwardingRulesClient, gce)

    def names(**request: Any) -> list[str]:
        listed = api.list(
            request=compute_v1.ListGlobalForwardingRulesRequest(project=PROJECT, **request)
        )
        return [rule.name for rule in listed]

    assert names(filter="name eq k8s-fws-.*") == [
        "k8s-fws-default-myingress--uida",
        "k8s-fws-default-myingress--uidb",
    ]
    assert names(filter="name ne .*--uida") == [
        "k8s-fw-default-myingress--uidb",
        "k8s-fws-default-myingress--uidb",
    ]
    assert names(filter='name = "k8s-fw-default-myingress--uida"') == [
        "k8s-fw-default-myingress--uida"
    ]
    first_page = api.list(
        request=compute_v1.ListGlobalForwardingRulesRequest(project=PROJECT, max_results=3)
    )
    assert len(first_page.items) == 3 and first_page.next_page_token
    assert len(names(max_results=1)) == 4  # the pager follows nextPageToken
    with pytest.raises(exceptions.BadRequest, match="filter"):
        names(filter="creationTimestamp > 2020")


def test_writes_and_unknown_paths_are_gce_error_documents(gce: GceServer) -> None:
    def call(method: str, path: str, body: bytes = b"") -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(f"{gce.endpoint}{path}", data=body or None, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read())

    base = f"/compute/v1/projects/{PROJECT}"
    status, document = call("POST", f"{base}/global/forwardingRules", b"{}")
    assert status == 405 and document["error"]["errors"][0]["reason"] == "methodNotAllowed"
    status, document = call("GET", "/compute/v1/nothing")
    assert status == 404 and document["error"]["code"] == 404
    status, document = call("GET", f"{base}/zones/us-central1-a/forwardingRules")
    assert status == 404  # forwarding rules read here are global, not zonal
    status, document = call("POST", f"{base}/global/backendServices/x/getHealth", b"{not json")
    assert status == 400 and document["error"]["errors"][0]["reason"] == "parseError"
