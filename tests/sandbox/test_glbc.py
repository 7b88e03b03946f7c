"""The simulated GLBC: ingress addresses, annotations and events over HTTPS, and the load
balancers it builds as the google-cloud-compute client sees them in the GCE emulator."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import compute_v1
from kubernetes import client

from kubectl_fed.sandbox.controllers import SimulationOptions
from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.clients import api_client, close_client
from tests.support.members import EU, US
from tests.support.polling import eventually

pytestmark = [pytest.mark.subprocess, pytest.mark.sandbox]

STATIC_IP = "kubernetes.io/ingress.global-static-ip-name"


@pytest.fixture
def sandbox(sandbox_factory: Callable[..., SandboxFederation]) -> SandboxFederation:
    return sandbox_factory(clusters=2, simulation=SimulationOptions(ready_delay=0))


class Member:
    """Typed API handles on one sandbox cluster, over HTTPS with its kubeconfig context."""

    def __init__(self, sandbox: SandboxFederation, context: str) -> None:
        self.api = api_client(sandbox, context)
        self.core = client.CoreV1Api(self.api)
        self.apps = client.AppsV1Api(self.api)
        self.net = client.NetworkingV1Api(self.api)

    def ingress(self) -> Any:
        return self.net.read_namespaced_ingress("myingress", "default")

    def address(self) -> str | None:
        lb = self.ingress().status.load_balancer
        return lb.ingress[0].ip if lb and lb.ingress else None

    def annotation(self, key: str) -> str | None:
        return (self.ingress().metadata.annotations or {}).get(f"ingress.kubernetes.io/{key}")

    def events(self) -> list[tuple[str | None, str | None, str | None, str | None]]:
        return [
            (e.type, e.reason, e.message, e.source.component)
            for e in self.core.list_namespaced_event("default").items
            if e.involved_object.kind == "Ingress"
        ]

    def uid(self) -> str:
        return str(self.core.read_namespaced_config_map("ingress-uid", "kube-system").data["uid"])


@pytest.fixture
def members(sandbox: SandboxFederation) -> Iterator[dict[str, Member]]:
    handles = {name: Member(sandbox, name) for name in (US, EU)}
    yield handles
    for member in handles.values():
        close_client(member.api)


def deploy(
    member: Member, *, node_port: int = 30301, service_type: str = "NodePort", replicas: int = 1
) -> None:
    member.core.create_namespaced_service(
        "default",
        {
            "metadata": {"name": "echoheaders"},
            "spec": {
                "type": service_type,
                "selector": {"app": "echoheaders"},
                "ports": [
                    {
                        "port": 80,
                        "targetPort": 8080,
                        **({"nodePort": node_port} if service_type != "ClusterIP" else {}),
                    }
                ],
            },
        },
    )
    template = {
        "metadata": {"labels": {"app": "echoheaders"}},
        "spec": {"containers": [{"name": "echo", "image": "echoserver:1.10"}]},
    }
    member.apps.create_namespaced_replica_set(
        "default",
        {
            "metadata": {"name": "echoheaders"},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"app": "echoheaders"}},
                "template": template,
            },
        },
    )


def create_ingress(
    member: Member, annotations: dict[str, str] | None = None, tls: bool = False
) -> None:
    spec: dict[str, Any] = {
        "defaultBackend": {"service": {"name": "echoheaders", "port": {"number": 80}}}
    }
    if tls:
        spec["tls"] = [{"secretName": "tls-secret"}]
    body = {"metadata": {"name": "myingress", "annotations": annotations or {}}, "spec": spec}
    member.net.create_namespaced_ingress("default", body)


def compute(cls: Any, sandbox: SandboxFederation) -> Any:
    return cls(
        credentials=AnonymousCredentials(), client_options={"api_endpoint": sandbox.gce_endpoint}
    )


def forwarding_rules(sandbox: SandboxFederation) -> list[Any]:
    api = compute(compute_v1.GlobalForwardingRulesClient, sandbox)
    return list(api.list(project=sandbox.gcp_project))


def test_ingress_gets_address_annotations_and_events(
    sandbox: SandboxFederation, members: dict[str, Member]
) -> None:
    us = members[US]
    deploy(us)
    create_ingress(us, tls=True)
    ip = eventually(us.address)
    assert ip.startswith("203.0.113.")
    uid = us.uid()
    lb = f"default-myingress--{uid}"
    eventually(
        lambda: (
            us.annotation("backends")
            == json.dumps({f"k8s-be-30301--{uid}": "HEALTHY"}, separators=(",", ":"))
        )
    )
    assert us.annotation("forwarding-rule") == f"k8s-fw-{lb}"
    assert us.annotation("https-forwarding-rule") == f"k8s-fws-{lb}"
    assert us.annotation("target-proxy") == f"k8s-tp-{lb}"
    assert us.annotation("https-target-proxy") == f"k8s-tps-{lb}"
    assert us.annotation("url-map") == f"k8s-um-{lb}"
    assert us.annotation("static-ip") == f"k8s-fw-{lb}"
    events = us.events()
    assert ("Normal", "ADD", "default/myingress", "loadbalancer-controller") in events
    assert ("Normal", "CREATE", f"ip: {ip}", "loadbalancer-controller") in events

    rules = {r.name: r for r in forwarding_rules(sandbox)}
    assert sorted(rules) == [f"k8s-fw-{lb}", f"k8s-fws-{lb}"]
    assert {r.I_p_address for r in rules.values()} == {ip}

    # backend health follows the service's ready endpoints
    us.apps.patch_namespaced_replica_set("echoheaders", "default", {"spec": {"replicas": 0}})
    eventually(
        lambda: (
            us.annotation("backends")
            == json.dumps({f"k8s-be-30301--{uid}": "Unknown"}, separators=(",", ":"))
        )
    )

    # deleting the ingress releases its cloud resources
    us.net.delete_namespaced_ingress("myingress", "default")
    eventually(lambda: not forwarding_rules(sandbox))
    assert not list(
        compute(compute_v1.GlobalAddressesClient, sandbox).list(project=sandbox.gcp_project)
    )


def test_non_nodeport_backend_gets_glbc_warning(members: dict[str, Member]) -> None:
    us = members[US]
    deploy(us, service_type="ClusterIP")
    create_ingress(us)
    message = (
        'Translation failed: invalid ingress spec: service "default/echoheaders" is type '
        '"ClusterIP", expected "NodePort" or "LoadBalancer"'
    )
    eventually(lambda: ("Warning", "Translate", message, "loadbalancer-controller") in us.events())
    assert us.address() is None


def test_a_static_ip_in_use_by_another_uid_is_a_sync_warning(
    sandbox: SandboxFederation, members: dict[str, Member]
) -> None:
    us, eu = members[US], members[EU]
    deploy(us)
    deploy(eu)
    create_ingress(us)
    ip = eventually(us.address)
    create_ingress(eu, annotations={STATIC_IP: us.annotation("static-ip") or ""})
    rule = f"k8s-fw-default-myingress--{us.uid()}"

    def warned() -> bool:
        return any(
            event[:2] == ("Warning", "Sync") and ip in event[2] and rule in event[2]
            for event in eu.events()
        )

    eventually(warned)
    assert eu.address() is None
    assert [r.name for r in forwarding_rules(sandbox)] == [rule]


def test_uids_decide_whether_clusters_share_one_load_balancer(
    sandbox: SandboxFederation, members: dict[str, Member]
) -> None:
    us, eu = members[US], members[EU]
    deploy(us)
    deploy(eu, replicas=0)
    create_ingress(us)
    create_ingress(eu)
    us_ip, eu_ip = eventually(us.address), eventually(eu.address)
    assert us_ip != eu_ip
    assert us.uid() != eu.uid()
    assert len(forwarding_rules(sandbox)) == 2
    backends = compute(compute_v1.BackendServicesClient, sandbox)
    assert len(list(backends.list(project=sandbox.gcp_project))) == 2

    # agree on the UID and share the first cluster's static IP, as Federation v1 did
    shared = us.uid()
    eu.core.patch_namespaced_config_map("ingress-uid", "kube-system", {"data": {"uid": shared}})
    static_ip = us.annotation("static-ip")
    eu.net.patch_namespaced_ingress(
        "myingress", "default", {"metadata": {"annotations": {STATIC_IP: static_ip}}}
    )
    eventually(lambda: eu.address() == us_ip)
    eventually(lambda: len(forwarding_rules(sandbox)) == 1)
    (rule,) = forwarding_rules(sandbox)
    assert (rule.name, rule.I_p_address) == (f"k8s-fw-default-myingress--{shared}", us_ip)
    assert eu.annotation("static-ip") == static_ip

    (service,) = backends.list(project=sandbox.gcp_project)
    assert service.name == f"k8s-be-30301--{shared}"
    zones = sorted(b.group.split("/zones/")[1].split("/")[0] for b in service.backends)
    assert zones == [f"{region}-{z}" for region in (EU, US) for z in "abc"]

    def health(zone: str) -> set[str]:
        group = next(b.group for b in service.backends if f"/zones/{zone}/" in b.group)
        result = backends.get_health(
            project=sandbox.gcp_project,
            backend_service=service.name,
            resource_group_reference_resource=compute_v1.ResourceGroupReference(group=group),
        )
        return {h.health_state for h in result.health_status}

    eventually(lambda: us.annotation("backends") == f'{{"{service.name}":"HEALTHY"}}')
    assert health(f"{US}-a") == {"HEALTHY"}
    assert health(f"{EU}-a") == {"UNHEALTHY"}  # no ready pods behind the service there
    sandbox.cluster(US).fail("unreachable")
    assert health(f"{US}-b") == {"UNHEALTHY"}
    sandbox.cluster(US).heal()
    assert health(f"{US}-b") == {"HEALTHY"}

    groups = compute(compute_v1.InstanceGroupsClient, sandbox)
    group = groups.get(
        project=sandbox.gcp_project, zone=f"{EU}-c", instance_group=f"k8s-ig--{shared}"
    )
    assert group.size == 1 and [p.port for p in group.named_ports] == [30301]


@pytest.mark.kubectl
@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not on PATH")
def test_kubectl_describe_shows_glbc_annotations_and_events(
    sandbox: SandboxFederation, members: dict[str, Member]
) -> None:
    us = members[US]
    deploy(us, replicas=0)
    create_ingress(us, tls=True)
    ip = eventually(us.address)
    eventually(lambda: us.annotation("backends"))
    described = subprocess.run(
        [
            "kubectl",
            "--kubeconfig",
            str(sandbox.kubeconfig_path),
            "--context",
            US,
            "describe",
            "ingress",
            "myingress",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    uid = us.uid()
    assert f"Address:          {ip}" in described
    for key, value in [
        ("backends", f'{{"k8s-be-30301--{uid}":"Unknown"}}'),
        ("forwarding-rule", f"k8s-fw-default-myingress--{uid}"),
        ("https-forwarding-rule", f"k8s-fws-default-myingress--{uid}"),
        ("https-target-proxy", f"k8s-tps-default-myingress--{uid}"),
        ("target-proxy", f"k8s-tp-default-myingress--{uid}"),
        ("url-map", f"k8s-um-default-myingress--{uid}"),
    ]:
        assert any(
            line.split()[-2:] == [f"ingress.kubernetes.io/{key}:", value]
            for line in described.splitlines()
        ), (key, described)
    events = [line.split() for line in described.split("Events:")[1].splitlines()]
    assert events[3][:2] == ["Normal", "ADD"] and events[3][-2:] == [
        "loadbalancer-controller",
        "default/myingress",
    ]
    assert any(e[:2] == ["Normal", "CREATE"] and e[-2:] == ["ip:", ip] for e in events), described


def test_the_default_backend_serves_what_no_rule_matches(
    sandbox: SandboxFederation, members: dict[str, Member]
) -> None:
    """Every member has GKE's default backend, on a node port of its own; an ingress without
    `spec.defaultBackend` gets a backend service for it, with that member's groups only."""
    ports = {}
    for name, member in members.items():
        service = member.core.read_namespaced_service("default-http-backend", "kube-system")
        assert service.spec.type == "NodePort" and service.spec.selector == {"k8s-app": "glbc"}
        ports[name] = service.spec.ports[0].node_port
        pods = member.core.list_namespaced_pod("kube-system", label_selector="k8s-app=glbc")
        assert [p.metadata.owner_references[0].name for p in pods.items] == ["l7-default-backend"]
    assert ports[US] != ports[EU]

    us, eu = members[US], members[EU]
    for member in (us, eu):
        deploy(member)
        rule = {"path": "/echo", "pathType": "Prefix"}
        backend = {"service": {"name": "echoheaders", "port": {"number": 80}}}
        spec = {"rules": [{"http": {"paths": [{**rule, "backend": backend}]}}]}
        member.net.create_namespaced_ingress(
            "default", {"metadata": {"name": "myingress"}, "spec": spec}
        )
    uids = {US: us.uid(), EU: eu.uid()}
    for name, member in members.items():
        expected = {
            f"k8s-be-{ports[name]}--{uids[name]}": "HEALTHY",
            f"k8s-be-30301--{uids[name]}": "HEALTHY",
        }

        def healthy(m: Member = member, e: dict[str, str] = expected) -> bool:
            return bool(json.loads(m.annotation("backends") or "{}") == e)

        eventually(healthy)

    backends = compute(compute_v1.BackendServicesClient, sandbox)
    default = backends.get(
        project=sandbox.gcp_project, backend_service=f"k8s-be-{ports[US]}--{uids[US]}"
    )
    assert json.loads(default.description)["kubernetes.io/service-name"] == (
        "kube-system/default-http-backend"
    )
    zones = {group.group.split("/zones/")[1].split("/")[0] for group in default.backends}
    assert zones == {f"{US}-a", f"{US}-b", f"{US}-c"}
    url_map = compute(compute_v1.UrlMapsClient, sandbox).get(
        project=sandbox.gcp_project, url_map=us.annotation("url-map") or ""
    )
    assert url_map.default_service.endswith(f"/k8s-be-{ports[US]}--{uids[US]}")


def test_an_ingress_whose_service_is_missing_gets_no_address(members: dict[str, Member]) -> None:
    """As current ingress-gce: a Translate warning, not the default backend."""
    us = members[US]
    create_ingress(us)
    message = (
        'Translation failed: invalid ingress spec: could not find service "default/echoheaders"'
    )
    eventually(lambda: ("Warning", "Translate", message, "loadbalancer-controller") in us.events())
    assert us.address() is None and us.annotation("backends") is None
