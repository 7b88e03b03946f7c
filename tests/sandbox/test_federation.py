"""SandboxFederation: names, files on disk, many clusters in one process."""

from __future__ import annotations

import base64
import threading
from pathlib import Path

import pytest
import yaml

from kubectl_fed.sandbox.federation import SandboxFederation
from kubectl_fed.sandbox.regions import REGIONS, cluster_names
from tests.support.clients import raw_request

pytestmark = pytest.mark.sandbox


def test_names_are_regions_then_generated() -> None:
    assert cluster_names(3) == ["us-central1", "europe-west1", "asia-east1"]
    names = cluster_names(20)
    assert names[:13] == list(REGIONS[:13]) and len(set(names)) == 20
    assert names[-1] == "sandbox-020"


def test_kubeconfig_and_membership_files(sandbox: SandboxFederation) -> None:
    kubeconfig = yaml.safe_load(sandbox.kubeconfig_path.read_text())
    assert [c["name"] for c in kubeconfig["contexts"]] == sandbox.names
    assert kubeconfig["current-context"] == "us-central1"
    for cluster, entry, user in zip(
        sandbox.clusters, kubeconfig["clusters"], kubeconfig["users"], strict=True
    ):
        assert entry["cluster"]["server"] == cluster.url
        ca = base64.b64decode(entry["cluster"]["certificate-authority-data"])
        assert ca == sandbox.ca.ca_pem
        assert user == {"name": cluster.name, "user": {"token": cluster.token}}
    assert sandbox.membership_path.read_text() == (
        "apiVersion: kubectl-fed/v1\n"
        "kind: FederationConfig\n"
        "current: sandbox\n"
        "federations:\n"
        "  sandbox:\n"
        "    members: [us-central1, europe-west1, asia-east1]\n"
    )
    assert sandbox.kubeconfig_path.stat().st_mode & 0o077 == 0
    assert len({cluster.token for cluster in sandbox.clusters}) == 3


def test_tokens_are_per_cluster(sandbox: SandboxFederation) -> None:
    first, second = sandbox.clusters[:2]
    response = raw_request(sandbox, first, "GET", "/api/v1/namespaces", token=second.token)
    assert response.status == 401


def test_two_hundred_clusters_in_one_process(tmp_path: Path) -> None:
    threads_before = threading.active_count()
    with SandboxFederation.start(clusters=200, directory=tmp_path) as federation:
        assert len(federation.clusters) == 200
        assert len({cluster.port for cluster in federation.clusters}) == 200
        for cluster in federation.clusters[::40]:
            response = raw_request(federation, cluster, "GET", "/api/v1/nodes")
            assert response.status == 200 and len(response.json()["items"]) == 3
        contexts = yaml.safe_load(federation.kubeconfig_path.read_text())["contexts"]
        assert len(contexts) == 200
    assert threading.active_count() <= threads_before + 1


def test_stop_removes_a_temporary_directory() -> None:
    federation = SandboxFederation.start(clusters=1)
    directory = federation.directory
    assert (directory / "kubeconfig").exists()
    federation.stop()
    federation.stop()  # idempotent
    assert not directory.exists()
