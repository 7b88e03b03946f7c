"""create / apply with the federation semantics, end to end against a 3-cluster sandbox:
identical node ports, one GLBC UID, one shared ingress IP, replica shares."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from kubectl_fed.planner import plan
from tests.support.cli import Run
from tests.support.fed import Fed
from tests.support.manifests import (
    ingress_object,
    ingress_yaml,
    manifest_file,
    node_port_service,
    replicaset_yaml,
    service_object,
)
from tests.support.members import ASIA, EU, US
from tests.support.polling import eventually

pytestmark = pytest.mark.subprocess

WEB_BEHIND_AN_INGRESS = [node_port_service("web", 80), ingress_yaml("web", "web")]
WEIGHTS_1_2_2 = {"clusters": {US: {"weight": 1}, EU: {"weight": 2}, ASIA: {"weight": 2}}}


def create_ok(fed: Fed, *args: str) -> Run:
    """`kubectl fed create ARGS`, which must succeed."""
    created = fed.run("create", *args)
    assert created.status == 0, created.err
    return created


def node_ports(fed: Fed, cluster: str, name: str) -> list[int]:
    return [port["nodePort"] for port in fed.objects(cluster, "services")[name]["spec"]["ports"]]


def uid_data(fed: Fed, cluster: str) -> dict[str, str]:
    store = fed.sandbox.cluster(cluster).store
    data: dict[str, str] = store.get("configmaps", "kube-system", "ingress-uid")["data"]
    return data


def ingress_ip(fed: Fed, cluster: str, name: str = "web") -> str | None:
    ingress = fed.objects(cluster, "ingresses").get(name) or {}
    points = (ingress.get("status") or {}).get("loadBalancer", {}).get("ingress") or []
    return points[0].get("ip") if points else None


def test_services_created_together_get_identical_distinct_node_ports(
    fed: Fed, tmp_path: Path
) -> None:
    fed.sandbox.cluster(ASIA).store.create("services", "default", service_object("old", 30000))
    path = manifest_file(
        tmp_path, "svc.yaml", [node_port_service("a", 80, 443), node_port_service("b", 80)]
    )
    created = create_ok(fed, "-f", path)
    assert created.out_lines == [
        f"{cluster}: service/{name} created" for name in ("a", "b") for cluster in (US, EU, ASIA)
    ]
    # 30000 is taken in one member only, yet no member may use it for the federation.
    for cluster in fed.names:
        assert node_ports(fed, cluster, "a") == [30001, 30002]
        assert node_ports(fed, cluster, "b") == [30003]

    again = fed.run("apply", "-f", path)
    assert again.status == 0, again.err
    assert again.out_lines == [
        f"{cluster}: service/{name} unchanged" for name in ("a", "b") for cluster in (US, EU, ASIA)
    ]
    assert all(node_ports(fed, cluster, "a") == [30001, 30002] for cluster in fed.names)


def test_a_taken_node_port_is_refused_before_any_write(fed: Fed, tmp_path: Path) -> None:
    fed.sandbox.cluster(EU).store.create("services", "default", service_object("legacy", 30500))
    path = manifest_file(tmp_path, "svc.yaml", [node_port_service("web", 80, node_port=30500)])
    fed.clear_requests()
    refused = fed.run("create", "-f", path)
    assert refused.status == 2
    assert refused.out == ""
    assert refused.err_lines == [
        f"error: cluster {EU}: service default/web: nodePort 30500 (port p80) is already used "
        "by service default/legacy"
    ]
    assert fed.writes() == {cluster: [] for cluster in fed.names}
    assert "web" not in fed.objects(US, "services")


def test_node_port_range_flag(fed: Fed, tmp_path: Path) -> None:
    path = manifest_file(tmp_path, "svc.yaml", [node_port_service("web", 80)])
    bad = fed.run("create", "-f", path, "--node-port-range", "31000-30000")
    assert bad.status == 2
    assert "invalid node port range" in bad.err
    create_ok(fed, "-f", path, "--node-port-range", "31000-31010")
    assert all(node_ports(fed, cluster, "web") == [31000] for cluster in fed.names)


def test_three_uids_become_one_and_the_members_share_one_ip(fed: Fed, tmp_path: Path) -> None:
    before = {cluster: uid_data(fed, cluster) for cluster in fed.names}
    assert len({data["uid"] for data in before.values()}) == 3
    target = before[US]["uid"]
    path = manifest_file(tmp_path, "web.yaml", WEB_BEHIND_AN_INGRESS)
    created = create_ok(fed, "-f", path)
    assert created.out_lines == [
        *(
            f"{c}: configmap kube-system/ingress-uid uid set to {target} (was {before[c]['uid']})"
            for c in (EU, ASIA)
        ),
        *(f"{cluster}: service/web created" for cluster in (US, EU, ASIA)),
        *(f"{cluster}: ingress.networking.k8s.io/web created" for cluster in (US, EU, ASIA)),
    ]
    for cluster in fed.names:
        assert uid_data(fed, cluster) == {
            "uid": target,
            "provider-uid": before[cluster]["provider-uid"],
        }

    leader = fed.objects(US, "ingresses")["web"]["metadata"]["annotations"]
    static_ip = leader["ingress.kubernetes.io/static-ip"]
    assert ingress_ip(fed, US, "web")  # create returned once the first member had its address
    for cluster in (EU, ASIA):
        annotations = fed.objects(cluster, "ingresses")["web"]["metadata"]["annotations"]
        assert annotations["kubernetes.io/ingress.global-static-ip-name"] == static_ip
    assert eventually(lambda: all(ingress_ip(fed, cluster) for cluster in fed.names))
    assert len({ingress_ip(fed, cluster) for cluster in fed.names}) == 1
    assert [rule["name"] for rule in forwarding_rules(fed)] == [static_ip]

    again = fed.run("apply", "-f", path)
    assert again.status == 0, again.err
    assert again.out_lines == [
        f"{cluster}: {ref} unchanged"
        for ref in ("service/web", "ingress.networking.k8s.io/web")
        for cluster in (US, EU, ASIA)
    ]


def forwarding_rules(fed: Fed) -> list[dict[str, Any]]:
    """The emulated project's global forwarding rules, read as the GCE backend reads them."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import compute_v1

    client = compute_v1.GlobalForwardingRulesClient(
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": fed.sandbox.gce_endpoint},
    )
    rules = client.list(project=fed.sandbox.gcp_project)
    return [{"name": rule.name, "ip": rule.I_p_address} for rule in rules]


