"""describe end to end: the CLI against a 3-cluster sandbox with the GCE emulator."""

from __future__ import annotations

import json
import socket
import subprocess

import jsonschema
import pytest

from tests.support.describe import (
    INGRESS,
    SCHEMA_PATH,
    document,
    field,
    forget_requests,
    gce_calls,
    load_balancer_health,
    member_requests,
    section,
    settled_walkthrough,
)
from tests.support.fed import EXAMPLES, Fed
from tests.support.members import ASIA, EU, US
from tests.support.polling import eventually

pytestmark = [pytest.mark.gce, pytest.mark.subprocess, pytest.mark.server]

RANGES = "130.211.0.0/22, 35.191.0.0/16"


def test_after_the_walkthrough_one_address_every_shard_healthy_and_the_load_balancer(
    fed: Fed,
) -> None:
    settled_walkthrough(fed)
    forget_requests(fed)
    run = fed.run("describe", "ingress", INGRESS)
    assert (run.status, run.err) == (0, "")
    reads = [
        ("GET", f"/apis/networking.k8s.io/v1/namespaces/default/ingresses/{INGRESS}", ""),
        ("GET", "/api/v1/namespaces/default/events", "limit=500"),
        ("GET", "/api/v1/namespaces/default/services/nginx", ""),
        ("GET", "/api/v1/namespaces/default/endpoints/nginx", ""),
        ("GET", "/api/v1/nodes", "limit=500"),
    ]
    assert member_requests(fed) == {cluster: reads for cluster in fed.names}
    calls = gce_calls(fed)
    gets = sorted(path for method, path in calls if method == "GET")
    assert len(gets) == len(set(gets)) == 7  # each resource once
    assert [path.split("/")[0] for path in gets] == [
        "addresses",
        "backendServices",
        "firewalls?maxResults=500",
        "forwardingRules",
        "healthChecks",
        "targetHttpProxies",
        "urlMaps",
    ]
    assert [method for method, _ in calls].count("POST") == 9  # getHealth: 3 members x 3 zones
    address = field(run, "Address")
    rules = fed.sandbox.simulation.gce.list_resources("forwardingRules")
    assert [rule["IPAddress"] for rule in rules] == [address]
    assert field(run, "Shards") == "3 healthy of 3 members"
    clusters = section(run, "Clusters")
    assert [line.split()[:4] for line in clusters[2:]] == [
        [cluster, address, "Healthy", "2/2"] for cluster in fed.names
    ]
    balancer = section(run, "Load balancer")
    assert balancer[2] == f"  IP:                {address} (every member's address)"
    assert balancer[3].split() == ["Forwarding", "rules:", rules[0]["name"], address, "80-80"]
    assert balancer[4].endswith(f"admits {RANGES} to every node port")
    assert balancer[5] == "  Backend services:"
    assert [line.split() for line in balancer[7:]] == [
        [cluster, "3/3", "HEALTHY"] for cluster in fed.names
    ]
    events = section(run, "Events")
    created = [line.split()[0] for line in events[3:] if f"ip: {address}" in line]
    assert sorted(created) == sorted(fed.names)


@pytest.mark.parametrize("through", ["store", pytest.param("kubectl", marks=pytest.mark.kubectl)])
def test_a_member_scaled_to_zero_turns_unhealthy_in_both_views(
    fed: Fed, through: str, request: pytest.FixtureRequest
) -> None:
    settled_walkthrough(fed)
    if through == "kubectl":  # the member directly, as its own admin would
        kubectl = request.getfixturevalue("kubectl_path")
        patch = ["patch", "rs", "nginx", "--type", "merge", "-p", '{"spec":{"replicas":0}}']
        env = {k: v for k, v in fed.env.items() if v is not None}
        subprocess.run([kubectl, "--context", EU, *patch], env=env, check=True, capture_output=True)
    else:
        store = fed.sandbox.cluster(EU).store
        store.patch("replicasets", "default", "nginx", {"spec": {"replicas": 0}})

    def eu_unhealthy() -> bool:
        doc = document(fed, "ingress", INGRESS)
        unhealthy = [s["cluster"] for s in doc["federatedStatus"]["unhealthyShards"]]
        return unhealthy == [EU] and load_balancer_health(doc)[EU] == (0, 3)

    assert eventually(eu_unhealthy)
    run = fed.run("describe", "ing", INGRESS)
    assert run.status == 0, run.err
    assert field(run, "Shards") == "2 healthy of 3 members; unhealthy: europe-west1"
    row = next(line for line in section(run, "Clusters") if line.startswith(f"  {EU}"))
    assert row.split()[2:4] == ["Unhealthy", "0/0"]
    assert row.endswith("service nginx has no ready endpoints")
    balancer = [line.split() for line in section(run, "Load balancer")]
    assert [EU, "0/3", "HEALTHY"] in balancer and [US, "3/3", "HEALTHY"] in balancer

    replicas = fed.run("describe", "rs", "nginx")
    eu_row = next(line for line in section(replicas, "Clusters") if line.startswith(f"  {EU}"))
    assert eu_row.split()[1:3] == ["0", "2"]
    assert eu_row.endswith("planner wants 2")


