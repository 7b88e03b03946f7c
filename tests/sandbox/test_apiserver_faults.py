"""Fault injection: each mode as a client sees it, and heal bringing the data back intact."""

from __future__ import annotations

import socket
import time

import pytest
from kubernetes import client
from kubernetes.client.exceptions import ApiException

from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.clients import api_client, close_client, raw_request
from tests.support.members import US

pytestmark = pytest.mark.sandbox

CONTEXT = US
CONFIGMAPS = "/api/v1/namespaces/default/configmaps"


@pytest.fixture
def seeded(sandbox: SandboxFederation) -> SandboxFederation:
    sandbox.cluster(CONTEXT).store.create(
        "configmaps", "default", {"metadata": {"name": "keep"}, "data": {"a": "1"}}
    )
    return sandbox


def _still_there(sandbox: SandboxFederation) -> None:
    cluster = sandbox.cluster(CONTEXT)
    response = raw_request(sandbox, cluster, "GET", f"{CONFIGMAPS}/keep")
    assert response.status == 200
    assert response.json()["data"] == {"a": "1"}


def test_unreachable_refuses_connections_and_heal_keeps_data(seeded: SandboxFederation) -> None:
    cluster = seeded.cluster(CONTEXT)
    api = api_client(seeded, CONTEXT)
    core = client.CoreV1Api(api)
    try:
        assert core.list_namespace().items  # opens a keep-alive connection
        cluster.fail("unreachable")
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", cluster.port), timeout=5).close()
        api.configuration.retries = 0
        with pytest.raises(Exception, match=r"(?i)refused|closed|reset|aborted"):
            core.list_namespace(_request_timeout=5)
    finally:
        close_client(api)
    assert cluster.fault is not None and cluster.fault.mode == "unreachable"
    cluster.heal()
    assert cluster.fault is None
    _still_there(seeded)


def test_slow_cluster_times_out_clients(seeded: SandboxFederation) -> None:
    cluster = seeded.cluster(CONTEXT)
    cluster.fail("slow")  # 30 seconds per request by default
    with pytest.raises(TimeoutError):
        raw_request(seeded, cluster, "GET", CONFIGMAPS, timeout=0.5)
    cluster.heal()
    _still_there(seeded)


def test_latency_delays_every_request(sandbox_factory: object) -> None:
    federation = sandbox_factory(clusters=1, latency_ms=300)  # type: ignore[operator]
    started = time.monotonic()
    response = raw_request(federation, federation.clusters[0], "GET", "/version")
    assert response.status == 200
    assert time.monotonic() - started >= 0.3


@pytest.mark.parametrize(
    ("mode", "options", "status", "reason"),
    [
        ("error", {}, 503, "ServiceUnavailable"),
        ("error", {"code": 500}, 500, "InternalError"),
        ("throttle", {}, 429, "TooManyRequests"),
        ("unauthorized", {}, 401, "Unauthorized"),
        ("forbidden", {}, 403, "Forbidden"),
    ],
)
def test_failing_modes_answer_with_status(
    seeded: SandboxFederation, mode: str, options: dict[str, int], status: int, reason: str
) -> None:
    cluster = seeded.cluster(CONTEXT)
    cluster.fail(mode, **options)
    response = raw_request(seeded, cluster, "GET", f"{CONFIGMAPS}/keep")
    assert response.status == status
    body = response.json()
    assert (body["kind"], body["reason"], body["code"]) == ("Status", reason, status)
    if mode == "throttle":
        assert response.headers["retry-after"] == "1"
    assert cluster.requests.records()[-1].status == status
    cluster.heal()
    _still_there(seeded)


def test_faults_reach_the_official_client(seeded: SandboxFederation) -> None:
    cluster = seeded.cluster(CONTEXT)
    api = api_client(seeded, CONTEXT)
    try:
        for mode, status in (("forbidden", 403), ("unauthorized", 401)):
            cluster.fail(mode)
            with pytest.raises(ApiException) as err:
                client.CoreV1Api(api).read_namespaced_config_map("keep", "default")
            assert err.value.status == status
    finally:
        close_client(api)


def test_unknown_mode_is_refused(sandbox: SandboxFederation) -> None:
    with pytest.raises(ValueError, match="unknown fault mode 'flaky'"):
        sandbox.cluster(CONTEXT).fail("flaky")
    assert sandbox.cluster(CONTEXT).fault is None


def test_only_the_failed_cluster_misbehaves(seeded: SandboxFederation) -> None:
    seeded.cluster(CONTEXT).fail("error")
    for other in seeded.clusters[1:]:
        assert raw_request(seeded, other, "GET", "/api/v1/namespaces").status == 200