def test_uid_dry_run_shows_the_change_and_writes_nothing(fed: Fed, tmp_path: Path) -> None:
    before = {cluster: uid_data(fed, cluster)["uid"] for cluster in fed.names}
    path = manifest_file(tmp_path, "ing.yaml", [ingress_yaml("web", "web")])
    fed.clear_requests()
    shown = fed.run("create", "-f", path, "--dry-run=client")
    assert shown.status == 0, shown.err
    assert shown.out_lines[:2] == [
        f"{cluster}: configmap kube-system/ingress-uid uid set to {before[US]} "
        f"(was {before[cluster]}) (dry run)"
        for cluster in (EU, ASIA)
    ]
    assert fed.writes() == {cluster: [] for cluster in fed.names}
    assert {cluster: uid_data(fed, cluster)["uid"] for cluster in fed.names} == before

    on_servers = fed.run("create", "-f", path, "--dry-run=server")
    assert on_servers.status == 0, on_servers.err
    assert [line.endswith("(server dry run)") for line in on_servers.out_lines] == [True] * 5
    writes = [write for cluster in fed.names for write in fed.writes()[cluster]]
    assert writes and all("dryRun=All" in write for write in writes)
    assert {cluster: uid_data(fed, cluster)["uid"] for cluster in fed.names} == before


