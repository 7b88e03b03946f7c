"""In-cluster configuration: a pod's service account reaching a sandbox API server."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubectl_fed.backends.in_cluster import (
    TOKEN_REREAD_SECONDS,
    RereadTokenTransport,
    in_cluster_backend,
    in_cluster_target,
)
from kubectl_fed.backends.kube import KubeBackend
from kubectl_fed.core.converge.leader_election import lease_name
from kubectl_fed.core.converge.leader_elector import LeaderElector
from kubectl_fed.core.members.results import ClusterCallError, Reason
from kubectl_fed.errors import UsageError
from kubectl_fed.sandbox.federation import SandboxCluster, SandboxFederation
from tests.support.clock import Clock

NAMESPACE = "kube-system"


def service_account(tmp_path: Path, member: SandboxFederation, token: str) -> Path:
    directory = tmp_path / "serviceaccount"
    directory.mkdir(exist_ok=True)
    (directory / "token").write_text(token + "\n")
    (directory / "ca.crt").write_bytes(member.ca.ca_pem)
    return directory


def pod_environ(cluster: SandboxCluster) -> dict[str, str]:
    return {"KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": str(cluster.port)}


def test_in_cluster_backend_elects_with_the_service_account(
    member: SandboxFederation, tmp_path: Path
) -> None:
    cluster = member.clusters[0]
    directory = service_account(tmp_path, member, cluster.token)
    backend = in_cluster_backend(
        request_timeout=5, environ=pod_environ(cluster), directory=directory
    )
    assert backend.name == "in-cluster"
    assert backend.get("namespaces", None, NAMESPACE)["metadata"]["name"] == NAMESPACE
    name = lease_name("sandbox")
    elector = LeaderElector(backend, name=name, identity="pod-1_7_x", lease_duration=15)
    assert elector.try_acquire_or_renew().is_leader
    lease = cluster.store.get("leases", NAMESPACE, name)
    assert lease["spec"]["holderIdentity"] == "pod-1_7_x"


def test_the_rotated_token_is_read_again_after_a_minute(
    member: SandboxFederation, tmp_path: Path
) -> None:
    cluster = member.clusters[0]
    directory = service_account(tmp_path, member, "expired-token")
    clock = Clock()
    transport = RereadTokenTransport(
        in_cluster_target(pod_environ(cluster), directory), clock=clock
    )
    backend = KubeBackend("in-cluster", transport, request_timeout=5)
    with pytest.raises(ClusterCallError) as refused:
        backend.get("namespaces", None, NAMESPACE)
    assert refused.value.reason is Reason.UNAUTHORIZED
    (directory / "token").write_text(cluster.token)  # the kubelet rotated it
    clock.now += TOKEN_REREAD_SECONDS
    assert backend.get("namespaces", None, NAMESPACE)["metadata"]["name"] == NAMESPACE
    transport.close()


@pytest.mark.parametrize(
    ("environ", "files", "message"),
    [
        ({}, True, "not running inside a cluster"),
        ({"KUBERNETES_SERVICE_HOST": "10.0.0.1"}, True, "KUBERNETES_SERVICE_PORT"),
        ({"KUBERNETES_SERVICE_HOST": "h", "KUBERNETES_SERVICE_PORT": "443"}, False, "token"),
    ],
)
def test_outside_a_pod_in_cluster_config_is_a_usage_error(
    tmp_path: Path, environ: dict[str, str], files: bool, message: str
) -> None:
    if files:
        (tmp_path / "token").write_text("t")
        (tmp_path / "ca.crt").write_text("c")
    with pytest.raises(UsageError, match=message):
        in_cluster_target(environ, tmp_path)


def test_an_ipv6_service_host_is_bracketed(tmp_path: Path) -> None:
    (tmp_path / "token").write_text("t\n")
    (tmp_path / "ca.crt").write_text("c")
    environ = {"KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"}
    target = in_cluster_target(environ, tmp_path)
    assert (target.server, target.token) == ("https://[fd00::1]:443", "t")