def test_members_with_different_uids_disagree_and_have_separate_forwarding_rules(
    fed: Fed,
) -> None:
    backing = fed.run(
        "create", "-f", str(EXAMPLES / "services"), "-f", str(EXAMPLES / "myreplicaset.yaml")
    )
    assert backing.status == 0, backing.err
    uids = set()
    for cluster in fed.names:  # each member's own ingress, as before federating
        store = fed.sandbox.cluster(cluster).store
        uids.add(store.get("configmaps", "kube-system", "ingress-uid")["data"]["uid"])
        store.create("ingresses", "default", json.loads(INGRESS_JSON))
    assert len(uids) == 3

    def three_addresses() -> bool:
        status = document(fed, "ing", INGRESS)["federatedStatus"]
        return len({a["address"] for a in status["addresses"]}) == 3

    assert eventually(three_addresses)
    run = fed.run("describe", "ing", INGRESS)
    assert run.status == 0, run.err
    assert field(run, "Address").endswith("members disagree")
    notes = [line for line in section(run, "Clusters")[1:] if "address differs" in line]
    assert len(notes) == 3
    balancer = section(run, "Load balancer")
    assert balancer[2].endswith("(members use 3 separate load balancers)")
    names = {rule["name"] for rule in fed.sandbox.simulation.gce.list_resources("forwardingRules")}
    listed = {balancer[3].split()[2], balancer[4].split()[0], balancer[5].split()[0]}
    assert listed == names and len(names) == 3


INGRESS_JSON = json.dumps(
    {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": INGRESS, "annotations": {"kubernetes.io/ingress.class": "gce"}},
        "spec": {"defaultBackend": {"service": {"name": "nginx", "port": {"number": 80}}}},
    }
)


def test_an_unreachable_member_is_marked_and_the_others_still_shown(fed: Fed) -> None:
    settled_walkthrough(fed)
    address = field(fed.run("describe", "ingress", INGRESS), "Address")
    summary = fed.run("get", "ing,rs", "--summary")
    assert (summary.status, summary.err) == (0, "")
    objects, shares = summary.out.split("\n\n")  # then the ReplicaSet's shares per member
    assert [line.split() for line in objects.splitlines()] == [
        ["NAME", "MEMBERS", "ADDRESS"],
        [f"ingress.networking.k8s.io/{INGRESS}", "3/3", address],
        ["replicaset.apps/nginx", "3/3", "<none>"],
    ]
    assert shares.splitlines()[-1].split() == ["nginx", "TOTAL", "6", "6"]
    fed.sandbox.cluster(ASIA).fail("unreachable")
    summary = fed.run("get", "ingress", "--summary")
    assert summary.status == 3
    assert summary.out_lines[1].split() == [f"ingress.networking.k8s.io/{INGRESS}", "2/3", address]
    assert summary.err_lines[0].startswith(f"error: cluster {ASIA}: unreachable")
    run = fed.run("describe", "ingress", INGRESS)
    assert run.status == 3
    assert run.err_lines[0].startswith(
        f"error: cluster {ASIA}: ingress default/{INGRESS}: unreachable"
    )
    rows = section(run, "Clusters")[1:]
    assert [row.split()[:3] for row in rows] == [
        ["CLUSTER", "ADDRESS", "SHARD"],
        [US, field(run, "Address"), "Healthy"],
        [EU, field(run, "Address"), "Healthy"],
        [ASIA, "<error>", "-"],
    ]
    assert "Unreachable:" in rows[3]
    assert section(run, "Load balancer")[1].startswith("  Project:")
    doc = document(fed, "ingress", INGRESS)
    assert [c["presence"] for c in doc["clusters"]] == ["Present", "Present", "Failed"]
    for cluster in fed.names:
        fed.sandbox.cluster(cluster).fail("unreachable")
    none = fed.run("describe", "ingress", INGRESS)
    assert (none.status, none.out) == (1, "")
    assert len(none.err_lines) == 3


def test_what_rbac_refuses_besides_the_object_is_named_not_fatal(fed: Fed) -> None:
    settled_walkthrough(fed)
    access = fed.sandbox.cluster(EU).access
    access.deny("list", "events")
    access.deny("list", "nodes")
    access.deny("get", "endpoints")
    run = fed.run("describe", "ingress", INGRESS)
    assert (run.status, run.err) == (0, "")
    row = next(line for line in section(run, "Clusters") if line.startswith(f"  {EU}"))
    assert row.split()[2] == "Unknown"
    assert row.endswith("forbidden to read events, endpoints, nodes")
    assert all(not line.startswith(f"  {EU}") for line in section(run, "Events"))
    assert field(run, "Shards") == "2 healthy of 3 members"