def test_a_foreign_ingress_blocks_the_uid_change_unless_forced(fed: Fed, tmp_path: Path) -> None:
    first = manifest_file(tmp_path, "first.yaml", [ingress_yaml("first", "web")])
    only_us = fed.run("create", "-f", first, "--clusters", US, "--no-wait")
    assert only_us.status == 0, only_us.err
    fed.sandbox.cluster(EU).store.create("ingresses", "default", ingress_object("legacy", "x"))
    uids = {cluster: uid_data(fed, cluster)["uid"] for cluster in fed.names}
    path = manifest_file(tmp_path, "web.yaml", [ingress_yaml("web", "web")])
    fed.clear_requests()

    refused = fed.run("create", "-f", path, "--no-wait")
    assert refused.status == 2
    assert refused.out == ""
    assert refused.err_lines[0].startswith(
        "error: members with GCE ingresses use different GLBC UIDs "
        f"('{uids[US]}' in {US}; '{uids[EU]}' in {EU})"
    )
    assert refused.err_lines[1] == (
        f"error: use --force to make every member use {uids[US]} "
        "(the other members' ingresses then get new load balancers)"
    )
    assert fed.writes() == {cluster: [] for cluster in fed.names}

    forced = fed.run("create", "-f", path, "--no-wait", "--force")
    assert forced.status == 0, forced.err
    assert forced.err_lines == [
        f"warning: cluster {EU}: forced: GLBC UID {uids[EU]} -> {uids[US]}; "
        "the load balancers of default/legacy will be recreated"
    ]
    assert all(uid_data(fed, cluster)["uid"] == uids[US] for cluster in fed.names)


def test_a_given_static_ip_name_is_used_as_is(fed: Fed, tmp_path: Path) -> None:
    annotation = "    kubernetes.io/ingress.global-static-ip-name: my-reserved-ip"
    path = manifest_file(tmp_path, "ing.yaml", [ingress_yaml("web", "web", annotation)])
    create_ok(fed, "-f", path, "--wait-timeout", "0.01")
    for cluster in fed.names:
        annotations = fed.objects(cluster, "ingresses")["web"]["metadata"]["annotations"]
        assert annotations["kubernetes.io/ingress.global-static-ip-name"] == "my-reserved-ip"


def test_waiting_for_the_first_address_times_out_with_exit_3(fed: Fed, tmp_path: Path) -> None:
    fed.sandbox.simulation.controllers(US).stop()  # no GLBC there: no address, no warning
    path = manifest_file(tmp_path, "ing.yaml", [ingress_yaml("web", "missing")])
    created = fed.run("create", "-f", path, "--wait-timeout", "0.5")
    assert created.status == 3
    assert created.out_lines[-1] == f"{US}: ingress.networking.k8s.io/web created"
    assert created.err_lines == [
        f"error: ingress default/web: {US} has no address and ingress.kubernetes.io/static-ip "
        f"after 0.5s; not created in {EU}, {ASIA}",
        f"hint: see `kubectl --context={US} describe ingress web -n default`; once the cause "
        "is fixed, `kubectl fed create/apply` of its Services, or "
        "`kubectl fed reconcile ingress web -n default`, finishes the rollout",
    ]
    assert "web" not in fed.objects(EU, "ingresses")
    assert "web" not in fed.objects(ASIA, "ingresses")


def test_no_wait_creates_everywhere_at_once(fed: Fed, tmp_path: Path) -> None:
    path = manifest_file(tmp_path, "ing.yaml", [ingress_yaml("web", "missing")])
    create_ok(fed, "-f", path, "--no-wait")
    for cluster in fed.names:
        annotations = fed.objects(cluster, "ingresses")["web"]["metadata"]["annotations"]
        assert "kubernetes.io/ingress.global-static-ip-name" not in annotations


