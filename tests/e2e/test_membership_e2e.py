"""join / unjoin / clusters against a 3-cluster sandbox federation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.cli import run_cli
from tests.support.members import MEMBERS

ALL = MEMBERS


@pytest.fixture
def env(fed_env: dict[str, str]) -> dict[str, str]:
    """The shared `fed_env` (KUBECONFIG and KUBECTL_FED_CONFIG of the `sandbox` fixture)."""
    return fed_env


def no_requests(sandbox: SandboxFederation) -> bool:
    return all(len(cluster.requests) == 0 for cluster in sandbox.clusters)


def test_clusters_lists_every_member_active(
    sandbox: SandboxFederation, env: dict[str, str]
) -> None:
    result = run_cli(["clusters"], env)
    assert result.status == 0, result.err
    header, *rows = result.out.splitlines()
    assert header.split() == ["NAME", "SERVER", "STATUS", "VERSION", "ZONES", "GLBC-UID"]
    assert [row.split()[0] for row in rows] == ALL
    for row, cluster in zip(rows, sandbox.clusters, strict=True):
        name, server, status, version, zones, uid = row.split()
        uid_config = cluster.store.get("configmaps", "kube-system", "ingress-uid")
        assert (server, status) == (cluster.url, "Active")
        assert version.startswith("v1.")
        assert zones.split(",")[0].startswith(name)
        assert uid == uid_config["data"]["uid"]
    assert result.err == ""


def test_clusters_json_names_the_failed_member(
    sandbox: SandboxFederation, env: dict[str, str]
) -> None:
    sandbox.cluster("asia-east1").fail("unauthorized")
    result = run_cli(["clusters", "-o", "json"], env)
    assert result.status == 3
    document = json.loads(result.out)
    assert document["kind"] == "ClusterList"
    assert document["federation"] == "sandbox"
    assert [(i["cluster"], i["status"]) for i in document["items"]] == [
        ("us-central1", "Active"),
        ("europe-west1", "Active"),
        ("asia-east1", "Unauthorized"),
    ]
    assert document["errors"] == [
        {"cluster": "asia-east1", "reason": "Unauthorized", "message": "Unauthorized"}
    ]
    assert result.err == "error: cluster asia-east1: unauthorized: Unauthorized\n"
    assert sandbox.cluster("asia-east1").token not in result.out + result.err


@pytest.mark.parametrize(
    ("mode", "status"), [("unreachable", "Unreachable"), ("forbidden", "Forbidden")]
)
def test_clusters_table_with_one_member_failed_exits_3(
    sandbox: SandboxFederation, env: dict[str, str], mode: str, status: str
) -> None:
    sandbox.cluster("europe-west1").fail(mode)
    result = run_cli(["clusters"], env)
    assert result.status == 3
    rows = {line.split()[0]: line.split()[2] for line in result.out.splitlines()[1:]}
    assert rows == {"us-central1": "Active", "europe-west1": status, "asia-east1": "Active"}
    assert result.err.startswith(f"error: cluster europe-west1: {status.lower()}: ")
    assert result.err.count("\n") == 1


def test_clusters_with_every_member_failed_exits_1(
    sandbox: SandboxFederation, env: dict[str, str]
) -> None:
    for cluster in sandbox.clusters:
        cluster.fail("unreachable")
    result = run_cli(["clusters", "-o", "yaml"], env)
    assert result.status == 1
    document = yaml.safe_load(result.out)
    assert [e["cluster"] for e in document["errors"]] == ALL
    assert {e["message"] for e in document["errors"]} == {"connection refused"}


def test_clusters_selection_globs_and_exclusions(
    sandbox: SandboxFederation, env: dict[str, str]
) -> None:
    result = run_cli(["clusters", "--clusters", "*-east1,!asia-*,us-central1"], env)
    assert result.status == 0, result.err
    assert [row.split()[0] for row in result.out.splitlines()[1:]] == ["us-central1"]
    assert len(sandbox.cluster("asia-east1").requests) == 0
    assert len(sandbox.cluster("europe-west1").requests) == 0


def test_unknown_context_is_a_usage_error_and_nothing_is_sent(
    sandbox: SandboxFederation, env: dict[str, str]
) -> None:
    result = run_cli(["clusters", "--clusters", "us-central1,mars-north1"], env)
    assert result.status == 2
    assert result.out == ""
    assert result.err == (
        "error: --clusters: no context 'mars-north1' in kubeconfig "
        "(contexts: us-central1, europe-west1, asia-east1)\n"
    )
    assert no_requests(sandbox)


def test_join_unjoin_round_trip(
    sandbox: SandboxFederation, env: dict[str, str], tmp_path: Path
) -> None:
    env = {**env, "KUBECTL_FED_CONFIG": str(tmp_path / "fresh" / "kubectl-fed.yaml")}
    assert run_cli(["clusters"], env).status == 2

    joined = run_cli(["join", "us-central1", "asia-east1", "--federation", "prod"], env)
    assert joined.status == 0, joined.err
    assert joined.out.splitlines() == [
        'federation "prod" created (current)',
        'context "us-central1" joined federation "prod"',
        'context "asia-east1" joined federation "prod"',
    ]
    again = run_cli(["join", "asia-east1"], env)
    assert again.out == 'context "asia-east1" is already a member of federation "prod"\n'
    saved = yaml.safe_load(Path(env["KUBECTL_FED_CONFIG"]).read_text())
    assert saved["current"] == "prod"
    assert saved["federations"] == {"prod": {"members": ["us-central1", "asia-east1"]}}

    listed = run_cli(["clusters", "-o", "json"], env)
    assert [i["cluster"] for i in json.loads(listed.out)["items"]] == [
        "us-central1",
        "asia-east1",
    ]

    left = run_cli(["unjoin", "asia-east1", "europe-west1"], env)
    assert left.out.splitlines() == [
        'context "asia-east1" left federation "prod"',
        'context "europe-west1" is not a member of federation "prod"',
    ]
    listed = run_cli(["clusters", "-o", "json"], env)
    assert [i["cluster"] for i in json.loads(listed.out)["items"]] == ["us-central1"]


def test_join_of_an_unknown_context_changes_nothing(
    sandbox: SandboxFederation, env: dict[str, str]
) -> None:
    before = sandbox.membership_path.read_text()
    result = run_cli(["join", "europe-west1", "mars-north1"], env)
    assert result.status == 2
    assert result.err == (
        "error: no context 'mars-north1' in kubeconfig "
        "(contexts: us-central1, europe-west1, asia-east1)\n"
    )
    assert sandbox.membership_path.read_text() == before
    assert no_requests(sandbox)


def test_missing_kubeconfig_is_a_usage_error(env: dict[str, str], tmp_path: Path) -> None:
    result = run_cli(["clusters", "--kubeconfig", str(tmp_path / "none")], env)
    assert result.status == 2
    assert result.err == f"error: kubeconfig {tmp_path / 'none'}: no such file\n"


def test_a_failing_credential_plugin_fails_only_its_member(
    sandbox: SandboxFederation, env: dict[str, str], tmp_path: Path
) -> None:
    import sys

    config = yaml.safe_load(sandbox.kubeconfig_path.read_text())
    for user in config["users"]:
        if user["name"] == "asia-east1":
            user["user"] = {
                "exec": {
                    "apiVersion": "client.authentication.k8s.io/v1",
                    "command": sys.executable,
                    "args": ["-c", "import sys; sys.exit('login required')"],
                }
            }
    kubeconfig = tmp_path / "exec-kubeconfig"
    kubeconfig.write_text(yaml.safe_dump(config))
    result = run_cli(["clusters", "--kubeconfig", str(kubeconfig)], env)
    assert result.status == 3
    rows = {line.split()[0]: line.split()[2] for line in result.out.splitlines()[1:]}
    assert rows == {"us-central1": "Active", "europe-west1": "Active", "asia-east1": "Unauthorized"}
    assert result.err.startswith("error: cluster asia-east1: unauthorized: credentials: exec: ")
    assert "login required" in result.err
    assert len(sandbox.cluster("asia-east1").requests) == 0
