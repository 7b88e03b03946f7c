"""doctor end to end: break one thing in a sandbox, doctor names it (cluster, object, fix)
while every other check still passes, then `--fix --yes` repairs what is safe to repair.

Each test walks one sandbox through several breakages in turn, to keep the suite fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kubectl_fed.sandbox.apiserver.store import now_timestamp
from kubectl_fed.sandbox.apiserver.tls import SandboxCA
from kubectl_fed.sandbox.controllers.wiring import SimulationOptions
from kubectl_fed.sandbox.files import Endpoint, write_kubeconfig
from tests.support.describe import (
    INGRESS,
    forget_requests,
    gce_calls,
    member_requests,
    settled_walkthrough,
    walkthrough,
)
from tests.support.doctor import Report, answered, doctor
from tests.support.fed import Fed
from tests.support.manifests import ingress_object
from tests.support.members import ASIA, EU, US
from tests.support.polling import eventually

pytestmark = [pytest.mark.gce, pytest.mark.sandbox]

ING = f"ingress default/{INGRESS}"
SVC = "service default/nginx"
RS = "replicaset default/nginx"
UID_CONFIGMAP = "configmap kube-system/ingress-uid"
MEMBER_CHECKS = {"authorization", "quota", "ingress-controller", "pre-agreement-ingress"}
# What a member whose load balancer is off also shows on the Google Cloud side.
GCE_EFFECTS = {
    "gce-backend-services",
    "gce-backend-health",
    "gce-forwarding-rule",
    "ingress-address",
}


def settled(fed: Fed) -> Fed:
    settled_walkthrough(fed)
    return fed


def healthy(fed: Fed) -> bool:
    report = doctor(fed)
    return report.status == 0 and not report.problems


def ids(report: Report) -> set[str]:
    return {problem[0] for problem in report.problems}


def fix_and_settle(fed: Fed, expected: str) -> None:
    fixed = fed.run("doctor", "--fix", "--yes")
    assert f"fixed: {expected}" in fixed.err, fixed.err
    assert eventually(lambda: healthy(fed)), doctor(fed).problems


def rs_of(fed: Fed, cluster: str) -> dict[str, Any]:
    obj: dict[str, Any] = fed.sandbox.cluster(cluster).store.get("replicasets", "default", "nginx")
    return obj


def test_the_walkthrough_passes_every_check_in_table_and_json(fed: Fed) -> None:
    settled(fed)
    forget_requests(fed)
    report = doctor(fed)
    assert (report.status, report.problems, report.err) == (0, set(), "")
    reads = [
        ("GET", "/version", ""),
        ("GET", "/apis/networking.k8s.io/v1/ingresses", "limit=500"),
        ("GET", "/api/v1/namespaces/kube-system/configmaps/ingress-uid", ""),
        ("GET", "/api/v1/nodes", "limit=500"),
        ("GET", "/api/v1/services", "limit=500"),
        ("GET", "/api/v1/namespaces/default/endpoints", "limit=500"),
        ("GET", "/apis/apps/v1/namespaces/default/replicasets", "limit=500"),
        ("GET", "/apis/apps/v1/namespaces/default/deployments", "limit=500"),
        ("GET", "/api/v1/namespaces/default/secrets", "limit=500"),
        ("GET", "/api/v1/namespaces/default/configmaps", "limit=500"),
        ("GET", "/api/v1/namespaces/default/pods", "limit=500"),
        ("GET", "/api/v1/namespaces/default/resourcequotas", "limit=500"),
    ]
    review = ("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "")
    sent = member_requests(fed)
    assert {c: [r for r in s if r[0] == "GET"] for c, s in sent.items()} == dict.fromkeys(
        fed.names, reads
    )
    assert all([r[:2] for r in s if r[0] == "POST"] == [review[:2]] * 10 for s in sent.values())
    gets = [path for method, path in gce_calls(fed) if method == "GET"]
    assert len(gets) == len(set(gets)) == 7  # each GCE resource once, as describe reads them
    found = {c["id"] for c in report.checks}
    assert {"connectivity", "authorization", "presence", "node-ports", "glbc-uid"} <= found
    assert {"shards", "replica-split", "gce-forwarding-rule", "gce-firewall"} <= found
    table = fed.run("doctor", "--strict")
    assert (table.status, table.err) == (0, "")
    lines = table.out_lines
    assert lines[0].split() == ["STATUS", "CHECK", "CLUSTER", "OBJECT", "MESSAGE"]
    assert lines[1] == "Connectivity:"
    assert lines[-1] == f"{len(report.checks)} passed, 0 warnings, 0 failed, 0 skipped"
    column = lines[0].index("MESSAGE")
    rows = [line for line in lines if line.startswith("  PASS ")]
    assert len(rows) == len(report.checks)
    assert all(row[column - 2 : column] == "  " and row[column] != " " for row in rows)
    named = doctor(fed, INGRESS)
    assert named.status == 0 and {c["object"] for c in named.checks} >= {ING, SVC, RS}
    everywhere = fed.run("doctor", "-A", "-o", "json")
    assert everywhere.status == 0 and '"namespace": null' in everywhere.out
    nothing = fed.run("doctor", "--fix", "--yes")
    assert (nothing.status, nothing.err) == (0, "doctor: nothing --fix can repair safely\n")
    fed.env["GOOGLE_CLOUD_PROJECT"] = None
    no_project = doctor(fed)
    assert no_project.problems == {("gce", "skip", None)}
    assert "no Google Cloud project" in no_project.one("gce", "skip")["message"]


def test_node_ports_uid_quota_access_and_a_missing_object_then_fix(fed: Fed) -> None:
    settled(fed)
    eu = fed.sandbox.cluster(EU).store
    service = eu.get("services", "default", "nginx")
    service["spec"]["ports"][0]["nodePort"] = 31999
    eu.update("services", "default", "nginx", service)
    report = doctor(fed)
    check = report.one("node-ports", "fail")
    assert (report.status, check["cluster"], check["object"]) == (1, EU, SVC)
    assert "31999 in europe-west1" in check["message"]
    assert f"kubectl --context={EU} -n default patch service nginx --type=json" in check["fix"]
    assert ids(report) - GCE_EFFECTS == {"node-ports"}
    status, _, err = answered(fed, "n\n", "--fix")
    assert (
        status == 1 and "fix: set node port 31999 of service default/nginx port http in" not in err
    )
    assert "skipped: set node port" in err and "[y/N]" in err
    assert eu.get("services", "default", "nginx")["spec"]["ports"][0]["nodePort"] == 31999
    fix_and_settle(fed, "set node port")
    ports = {
        fed.sandbox.cluster(c).store.get("services", "default", "nginx")["spec"]["ports"][0][
            "nodePort"
        ]
        for c in fed.names
    }
    assert len(ports) == 1 and 31999 not in ports

    asia = fed.sandbox.cluster(ASIA).store
    asia.patch("configmaps", "kube-system", "ingress-uid", {"data": {"uid": "0123456789abcdef"}})
    report = doctor(fed)
    check = report.one("glbc-uid", "fail")
    assert (check["cluster"], check["object"]) == (ASIA, UID_CONFIGMAP)
    assert "0123456789abcdef in asia-east1" in check["message"]
    assert f"kubectl --context={ASIA} -n kube-system patch configmap ingress-uid" in check["fix"]
    assert ids(report) - GCE_EFFECTS - {"shards"} == {"glbc-uid"}
    fix_and_settle(fed, "set GLBC UID")

    asia.delete("services", "default", "nginx")
    quota = {"metadata": {"name": "small"}, "spec": {"hard": {"services": "2"}}}
    asia.create("resourcequotas", "default", quota)
    used = {**quota, "status": {"hard": {"services": "2"}, "used": {"services": "2"}}}
    asia.update("resourcequotas", "default", "small", used, subresource="status")
    fed.sandbox.cluster(EU).access.deny("delete", "services")
    fed.sandbox.cluster(US).access.deny("list", "resourcequotas")
    report = doctor(fed)
    assert report.status == 1
    assert report.one("presence", "fail")["cluster"] == ASIA
    assert "recreates it from us-central1's copy" in report.one("presence", "fail")["fix"]
    quota_check = report.one("quota", "fail")
    assert quota_check["cluster"] == ASIA
    assert "services needs 1 more, 0 left (quota small)" in quota_check["message"]
    assert quota_check["fix"].endswith(
        f"kubectl --context={ASIA} -n default edit resourcequota small"
    )
    denied = report.one("authorization", "fail")
    assert (denied["cluster"], denied["message"]) == (
        EU,
        "not allowed to delete services in default",
    )
    assert f"kubectl --context={EU} auth can-i delete services -n default" in denied["fix"]
    unread = report.one("authorization", "warn")
    assert (unread["cluster"], unread["message"].split(":")[0]) == (
        US,
        "not allowed to read resourcequotas",
    )
    assert ids(report) - GCE_EFFECTS - {"shards"} == {"presence", "quota", "authorization"}
    fixed = fed.run("doctor", "--fix", "--yes")
    assert "fixed: create service default/nginx in asia-east1 from us-central1's copy" in fixed.err
    fed.sandbox.cluster(EU).access.clear()
    fed.sandbox.cluster(US).access.clear()
    asia.delete("resourcequotas", "default", "small")
    assert eventually(lambda: healthy(fed)), doctor(fed).problems


def test_unreachable_unauthorized_and_untrusted_members_are_named(fed: Fed, tmp_path: Path) -> None:
    settled(fed)
    fed.sandbox.cluster(ASIA).fail("unreachable")
    fed.sandbox.cluster(EU).fail("unauthorized")
    report = doctor(fed)
    failed = {
        (c["cluster"], c["message"].split(": ", 1)[1].split(" (")[0])
        for c in report.checks
        if c["id"] == "connectivity" and c["status"] == "fail"
    }
    assert failed == {
        (ASIA, "connection refused: nothing listens at the server address"),
        (EU, "401 Unauthorized: the credentials were rejected"),
    }
    membership = report.one("membership", "fail")
    assert membership["cluster"] == f"{EU}, {ASIA}"
    assert "kubectl fed unjoin europe-west1" in membership["fix"]
    moved = report.one("replicas-unavailable", "warn")
    assert (moved["cluster"], moved["object"]) == (f"{EU}, {ASIA}", RS)
    assert moved["fix"] == "kubectl fed rebalance rs nginx"
    skipped = {(c["id"], c["cluster"]) for c in report.checks if c["status"] == "skip"}
    assert ("authorization", ASIA) in skipped and ("quota", EU) in skipped
    assert not [c for c in report.checks if c["cluster"] == US and c["status"] != "pass"]
    fed.sandbox.cluster(ASIA).heal()
    fed.sandbox.cluster(EU).heal()
    assert eventually(lambda: healthy(fed)), doctor(fed).problems

    other = tmp_path / "other-ca-kubeconfig"
    endpoints = [Endpoint(c.name, c.url, c.token) for c in fed.sandbox.clusters]
    write_kubeconfig(other, endpoints, SandboxCA().ca_pem)
    fed.env["KUBECONFIG"] = str(other)
    report = doctor(fed)
    untrusted = [c for c in report.checks if c["id"] == "connectivity"]
    assert [c["status"] for c in untrusted] == ["fail"] * 3
    assert all("signed by an unknown authority" in c["message"] for c in untrusted)

    config = yaml.safe_load(fed.sandbox.kubeconfig_path.read_text())
    config["users"] = [u for u in config["users"] if u["name"] != ASIA]
    other.write_text(yaml.safe_dump(config))
    report = doctor(fed)
    incomplete = report.one("connectivity", "fail")
    assert incomplete["cluster"] == ASIA
    assert incomplete["message"].startswith("cannot talk to the API server: kubeconfig: context")
    assert "complete the context in kubeconfig" in incomplete["fix"]
    skips = {(c["id"], c["cluster"]) for c in report.checks if c["status"] == "skip"}
    assert skips == {(check, ASIA) for check in MEMBER_CHECKS} | {("replica-split", None)}
    assert report.problems - {(check, "skip", cluster) for check, cluster in skips} == {
        ("connectivity", "fail", ASIA),
        ("membership", "fail", ASIA),
        ("replicas-unavailable", "warn", ASIA),
    }


def test_empty_shards_probe_paths_and_pending_pods_then_rebalance(fed: Fed) -> None:
    settled(fed)
    eu = fed.sandbox.cluster(EU).store
    eu.patch("replicasets", "default", "nginx", {"spec": {"replicas": 0}})
    assert eventually(lambda: ("shards", "warn", EU) in doctor(fed).problems)
    report = doctor(fed)
    shard = report.one("shards", "warn")
    assert (shard["object"], shard["cluster"]) == (ING, EU)
    assert "service nginx has no ready endpoints" in shard["message"]
    split = report.one("replica-split", "warn")
    assert (split["cluster"], split["fix"]) == (EU, "kubectl fed rebalance rs nginx")
    assert ids(report) - GCE_EFFECTS == {"shards", "replica-split"}
    fix_and_settle(fed, "rebalance replicaset default/nginx")
    assert [rs_of(fed, c)["spec"]["replicas"] for c in fed.names] == [2, 2, 2]

    template = rs_of(fed, EU)["spec"]["template"]
    template["spec"]["containers"][0]["readinessProbe"]["httpGet"]["path"] = "/healthz"
    eu.patch("replicasets", "default", "nginx", {"spec": {"template": template}})
    report = doctor(fed)
    probe = report.one("readiness-probe", "warn")
    assert (probe["cluster"], probe["object"]) == (EU, ING)
    assert "/healthz in europe-west1" in probe["message"]
    assert report.problems == {("readiness-probe", "warn", EU), ("drift", "warn", EU)}
    assert report.status == 0 and fed.run("doctor", "--strict").status == 1
    template["spec"]["containers"][0]["readinessProbe"]["httpGet"]["path"] = "/"
    eu.patch("replicasets", "default", "nginx", {"spec": {"template": template}})

    fed.sandbox.cluster(ASIA).store.patch(
        "replicasets", "default", "nginx", {"spec": {"replicas": 25}}
    )
    assert eventually(lambda: ("pods-pending", "warn", ASIA) in doctor(fed).problems)
    pending = doctor(fed).one("pods-pending", "warn")
    assert "Unschedulable" in pending["message"] and pending["object"] == RS
    fix_and_settle(fed, "rebalance replicaset default/nginx")


def test_an_ingress_made_before_the_agreement_and_an_unmarked_copy(fed: Fed) -> None:
    asia = fed.sandbox.cluster(ASIA).store
    old = asia.create("ingresses", "default", ingress_object("old", "nginx"))
    created = old["metadata"]["creationTimestamp"]
    assert eventually(lambda: now_timestamp() > created)  # the federated ones come later
    settled(fed)
    report = doctor(fed)
    stale = report.one("pre-agreement-ingress", "warn")
    assert (stale["cluster"], stale["object"]) == (ASIA, "ingress default/old")
    assert f"kubectl --context={ASIA} -n default delete ingress old" in stale["fix"]
    assert report.problems == {("pre-agreement-ingress", "warn", ASIA)}

    eu = fed.sandbox.cluster(EU).store
    labels = {"app.kubernetes.io/managed-by": None}
    eu.patch("services", "default", "nginx", {"metadata": {"labels": labels}})
    report = doctor(fed)
    shadow = report.one("shadow", "warn")
    assert (shadow["cluster"], shadow["object"]) == (EU, SVC)
    assert f"kubectl --context={EU} -n default delete service nginx" in shadow["fix"]
    assert report.problems == {("pre-agreement-ingress", "warn", ASIA), ("shadow", "warn", EU)}


def test_members_in_one_zone_sharing_a_uid(sandbox_factory: Any, fed_env: dict[str, str]) -> None:
    zones = {EU: (f"{US}-a", f"{US}-b", f"{US}-c")}
    shared = sandbox_factory(clusters=2, simulation=SimulationOptions(zones=zones))
    env = {**fed_env, "KUBECONFIG": str(shared.kubeconfig_path)}
    env["KUBECTL_FED_CONFIG"] = str(shared.membership_path)
    fed = Fed(shared, env)
    walkthrough(fed)
    report = doctor(fed)
    clash = report.one("zone-uid-clash", "fail")
    assert clash["cluster"] == f"{US}, {EU}"
    assert f"{US}-a" in clash["message"] and "k8s-ig--" in clash["message"]
    assert clash["fix"].endswith(f"kubectl fed unjoin {EU}")