def test_service_and_replicaset_describe_and_schema_valid_documents(fed: Fed) -> None:
    settled_walkthrough(fed)
    schema = json.loads(SCHEMA_PATH.read_text())
    for args in (("ingress", INGRESS), ("svc", "nginx"), ("replicaset.apps", "nginx")):
        jsonschema.validate(document(fed, *args), schema)
    service = fed.run("describe", "service", "nginx")
    assert service.status == 0, service.err
    node_port = document(fed, "svc", "nginx")["federatedStatus"]["ports"][0]["nodePort"]
    assert field(service, "Ports") == f"http 80/TCP -> 80, node port {node_port} in every member"
    assert field(service, "Shards") == "3 healthy of 3 members"
    replicas = fed.run("describe", "rs/nginx")
    assert replicas.status == 0, replicas.err
    assert field(replicas, "Replicas").startswith("6 desired (federation total) | 6 current")
    assert [line.split()[:3] for line in section(replicas, "Clusters")[2:]] == [
        [cluster, "2", "2"] for cluster in fed.names
    ]
    every = fed.run("describe", "svc")
    names = [line.split()[1] for line in every.out_lines if line.startswith("Name:")]
    assert names == ["kubernetes", "nginx"]
    assert every.out_lines[every.out_lines.index("Name:         nginx") - 1] == ""
    listed = json.loads(fed.run("describe", "svc", "-o", "json").out)
    assert (listed["kind"], len(listed["items"])) == ("List", 2)
    for item in listed["items"]:
        jsonschema.validate(item, schema)
    selected = fed.run("describe", "svc", "-l", "app=nginx")
    assert [line for line in selected.out_lines if line.startswith("Name:")] == [
        "Name:         nginx"
    ]
    both = fed.run("describe", "svc", "nginx", "nope")
    assert both.status == 1
    assert both.out_lines[:6] == service.out_lines[:6]  # up to the ages, which move
    assert both.err_lines == ['error: services "nope" not found in any member cluster']
    yaml_out = fed.run("describe", "rs", "nginx", "-o", "yaml")
    assert "kind: FederatedObject" in yaml_out.out_lines

    fed.env["GOOGLE_CLOUD_PROJECT"] = None
    no_project = fed.run("describe", "ingress", INGRESS)
    assert no_project.status == 0
    assert section(no_project, "Load balancer") == [
        "Load balancer:  not inspected: no Google Cloud project (use --gcp-project, set "
        "GOOGLE_CLOUD_PROJECT, or name contexts gke_<project>_<zone>_<name>)"
    ]
    flagged = fed.run("describe", "ingress", INGRESS, "--gcp-project", fed.sandbox.gcp_project)
    assert section(flagged, "Load balancer")[1] == f"  Project:           {fed.sandbox.gcp_project}"
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    fed.env["KUBECTL_FED_GCE_ENDPOINT"] = closed
    unreachable = fed.run("describe", "ingress", INGRESS, "--gcp-project", "p")
    assert (unreachable.status, unreachable.err) == (0, "")
    assert section(unreachable, "Load balancer") == [
        f"Load balancer:  not inspected: cannot reach the Compute API at {closed} (ConnectionError)"
    ]
    assert field(unreachable, "Shards") == "3 healthy of 3 members"


def test_not_found_and_bad_input(fed: Fed) -> None:
    missing = fed.run("describe", "ing", "nope")
    assert (missing.status, missing.out) == (1, "")
    assert missing.err_lines == [
        'error: ingresses.networking.k8s.io "nope" not found in any member cluster'
    ]
    nothing = fed.run("describe", "ingress")
    assert (nothing.status, nothing.out) == (0, "")
    assert nothing.err_lines == ["No resources found in default namespace."]
    fed.clear_requests()
    for args, message in (
        (("widget", "x"), 'the server doesn\'t have a resource type "widget"'),
        (("ing/",), "you must specify the name of the resource to describe"),
        (("ing", "x", "-l", "app=x"), "selectors cannot be used when passing resource names"),
        (("ing", "x", "-A"), "describe works in one namespace: use -n NAMESPACE, not -A"),
        (("ing", "x", "-o", "wide"), "Invalid value for '-o'"),
    ):
        run = fed.run("describe", *args)
        assert run.status == 2, args
        assert run.out == ""
        assert message in run.err, run.err
    for args in (("ing", "--summary", "-o", "json"), ("ing", "--summary", "-w")):
        run = fed.run("get", *args)
        assert run.status == 2, args
        assert run.out == ""
        assert "--summary prints a table" in run.err, run.err
    assert all(len(fed.sandbox.cluster(c).requests) == 0 for c in fed.names)
