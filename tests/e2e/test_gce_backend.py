"""The GCE backend over REST against the Compute emulator: what it reads, what it reports
when GCE says no (or nothing), and that google.cloud is never imported."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kubectl_fed.backends import gce_rest
from kubectl_fed.backends.gce import ENDPOINT_ENV, GceReader, GceUnavailable, find_project
from kubectl_fed.backends.gce_rest import ComputeApi
from kubectl_fed.core.ingress.loadbalancer import LoadBalancerRefs, load_balancer_view
from kubectl_fed.sandbox.gce import Backend, GceServer, GceState, Instance, LoadBalancerSpec

pytestmark = [pytest.mark.subprocess, pytest.mark.server]

PROJECT = "kubectl-fed-sandbox"
UID = "ff1107f83ed600c0"
TIMEOUT = 10.0


@pytest.fixture
def gce() -> Iterator[GceServer]:
    server = GceServer(GceState(PROJECT)).start()
    yield server
    server.stop()


def spec(cluster: str, ready: bool = True, uid: str = UID) -> LoadBalancerSpec:
    return LoadBalancerSpec(
        cluster=cluster,
        namespace="default",
        name="myingress",
        uid=uid,
        firewall_uid=f"fw-{cluster}",
        backends=(Backend(30301, "default/nginx", "80"),),
        instances=tuple(
            Instance(f"{cluster}-node-{z}", f"{cluster}-{z}", f"10.0.0.{i}")
            for i, z in enumerate("ab")
        ),
        ready_ports=frozenset({30301}) if ready else frozenset(),
    )


def refs(uid: str = UID, rule: str | None = None) -> LoadBalancerRefs:
    return LoadBalancerRefs(
        forwarding_rules=(rule or f"k8s-fw-default-myingress--{uid}",),
        addresses=(f"k8s-fw-default-myingress--{uid}",),
        target_proxies=(f"k8s-tp-default-myingress--{uid}",),
        url_maps=(f"k8s-um-default-myingress--{uid}",),
        backend_services=(f"k8s-be-30301--{uid}",),
    )


def reader(endpoint: str, project: str = PROJECT) -> GceReader:
    return GceReader(project, {ENDPOINT_ENV: endpoint}, TIMEOUT)


def test_a_shared_load_balancer_is_read_whole_with_health_per_cluster(gce: GceServer) -> None:
    first = gce.state.sync_load_balancer(spec("us-central1"))
    gce.state.sync_load_balancer(spec("europe-west1", ready=False))
    facts = reader(gce.endpoint).read(refs())
    assert facts.problems == ()
    assert [(r.name, r.ip, r.port_range) for r in facts.forwarding_rules] == [
        (first.forwarding_rule, first.ip, "80-80")
    ]
    assert [(a.name, a.ip) for a in facts.addresses] == [(first.static_ip, first.ip)]
    assert facts.url_maps == (first.url_map,)
    (service,) = facts.backend_services
    assert (service.name, service.port, service.health_checks) == (
        f"k8s-be-30301--{UID}",
        30301,
        (f"k8s-be-30301--{UID}",),
    )
    states = {g.zone: [i.state for i in g.instances] for g in service.groups}
    assert states == {
        "us-central1-a": ["HEALTHY"],
        "us-central1-b": ["HEALTHY"],
        "europe-west1-a": ["UNHEALTHY"],
        "europe-west1-b": ["UNHEALTHY"],
    }
    assert sorted(f.name for f in facts.firewalls) == [
        "k8s-fw-l7--fw-europe-west1",
        "k8s-fw-l7--fw-us-central1",
    ]
    zones = {
        "us-central1": ["us-central1-a", "us-central1-b"],
        "europe-west1": ["europe-west1-a", "europe-west1-b"],
    }
    view = load_balancer_view(facts, [("us-central1", first.ip)], zones)
    assert [(c.cluster, c.healthy, c.total) for c in view.backends[0].clusters] == [
        ("us-central1", 2, 2),
        ("europe-west1", 0, 2),
    ]
    assert view.firewall is not None and view.firewall.ok and view.mismatched == ()


def test_what_gce_does_not_have_is_a_problem_line_and_the_rest_is_still_read(
    gce: GceServer,
) -> None:
    gce.state.sync_load_balancer(spec("us-central1"))
    facts = reader(gce.endpoint).read(refs(rule="k8s-fw-gone"))
    assert facts.problems == ("forwarding rule k8s-fw-gone: not found",)
    assert len(facts.backend_services) == 1 and len(facts.addresses) == 1
    other = reader(gce.endpoint, project="someone-else").read(refs())
    assert other.forwarding_rules == ()
    assert other.problems[0] == f"forwarding rule k8s-fw-default-myingress--{UID}: not found"
    assert other.problems[-1] == "firewall rules: not found"


def test_an_unreachable_compute_api_is_unavailable_not_a_crash() -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(GceUnavailable) as raised:
        reader(f"http://127.0.0.1:{port}").read(refs())
    assert str(raised.value) == (
        f"cannot reach the Compute API at http://127.0.0.1:{port} (ConnectionError)"
    )


def test_without_credentials_the_reader_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "absent.json"))
    with pytest.raises(GceUnavailable, match="no Google Cloud credentials"):
        GceReader(PROJECT, {}, TIMEOUT).read(refs())


def test_the_project_comes_from_the_flag_the_environment_or_gke_context_names() -> None:
    contexts = ["us-central1", "gke_my-proj_us-central1-a_one", "gke_other_europe-west1-b_two"]
    assert find_project("flag", {"GOOGLE_CLOUD_PROJECT": "env"}, contexts) == "flag"
    env = {"GOOGLE_CLOUD_PROJECT": "", "CLOUDSDK_CORE_PROJECT": "sdk"}
    assert find_project(None, env, contexts) == "sdk"
    assert find_project(None, {}, contexts) == "my-proj"
    assert find_project(None, {}, ["us-central1", "gke_bad"]) is None


def test_describe_help_imports_neither_google_cloud_nor_kubernetes() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from kubectl_fed.cli import cli\n"
        "result = CliRunner().invoke(cli, ['describe', '--help'])\n"
        "assert result.exit_code == 0 and '--gcp-project' in result.output, result.output\n"
        "print(sorted(m for m in sys.modules if m.startswith(('google', 'kubernetes'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_describe_and_doctor_read_gce_without_loading_google_cloud() -> None:
    code = (
        "import sys\n"
        "from kubectl_fed.commands import describe\n"
        "from kubectl_fed.commands.doctor import command, reads\n"
        "from kubectl_fed.backends.gce import ENDPOINT_ENV, GceReader\n"
        "from kubectl_fed.sandbox.gce import GceServer, GceState\n"
        "server = GceServer(GceState('p')).start()\n"
        "facts = GceReader('p', {ENDPOINT_ENV: server.endpoint}, 10.0).read(\n"
        "    describe.refs_of([{'metadata': {'annotations': {\n"
        "        'ingress.kubernetes.io/forwarding-rule': 'k8s-fw-x'}}}]))\n"
        "server.stop()\n"
        "print(facts.problems)\n"
        "print(sorted(m for m in sys.modules if m.startswith('google.cloud')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["('forwarding rule k8s-fw-x: not found',)", "[]"]


def test_firewall_rules_are_read_page_after_page(
    gce: GceServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for cluster in ("us-central1", "europe-west1", "asia-east1"):
        gce.state.sync_load_balancer(spec(cluster))
    monkeypatch.setattr(gce_rest, "PAGE_SIZE", 2)
    facts = reader(gce.endpoint).read(refs())
    assert len(facts.firewalls) == 3 and facts.problems == ()
    listed = [path for _, path in gce.router.calls() if "/firewalls" in path]
    assert [path.rsplit("?", 1)[1] for path in listed] == [
        "maxResults=2",
        "maxResults=2&pageToken=2",
    ]


class Stub(ThreadingHTTPServer):
    """A Compute API that answers every call with `status` and `body`, after `delay`
    seconds; with `resets`, it closes that many connections without answering first."""

    daemon_threads = True

    def __init__(self, status: int, body: bytes, delay: float = 0.0, resets: int = 0) -> None:
        super().__init__(("127.0.0.1", 0), StubHandler)
        self.status, self.body, self.delay, self.resets = status, body, delay, resets
        self.calls = 0

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet: a client that timed out has hung up before the late answer."""


class StubHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Stub

    def do_GET(self) -> None:
        self.server.calls += 1
        if self.server.resets:
            self.server.resets -= 1
            self.close_connection = True
            return
        time.sleep(self.server.delay)
        self.send_response(self.server.status)
        self.send_header("Content-Length", str(len(self.server.body)))
        self.end_headers()
        self.wfile.write(self.server.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def stub(status: int, message: str = "", delay: float = 0.0, resets: int = 0) -> Iterator[Stub]:
    body = json.dumps({"error": {"code": status, "message": message}}).encode()
    server = Stub(status, body if message else b"{}", delay, resets)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_refusal_names_the_permission_that_is_missing() -> None:
    denied = "Required 'compute.globalForwardingRules.get' permission for 'projects/p'\nmore"
    with stub(403, denied) as server, pytest.raises(GceUnavailable) as raised:
        reader(server.endpoint).read(refs())
    assert str(raised.value) == (
        "the Compute API refused access: Required 'compute.globalForwardingRules.get' "
        "permission for 'projects/p' (needs compute.globalForwardingRules.get, "
        "in roles/compute.viewer)"
    )


def test_a_server_error_is_one_problem_line_per_resource() -> None:
    with stub(500, "Internal error.\nDetails follow") as server:
        facts = reader(server.endpoint).read(refs())
    assert (
        facts.problems[0] == f"forwarding rule k8s-fw-default-myingress--{UID}: 500 Internal error."
    )
    assert facts.problems[-1] == "firewall rules: 500 Internal error."
    assert all("\n" not in problem for problem in facts.problems)


def test_a_silent_compute_api_is_unavailable_after_the_timeout() -> None:
    with stub(200, delay=1.0) as server, pytest.raises(GceUnavailable) as raised:
        started = time.monotonic()
        GceReader(PROJECT, {ENDPOINT_ENV: server.endpoint}, 0.2).read(refs())
    assert time.monotonic() - started < 0.9
    assert str(raised.value) == (f"the Compute API at {server.endpoint} did not answer within 0.2s")


def test_a_reset_connection_is_tried_once_more() -> None:
    with stub(404, "gone", resets=1) as server:
        api = ComputeApi(PROJECT, {ENDPOINT_ENV: server.endpoint}, TIMEOUT, pool=1)
        with pytest.raises(gce_rest.NotFound):
            api.get("urlMaps", "um")
        assert (server.calls, api.calls) == (2, 2)
    with stub(404, "gone", resets=2) as server, pytest.raises(GceUnavailable) as raised:
        ComputeApi(PROJECT, {ENDPOINT_ENV: server.endpoint}, TIMEOUT, pool=1).get("urlMaps", "x")
    assert str(raised.value) == (
        f"cannot reach the Compute API at {server.endpoint} (connection reset)"
    )
