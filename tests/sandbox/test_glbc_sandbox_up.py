"""`kubectl fed sandbox up` exports the emulated Compute API, and `sandbox fail --mode
unreachable` makes that cluster's backends unhealthy in it, as a dead cluster looks from GCP."""

from __future__ import annotations

import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import compute_v1
from kubernetes import client, config

pytestmark = pytest.mark.subprocess


def sandbox(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kubectl_fed", "sandbox", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def exported(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    directory = tmp_path / "sandbox"
    started = sandbox("up", "--clusters", "1", "--dir", str(directory))
    try:
        assert started.returncode == 0, started.stderr
        lines = [
            line.removeprefix("export ").partition("=") for line in started.stdout.splitlines()
        ]
        yield directory, {name: shlex.split(value)[0] for name, _, value in lines}
    finally:
        sandbox("down", "--dir", str(directory))


def deploy_ingress(kubeconfig: str) -> None:
    with config.new_client_from_config(kubeconfig) as api:
        client.CoreV1Api(api).create_namespaced_service(
            "default",
            {
                "metadata": {"name": "web"},
                "spec": {"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 80}]},
            },
        )
        template = {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]},
        }
        client.AppsV1Api(api).create_namespaced_replica_set(
            "default",
            {
                "metadata": {"name": "web"},
                "spec": {
                    "replicas": 2,
                    "selector": {"matchLabels": {"app": "web"}},
                    "template": template,
                },
            },
        )
        backend = {"service": {"name": "web", "port": {"number": 80}}}
        client.NetworkingV1Api(api).create_namespaced_ingress(
            "default", {"metadata": {"name": "web"}, "spec": {"defaultBackend": backend}}
        )


def test_sandbox_up_exports_the_compute_emulator_and_faults_reach_it(
    exported: tuple[Path, dict[str, str]],
) -> None:
    directory, variables = exported
    assert variables["GOOGLE_CLOUD_PROJECT"] == "kubectl-fed-sandbox"
    project = variables["GOOGLE_CLOUD_PROJECT"]
    deploy_ingress(variables["KUBECONFIG"])
    services = compute_v1.BackendServicesClient(
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": variables["KUBECTL_FED_GCE_ENDPOINT"]},
    )

    def health() -> set[str]:
        found = list(services.list(project=project))
        if not found or not found[0].backends:
            return set()
        reference = compute_v1.ResourceGroupReference(group=found[0].backends[0].group)
        result = services.get_health(
            project=project,
            backend_service=found[0].name,
            resource_group_reference_resource=reference,
        )
        return {status.health_state for status in result.health_status}

    def becomes(wanted: set[str]) -> None:
        deadline = time.monotonic() + 30
        while health() != wanted:
            assert time.monotonic() < deadline, f"backend health never became {wanted}"
            time.sleep(0.1)

    becomes({"HEALTHY"})
    failed = sandbox("fail", "us-central1", "--mode", "unreachable", "--dir", str(directory))
    assert failed.returncode == 0, failed.stderr
    assert health() == {"UNHEALTHY"}
    assert sandbox("heal", "us-central1", "--dir", str(directory)).returncode == 0
    assert health() == {"HEALTHY"}
