"""doctor's pure parts: naming connectivity failures, the checks on hand-made facts, output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from kubectl_fed.cli import main
from kubectl_fed.core.converge.plan import plan_convergence
from kubectl_fed.core.doctor.access import quota
from kubectl_fed.core.doctor.checks import run_checks
from kubectl_fed.core.doctor.connectivity import diagnose
from kubectl_fed.core.doctor.facts import Facts, MemberFacts, choose_target
from kubectl_fed.core.doctor.gce_firewall import firewall_check, glbc_firewall_rule
from kubectl_fed.core.doctor.model import Check, Status, report_status, summary_line
from kubectl_fed.core.doctor.repairs import Repair
from kubectl_fed.core.ingress.loadbalancer import (
    BackendService,
    Firewall,
    GroupHealth,
    InstanceHealth,
    LoadBalancerFacts,
    load_balancer_view,
)
from kubectl_fed.core.kinds import DEPLOYMENT, REPLICASET
from kubectl_fed.core.members.results import ClusterError, Reason
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.render.doctor import document, table

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "doctor-report.schema.json").read_text())
MARKED = {"app.kubernetes.io/managed-by": "kubectl-fed"}
UIDS = {"a": "uid-1", "b": "uid-1"}


def service(node_port: int, name: str = "web") -> dict[str, Any]:
    return {
        "metadata": {"name": name, "namespace": "default", "labels": MARKED, "uid": "u"},
        "spec": {
            "type": "NodePort",
            "clusterIP": "10.0.0.1",
            "selector": {"app": name},
            "ports": [{"name": "http", "port": 80, "protocol": "TCP", "nodePort": node_port}],
        },
    }


def member(cluster: str, *services: dict[str, Any], **extra: Any) -> MemberFacts:
    configmap = {"data": {"uid": UIDS.get(cluster, "uid-x"), "provider-uid": f"p-{cluster}"}}
    options: dict[str, Any] = {"uid_configmap": configmap, "services": services, **extra}
    return MemberFacts(cluster, f"https://{cluster}", version="v1.29.0", **options)


def facts(*members: MemberFacts) -> Facts:
    return Facts(members, "default", choose_target(members, "default", []))


@pytest.mark.parametrize(
    ("reason", "message", "expected"),
    [
        (Reason.UNREACHABLE, "cannot resolve the server's host name", "DNS: "),
        (Reason.UNREACHABLE, "connection refused", "connection refused: "),
        (
            Reason.UNREACHABLE,
            "certificate verify failed: unable to get local issuer certificate",
            "TLS: the server's certificate is signed by an unknown authority",
        ),
        (
            Reason.UNREACHABLE,
            "certificate verify failed: Hostname mismatch, certificate is not valid for 'x'",
            "TLS: the server's certificate does not name the server address",
        ),
        (
            Reason.UNREACHABLE,
            "certificate verify failed: certificate has expired",
            "TLS: the server's certificate has expired",
        ),
        (Reason.UNAUTHORIZED, "Unauthorized", "401 Unauthorized: "),
        (Reason.TIMEOUT, "no answer within 10s", "timeout: no answer within 10s"),
        (Reason.UNREACHABLE, "connection timed out after 10s", "timeout: "),
        (Reason.INVALID, "kubeconfig: context 'x': no user 'y'", "kubeconfig: context 'x'"),
    ],
)
def test_each_connectivity_failure_is_named(reason: Reason, message: str, expected: str) -> None:
    cause, fix = diagnose(ClusterError(reason, message))
    assert cause.startswith(expected) and fix


def test_node_port_mismatches_are_each_listed_with_a_common_free_port() -> None:
    found = facts(member("a", service(30080)), member("b", service(30090)))
    checks = [c for c in run_checks(found) if c.id == "node-ports"]
    assert [(c.status, c.cluster, c.object) for c in checks] == [
        (Status.FAIL, "b", "service default/web")
    ]
    assert checks[0].message == "port http: node ports differ: 30080 in a; 30090 in b"
    assert '"path":"/spec/ports/0/nodePort","value":30080' in (checks[0].fix or "")
    (repair,) = plan_repairs(found)
    assert repair.title == "set node port 30080 of service default/web port http in b"
    moved = [(w.cluster, w.obj and w.obj["spec"]["ports"][0]["nodePort"]) for w in repair.writes]
    assert moved == [("b", 30080)]


def test_a_node_port_held_by_another_service_is_not_proposed() -> None:
    other = service(30080, name="other")
    other["metadata"]["labels"] = {}  # not federated: its node port is simply taken
    found = facts(member("a", service(30080)), member("b", service(30090), other))
    (check,) = [c for c in run_checks(found) if c.id == "node-ports"]
    assert check.cluster == "a" and "(sets 30090 in a)" in (check.fix or "")


def test_a_cluster_ip_copy_is_no_node_port_mismatch_and_no_repair() -> None:
    cluster_ip = service(30080)
    cluster_ip["spec"]["type"] = "ClusterIP"
    del cluster_ip["spec"]["ports"][0]["nodePort"]
    found = facts(member("a", service(30080)), member("b", cluster_ip))
    checks = [c for c in run_checks(found) if c.id == "node-ports"]
    assert [(c.status, c.message) for c in checks] == [
        (Status.PASS, "the same node ports in every member")
    ]
    assert plan_repairs(found) == []


def test_quota_headroom_against_what_the_member_still_needs() -> None:
    needed = {
        "metadata": {"name": "q"},
        "status": {"hard": {"services": "1"}, "used": {"services": "1"}},
    }
    found = facts(member("a", service(30080)), member("b", quotas=(needed,)))
    check = quota(found.members[1], found)
    assert (check.status, check.message) == (Status.FAIL, "services needs 1 more, 0 left (quota q)")
    full = quota(MemberFacts("a", services=(service(30080),), quotas=(needed,)), found)
    assert (full.status, full.message) == (Status.WARN, "services has no room left (quota q)")


def test_quota_counts_a_deployments_pods_through_the_replicasets_it_owns() -> None:
    def owned_by(uid: str) -> dict[str, Any]:
        return {"ownerReferences": [{"uid": uid, "controller": True}]}

    deployment = {
        "metadata": {"name": "web", "namespace": "default", "labels": MARKED, "uid": "d"},
        "spec": {"replicas": 2},
    }
    replicaset = {
        "metadata": {"name": "web-1", "namespace": "default", "uid": "r", **owned_by("d")}
    }
    pod = {"metadata": {"name": "web-1-a", "namespace": "default", **owned_by("r")}}
    quotas = (
        {"metadata": {"name": "q"}, "status": {"hard": {"pods": "3"}, "used": {"pods": "3"}}},
        {"metadata": {"name": "d"}, "status": {"hard": {"count/deployments.apps": "0"}}},
    )
    listed = {"deployments": (deployment,), "replicasets": (replicaset,)}
    found = facts(
        member("a", listed=listed, pods=(pod,), quotas=quotas), member("b", quotas=quotas)
    )
    running = quota(found.members[0], found)
    assert (running.status, running.message) == (
        Status.FAIL,
        "pods needs 1 more, 0 left (quota q)",
    )
    missing = quota(found.members[1], found)
    assert (missing.status, missing.message) == (
        Status.FAIL,
        "pods needs 1 more, 0 left (quota q); "
        "count/deployments.apps needs 1 more, 0 left (quota d)",
    )


def test_uids_disagreeing_are_agreed_unless_an_unmanaged_ingress_would_break() -> None:
    ingress = {"metadata": {"name": "web", "namespace": "default", "labels": MARKED}, "spec": {}}
    found = facts(member("a", ingresses=(ingress,)), member("c", ingresses=(ingress,)))
    (check,) = [c for c in run_checks(found) if c.id == "glbc-uid"]
    assert (check.status, check.cluster) == (Status.FAIL, "c")
    assert "uid-1 in a; uid-x in c" in check.message
    assert [r.title for r in plan_repairs(found)] == [
        "set GLBC UID uid-1 in kube-system/ingress-uid of c"
    ]
    theirs = {"metadata": {"name": "theirs", "namespace": "default"}, "spec": {}}
    mine = {"metadata": {"name": "mine", "namespace": "default"}, "spec": {}}
    risky = facts(member("a", ingresses=(ingress, mine)), member("c", ingresses=(ingress, theirs)))
    (check,) = [c for c in run_checks(risky) if c.id == "glbc-uid"]
    assert "by hand" in (check.fix or "") and plan_repairs(risky) == []


def test_a_recreated_ingress_shares_the_leaders_static_ip() -> None:
    live = {
        "metadata": {
            "name": "web",
            "namespace": "default",
            "uid": "1",
            "resourceVersion": "9",
            "labels": {"app.kubernetes.io/managed-by": "kubectl-fed"},
            "annotations": {"ingress.kubernetes.io/static-ip": "k8s-fw-x", "a": "b"},
        },
        "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}},
        "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.9"}]}},
    }
    found = facts(member("a", ingresses=(live,)), member("b"))
    (create,) = [w for w in plan_convergence(found).writes if w.action == "create"]
    assert create.cluster == "b" and create.obj is not None
    metadata = create.obj["metadata"]
    assert "uid" not in metadata and "resourceVersion" not in metadata
    assert "status" not in create.obj
    annotations = metadata["annotations"]
    assert annotations["kubernetes.io/ingress.global-static-ip-name"] == "k8s-fw-x"
    assert annotations["a"] == "b" and "ingress.kubernetes.io/static-ip" not in annotations


def plan_repairs(found: Facts) -> list[Repair]:
    return plan_convergence(found).repairs


def test_unreachable_members_fail_connectivity_and_membership_and_skip_the_rest() -> None:
    down = MemberFacts(
        "b", "https://b", error=ClusterError(Reason.UNREACHABLE, "connection refused")
    )
    checks = run_checks(facts(member("a", service(30080)), down))
    by_id = {(c.id, c.cluster): c.status for c in checks}
    assert by_id[("connectivity", "b")] is Status.FAIL
    assert by_id[("membership", "b")] is Status.FAIL
    assert by_id[("authorization", "b")] is Status.SKIP
    assert by_id[("connectivity", "a")] is Status.PASS
    assert report_status(checks) is ExitStatus.FAILED


def test_exit_status_and_summary() -> None:
    warn = Check("drift", Status.WARN, "a", "service default/web", "differs", "apply")
    ok = Check("presence", Status.PASS, None, "service default/web", "everywhere")
    skip = Check("gce", Status.SKIP, None, None, "no project")
    assert report_status([ok, warn]) is ExitStatus.OK
    assert report_status([ok, warn], strict=True) is ExitStatus.FAILED
    assert summary_line([ok, warn, skip]) == "1 passed, 1 warning, 0 failed, 1 skipped"


def test_table_is_grouped_aligned_and_shows_fixes_only_for_problems() -> None:
    checks = [
        Check("connectivity", Status.PASS, "us-central1", None, "reachable"),
        Check("node-ports", Status.FAIL, "a", "service default/web", "differ", "kubectl x"),
        Check("glbc-uid", Status.PASS, None, None, "agree", "unused"),
    ]
    assert table(checks).splitlines() == [
        "  STATUS  CHECK         CLUSTER      OBJECT               MESSAGE",
        "Connectivity:",
        "  PASS    connectivity  us-central1  -                    reachable",
        "Shared load balancer:",
        "  FAIL    node-ports    a            service default/web  differ",
        "          fix: kubectl x",
        "  PASS    glbc-uid      -            -                    agree",
        "",
        "2 passed, 0 warnings, 1 failed, 0 skipped",
    ]
    report = document(checks, "prod", "default")
    jsonschema.validate(report, SCHEMA)
    assert report["summary"] == {"passed": 2, "warnings": 0, "failed": 1, "skipped": 0}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--yes"], "error: --yes only goes with --fix"),
        (["web", "-A"], "error: name ingresses in one namespace: use -n NAMESPACE, not -A"),
        (["ingress/web"], "error: INGRESS is an ingress name (no kind/ prefix)"),
        (["-o", "yaml"], "error: Invalid value for '-o' / '--output'"),
    ],
)
def test_bad_usage_is_exit_2_before_any_request(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["doctor", *args, "--kubeconfig", "/nonexistent/kubeconfig"])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_an_ingress_found_nowhere_is_one_failing_presence_check() -> None:
    members = (member("a"), member("b"))
    found = Facts(members, "default", choose_target(members, "default", ["nosuch"]))
    checks = [c for c in run_checks(found) if c.object == "ingress default/nosuch"]
    assert [(c.id, c.status, c.cluster) for c in checks] == [("presence", Status.FAIL, None)]
    assert checks[0].fix == "check the name and namespace: kubectl fed get ingresses -n default"


def test_an_ingress_names_the_workloads_its_service_selects_not_their_replicasets() -> None:
    def workload(name: str, **metadata: Any) -> dict[str, Any]:
        template = {"metadata": {"labels": {"app": "web"}}}
        meta = {"name": name, "namespace": "default", "labels": MARKED, **metadata}
        return {"metadata": meta, "spec": {"template": template}}

    owner = {"kind": "Deployment", "name": "web", "uid": "d", "controller": True}
    ingress = {
        "metadata": {"name": "web", "namespace": "default", "labels": MARKED},
        "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}},
    }
    listed = {
        "deployments": (workload("web"),),
        "replicasets": (workload("web-7d4d7db68d", ownerReferences=[owner]),),
    }
    members = (member("a", service(30080), ingresses=(ingress,), listed=listed),)
    target = choose_target(members, "default", ["web"])
    assert (target.of(DEPLOYMENT), target.of(REPLICASET)) == ((("default", "web"),), ())


def test_reads_refused_by_rbac_are_a_warning_naming_them() -> None:
    limited = member("a", unreadable=("pods", "resourcequotas"))
    (check,) = [c for c in run_checks(facts(limited)) if c.id == "authorization"]
    assert (check.status, check.cluster) == (Status.WARN, "a")
    assert check.message.startswith("not allowed to read pods, resourcequotas")


def test_each_member_needs_its_own_glbc_firewall_rule_for_its_node_ports() -> None:
    def group(zone: str) -> GroupHealth:
        return GroupHealth(f"zones/{zone}/instanceGroups/ig", (InstanceHealth("i", "HEALTHY"),))

    ranges = ("130.211.0.0/22", "35.191.0.0/16")
    services: tuple[BackendService, ...] = (BackendService("be-30080", 30080, (group("a-1"),)),)
    services += (BackendService("be-30090", 30090, (group("b-1"),)),)
    rules = {"a": glbc_firewall_rule({"data": {"uid": "u", "provider-uid": "pa"}}) or ""}
    rules["b"] = glbc_firewall_rule({"data": {"uid": "u"}}) or ""
    assert rules == {"a": "k8s-fw-l7--pa", "b": "k8s-fw-l7--u"}
    only_a = (Firewall("k8s-fw-l7--pa", ranges, ("30080", "30090")),)
    lb = LoadBalancerFacts("p", backend_services=services, firewalls=only_a)
    view = load_balancer_view(lb, [], {"a": ["a-1"], "b": ["b-1"]})
    check = firewall_check("ingress default/web", lb, view, rules)
    assert (check.status, check.cluster) == (Status.WARN, "b")
    both = (*only_a, Firewall("k8s-fw-l7--u", ranges, ("30090",)))  # b's own port is enough
    lb = LoadBalancerFacts("p", backend_services=services, firewalls=both)
    assert firewall_check("ingress default/web", lb, view, rules).status is Status.PASS


def test_every_documented_check_has_a_group() -> None:
    """docs/doctor.md's table of checks and the report's groups name the same ids."""
    from kubectl_fed.core.doctor.model import GROUPS

    page = Path(__file__).parents[2] / "docs" / "doctor.md"
    rows = [line for line in page.read_text().splitlines() if line.startswith("| `")]
    documented = {row.split("`")[1] for row in rows}
    assert documented == set(GROUPS)