def test_replicas_are_split_by_the_preferences(fed: Fed, tmp_path: Path) -> None:
    path = manifest_file(tmp_path, "rs.yaml", [replicaset_yaml("web", 10, WEIGHTS_1_2_2)])
    create_ok(fed, "-f", path)
    shares = {
        cluster: fed.objects(cluster, "replicasets")["web"]["spec"]["replicas"]
        for cluster in fed.names
    }
    expected, overflow = plan(10, fed.names, WEIGHTS_1_2_2, key="default/web")
    assert shares == expected == {US: 2, EU: 4, ASIA: 4}
    assert overflow == {}
    for cluster in fed.names:
        annotations = fed.objects(cluster, "replicasets")["web"]["metadata"]["annotations"]
        assert annotations["kubectl-fed.io/total-replicas"] == "10"

    again = fed.run("apply", "-f", path)
    assert again.status == 0, again.err
    assert again.out_lines == [
        f"{cluster}: replicaset.apps/web unchanged" for cluster in (US, EU, ASIA)
    ]


def test_invalid_preferences_are_exit_2_before_any_request(fed: Fed, tmp_path: Path) -> None:
    path = manifest_file(tmp_path, "rs.yaml", [replicaset_yaml("web", 3, '{"clusters": ')])
    fed.clear_requests()
    refused = fed.run("create", "-f", path)
    assert refused.status == 2
    assert refused.err_lines == [
        f"error: {path}: document 1: replicaset default/web: invalid "
        "federation.kubernetes.io/replica-set-preferences annotation: not valid JSON: "
        "Expecting value: line 1 column 14 (char 13)"
    ]
    assert all(not fed.sandbox.cluster(c).requests.records() for c in fed.names)


def test_help_says_what_no_wait_gives_up(fed: Fed) -> None:
    shown = fed.run("create", "--help")
    assert shown.status == 0
    text = " ".join(shown.out.split())
    assert "--no-wait" in text
    assert "the members do not share one address" in text
    assert "--wait-timeout DURATION" in text and "--node-port-range LOW-HIGH" in text


def test_the_wait_shows_a_spinner_only_on_a_terminal(fed: Fed, tmp_path: Path) -> None:
    fed.sandbox.simulation.controllers(US).stop()  # no address comes: the wait runs out
    path = manifest_file(tmp_path, "ing.yaml", [ingress_yaml("web", "missing")])
    env = {**os.environ, **{k: v for k, v in fed.env.items() if v is not None}}
    env.pop("KUBECTL_FED_DEBUG", None)
    command = [sys.executable, "-m", "kubectl_fed", "create", "-f", path, "--wait-timeout", "3"]
    master, slave = pty.openpty()
    chunks: list[bytes] = []
    reader = threading.Thread(target=_drain, args=(master, chunks), daemon=True)
    reader.start()
    try:
        done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=slave, timeout=120)
    finally:
        os.close(slave)
        reader.join(timeout=10)
        os.close(master)
    terminal = b"".join(chunks).decode(errors="replace")
    assert done.returncode == 3
    assert re.search(r"waiting for the ingress address in us-central1 \(\d+s\)", terminal)
    assert "not created in europe-west1, asia-east1" in terminal
    assert done.stdout.decode().splitlines()[-1] == f"{US}: ingress.networking.k8s.io/web created"


def _drain(fd: int, chunks: list[bytes]) -> None:
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the other end is closed
            return
        if not chunk:
            return
        chunks.append(chunk)


def test_a_member_without_gce_is_reported_and_left_alone(fed: Fed, tmp_path: Path) -> None:
    store = fed.sandbox.cluster(ASIA).store
    store.delete("configmaps", "kube-system", "ingress-uid")
    for node in store.list("nodes"):
        patch = {"spec": {"providerID": f"aws:///ap-east-1a/{node['metadata']['name']}"}}
        store.patch("nodes", None, node["metadata"]["name"], patch)
    path = manifest_file(tmp_path, "web.yaml", WEB_BEHIND_AN_INGRESS)
    created = create_ok(fed, "-f", path)
    assert created.err_lines == [
        f"warning: cluster {ASIA}: ingress controller is not GCE: GLBC UID left alone"
    ]
    assert [line.split(":")[0] for line in created.out_lines if "ingress-uid" in line] == [EU]
    assert store.list("configmaps", "kube-system") == []
    assert uid_data(fed, EU)["uid"] == uid_data(fed, US)["uid"]
    assert f"{ASIA}: ingress.networking.k8s.io/web created" in created.out_lines
