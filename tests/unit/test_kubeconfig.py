"""Kubeconfig loading, per-context clients, and classification of every failure.

The classification tests drive `KubeBackend` through a stub transport (answers as data);
the real HTTPS round trips are in tests/integration/test_kubeconfig_https.py.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import trustme

from kubectl_fed.app import App
from kubectl_fed.backends.kube import STRICT, KubeBackend
from kubectl_fed.backends.kube_transport import Request, Response
from kubectl_fed.backends.kubeconfig import KubeConfig, load_kubeconfig
from kubectl_fed.core.members.results import ClusterCallError, Reason
from kubectl_fed.core.settings import Settings
from kubectl_fed.errors import UsageError
from tests.support.kubeconfig import kubeconfig_doc, write

TOKEN = "s3cr3t-token-value"


# -- loading ------------------------------------------------------------------------


def test_kubeconfig_env_is_merged_first_file_wins(tmp_path: Path) -> None:
    first = write(tmp_path / "a", kubeconfig_doc(("a", {"server": "https://a:1"}, {})))
    second = write(
        tmp_path / "b",
        kubeconfig_doc(
            ("a", {"server": "https://other:1"}, {}), ("b", {"server": "https://b:2"}, {})
        ),
    )
    env = {"KUBECONFIG": f"{first}:{tmp_path / 'missing'}:{second}"}
    config = load_kubeconfig(None, env)
    assert list(config.contexts) == ["a", "b"]
    assert config.contexts["a"].server == "https://a:1"
    assert config.contexts["b"].namespace == "ns-b"
    assert config.current_context == "a"  # the first file that sets it, as kubectl reads it


def test_relative_files_start_at_the_file_that_defines_the_entry(tmp_path: Path) -> None:
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "ca.pem").write_text("ca")
    (tmp_path / "team" / "token").write_text("tok")
    first = write(tmp_path / "a", kubeconfig_doc(("a", {"server": "https://a:1"}, {})))
    cluster = {"server": "https://b:1", "certificate-authority": "ca.pem"}
    second = write(tmp_path / "team" / "b", kubeconfig_doc(("b", cluster, {"tokenFile": "token"})))
    config = load_kubeconfig(None, {"KUBECONFIG": f"{first}:{second}"})
    assert config.check_context("b").server == "https://b:1"
    target = config.http_target("b", {})
    assert target is not None
    assert target.ca.path == str(tmp_path / "team" / "ca.pem")
    assert target.token_file == str(tmp_path / "team" / "token")


def test_explicit_kubeconfig_must_exist(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"kubeconfig .*nope: no such file"):
        load_kubeconfig(str(tmp_path / "nope"), {})


def test_no_kubeconfig_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(UsageError, match="no kubeconfig found"):
        load_kubeconfig(None, {})


@pytest.mark.parametrize("text", ["", "clusters: [unclosed", "- a list", "contexts: [{}]"])
def test_broken_kubeconfig_is_a_usage_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config"
    path.write_text(text)
    with pytest.raises(UsageError, match=r"^invalid kubeconfig "):
        load_kubeconfig(str(path), {})


def test_context_checks_name_the_problem(tmp_path: Path) -> None:
    document = kubeconfig_doc(
        ("ok", {"server": "https://ok:1"}, {"token": TOKEN}),
        ("noserver", {}, {}),
        ("noca", {"server": "https://x:1", "certificate-authority": "ca.pem"}, {}),
        ("ftp", {"server": "ftp://x:1"}, {}),
        ("badport", {"server": "https://x:99999"}, {}),
        ("bare", {"server": "10.0.0.1:6443"}, {}),
    )
    document["contexts"].append({"name": "nocluster", "context": {"cluster": "gone"}})
    config = load_kubeconfig(write(tmp_path / "config", document), {})

    assert config.check_context("ok").server == "https://ok:1"
    problems = {
        "mars": "no context 'mars' in kubeconfig (contexts: ok, noserver, noca, ftp, badport, "
        "bare, nocluster)",
        "nocluster": "context 'nocluster': no cluster 'gone' in kubeconfig",
        "noserver": "context 'noserver': cluster 'noserver' has no server",
        "noca": "context 'noca': cluster certificate-authority ca.pem: no such file",
        "ftp": "context 'ftp': server 'ftp://x:1' is not an http(s) URL",
        "badport": "context 'badport': server 'https://x:99999' has an invalid port",
    }
    for context, message in problems.items():
        with pytest.raises(UsageError) as caught:
            config.check_context(context)
        assert str(caught.value) == message
    (tmp_path / "ca.pem").write_text("relative to the kubeconfig file")
    config.check_context("noca")
    assert config.check_context("bare").server == "10.0.0.1:6443"  # HTTPS, as kubectl reads it


def test_app_namespace_comes_from_the_first_member_context(tmp_path: Path) -> None:
    path = write(
        tmp_path / "config",
        kubeconfig_doc(("a", {"server": "https://a:1"}, {}), ("b", {"server": "https://b:1"}, {})),
    )
    env = {"KUBECTL_FED_CONFIG": str(tmp_path / "fed.yaml")}
    assert App(Settings(kubeconfig=path, clusters="b,a"), env).namespace == "ns-a"
    assert App(Settings(kubeconfig=path, clusters="b"), env).namespace == "ns-b"
    assert App(Settings(kubeconfig=path, clusters="b", namespace="x"), env).namespace == "x"
    assert App(Settings(kubeconfig=path, clusters="b", all_namespaces=True), env).namespace is None


# -- a real HTTPS server ---------------------------------------------------------------


# -- classification and retries through a stub transport ---------------------------------


def status_body(code: int, reason: str, message: str) -> bytes:
    status = {"kind": "Status", "apiVersion": "v1", "status": "Failure"}
    return json.dumps({**status, "code": code, "reason": reason, "message": message}).encode()


class Stub:
    """Answers requests from a script; records every request it was sent."""

    def __init__(self, *answers: Response | Callable[[Request], Response]) -> None:
        self.answers = list(answers)
        self.requests: list[Request] = []

    def __call__(self, request: Request, timeout: float) -> Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        return answer(request) if callable(answer) else answer


def ok(obj: dict[str, Any]) -> Response:
    return Response(200, json.dumps(obj).encode())


def stub_backend(stub: Stub, sleeps: list[float] | None = None) -> KubeBackend:
    record = sleeps.append if sleeps is not None else (lambda seconds: None)
    return KubeBackend("c", stub, request_timeout=10, sleep=record)


@pytest.mark.parametrize(
    ("code", "status_reason", "reason"),
    [
        (401, "Unauthorized", Reason.UNAUTHORIZED),
        (403, "Forbidden", Reason.FORBIDDEN),
        (404, "NotFound", Reason.NOT_FOUND),
        (409, "AlreadyExists", Reason.ALREADY_EXISTS),
        (409, "Conflict", Reason.CONFLICT),
        (422, "Invalid", Reason.INVALID),
        (504, "Timeout", Reason.TIMEOUT),
    ],
)
def test_status_answers_are_classified(code: int, status_reason: str, reason: Reason) -> None:
    message = f'ingresses.networking.k8s.io "x" {status_reason}'
    stub = Stub(Response(code, status_body(code, status_reason, message)))
    ingress = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "x"}}
    with pytest.raises(ClusterCallError) as caught:
        stub_backend(stub).create(ingress)
    assert (caught.value.reason, caught.value.message) == (reason, message)
    assert len(stub.requests) == 1
    assert stub.requests[0].path == "/apis/networking.k8s.io/v1/namespaces/default/ingresses"


def test_non_status_error_body_is_summarised() -> None:
    stub = Stub(Response(502, b"<html>bad gateway</html>", phrase="Bad Gateway"))
    with pytest.raises(ClusterCallError) as caught:
        stub_backend(stub).create(
            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}
        )
    assert (caught.value.reason, caught.value.message) == (
        Reason.SERVER_ERROR,
        "HTTP 502 Bad Gateway",
    )


def test_reads_are_retried_on_throttling_honouring_retry_after() -> None:
    throttled = Response(
        429, status_body(429, "TooManyRequests", "slow down"), {"Retry-After": "2"}
    )
    stub = Stub(throttled, Response(500, b""), ok({"gitVersion": "v1.32.1"}))
    sleeps: list[float] = []
    assert stub_backend(stub, sleeps).server_version() == "v1.32.1"
    assert len(stub.requests) == 3
    assert sleeps == [2.0, 0.4]


def test_retries_are_bounded() -> None:
    failing = Response(503, status_body(503, "ServiceUnavailable", "etcd is down"))
    stub = Stub(failing, failing, failing, failing)
    with pytest.raises(ClusterCallError) as caught:
        stub_backend(stub).list("services", "default")
    assert (caught.value.reason, caught.value.message) == (Reason.SERVER_ERROR, "etcd is down")
    assert len(stub.requests) == 3


def test_retry_after_beyond_the_request_timeout_gives_up() -> None:
    throttled = Response(
        429, status_body(429, "TooManyRequests", "slow down"), {"Retry-After": "60"}
    )
    stub = Stub(throttled)
    with pytest.raises(ClusterCallError) as caught:
        stub_backend(stub).get("services", "default", "s")
    assert caught.value.reason is Reason.THROTTLED
    assert len(stub.requests) == 1


def test_create_is_not_repeated_on_server_errors_but_is_on_throttling() -> None:
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}
    stub = Stub(Response(500, b""))
    with pytest.raises(ClusterCallError):
        stub_backend(stub).create(service)
    assert len(stub.requests) == 1
    stub = Stub(Response(429, b""), ok(service))
    assert stub_backend(stub).create(service) == service
    assert len(stub.requests) == 2


def test_list_pages_and_fills_in_item_kinds() -> None:
    first = {
        "kind": "ServiceList",
        "metadata": {"continue": "t1"},
        "items": [{"metadata": {"name": "a"}}],
    }
    second = {"kind": "ServiceList", "metadata": {}, "items": [{"metadata": {"name": "b"}}]}
    stub = Stub(ok(first), ok(second))
    items = stub_backend(stub).list("services", None, "app=web")
    assert [(i["kind"], i["apiVersion"], i["metadata"]["name"]) for i in items] == [
        ("Service", "v1", "a"),
        ("Service", "v1", "b"),
    ]
    assert stub.requests[0].path == "/api/v1/services"
    assert stub.requests[1].query == (
        ("limit", "500"),
        ("labelSelector", "app=web"),
        ("continue", "t1"),
    )


def test_apply_is_server_side_with_field_manager() -> None:
    rs = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "r", "namespace": "n"},
    }
    stub = Stub(ok(rs))
    stub_backend(stub).apply(rs, field_manager="kubectl-fed", dry_run=True)
    (request,) = stub.requests
    assert (request.method, request.content_type) == ("PATCH", "application/apply-patch+yaml")
    assert request.path == "/apis/apps/v1/namespaces/n/replicasets/r"
    assert request.query == (
        ("fieldManager", "kubectl-fed"),
        ("force", "true"),
        ("fieldValidation", "Strict"),
        ("dryRun", "All"),
    )


def test_apply_falls_back_to_replace_and_rereads_on_conflict() -> None:
    desired = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"ports": [1]},
    }
    live = {
        **desired,
        "metadata": {"name": "s", "resourceVersion": "7"},
        "spec": {"clusterIP": "10.0.0.9"},
    }
    conflict = Response(409, status_body(409, "Conflict", "the object has been modified"))
    stub = Stub(Response(415, b""), ok(live), conflict, ok(live), ok(live))
    stub_backend(stub).apply(desired, field_manager="kubectl-fed")
    assert [r.method for r in stub.requests] == ["PATCH", "GET", "PUT", "GET", "PUT"]
    sent = stub.requests[-1].body
    assert sent["spec"] == {"clusterIP": "10.0.0.9", "ports": [1]}
    assert sent["metadata"]["resourceVersion"] == "7"


def test_apply_fallback_creates_when_missing() -> None:
    desired = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}
    stub = Stub(
        Response(415, b""), Response(404, status_body(404, "NotFound", "nope")), ok(desired)
    )
    stub_backend(stub).apply(desired, field_manager="kubectl-fed")
    assert [r.method for r in stub.requests] == ["PATCH", "GET", "POST"]
    assert stub.requests[-1].query == (("fieldManager", "kubectl-fed"), STRICT)


def test_create_and_replace_name_the_field_manager() -> None:
    obj = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "namespace": "n"}}
    stub = Stub(ok(obj), ok(obj))
    backend = stub_backend(stub)
    backend.create(obj, dry_run=True)
    backend.replace(obj)
    assert [(r.method, r.query) for r in stub.requests] == [
        ("POST", (("fieldManager", "kubectl-fed"), STRICT, ("dryRun", "All"))),
        ("PUT", (("fieldManager", "kubectl-fed"), STRICT)),
    ]


def test_cluster_facts() -> None:
    nodes = {
        "items": [
            {"metadata": {"labels": {"topology.kubernetes.io/zone": "us-central1-b"}}},
            {"metadata": {"labels": {"failure-domain.beta.kubernetes.io/zone": "us-central1-a"}}},
            {"metadata": {"labels": {"topology.kubernetes.io/zone": "us-central1-b"}}},
        ]
    }
    review = {"status": {"allowed": True}}
    stub = Stub(ok(nodes), ok({"data": {"uid": "abc"}}), Response(404, b""), ok(review))
    backend = stub_backend(stub)
    assert backend.list_zones() == ["us-central1-a", "us-central1-b"]
    assert backend.ingress_uid() == "abc"
    assert backend.ingress_uid() is None
    assert backend.access_review("create", "ingresses", "default") is True
    attributes = stub.requests[-1].body["spec"]["resourceAttributes"]
    assert attributes == {
        "verb": "create",
        "group": "networking.k8s.io",
        "resource": "ingresses",
        "namespace": "default",
    }


def test_kubeconfig_is_parsed_once_per_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "config", kubeconfig_doc(("a", {"server": "https://a:1"}, {})))
    calls: list[str | None] = []
    real = KubeConfig.__init__

    def counting(self: KubeConfig, documents: list[tuple[str, dict[str, Any]]]) -> None:
        calls.append(documents[0][0])
        real(self, documents)

    monkeypatch.setattr(KubeConfig, "__init__", counting)
    app = App(Settings(kubeconfig=path, clusters="a"), {"KUBECTL_FED_CONFIG": str(tmp_path / "f")})
    assert app.members == ["a"]
    assert app.backend("a") is app.backend("a")
    assert app.server("a") == "https://a:1"
    assert calls == [path]


@pytest.mark.parametrize(
    ("error", "reason", "message"),
    [
        (
            "NewConnectionError",
            Reason.UNREACHABLE,
            "connection refused",
        ),
        ("ReadTimeoutError", Reason.TIMEOUT, "no answer within 3s"),
        ("ConnectTimeoutError", Reason.UNREACHABLE, "connection timed out after 3s"),
        ("ProtocolError", Reason.UNREACHABLE, "connection reset by the server"),
        (
            "SSLError-verify",
            Reason.UNREACHABLE,
            "certificate verify failed: self-signed certificate",
        ),
        ("SSLError-eof", Reason.UNREACHABLE, "connection lost during the TLS handshake"),
    ],
)
def test_transport_failures_are_classified(error: str, reason: Reason, message: str) -> None:
    from urllib3 import HTTPConnectionPool
    from urllib3 import exceptions as u3
    from urllib3.connection import HTTPConnection

    from kubectl_fed.backends.kube_errors import transport_error

    samples: dict[str, Exception] = {
        "NewConnectionError": u3.NewConnectionError(
            HTTPConnection("127.0.0.1", 1),
            "Failed to establish a new connection: [Errno 111] Connection refused",
        ),
        "ReadTimeoutError": u3.ReadTimeoutError(
            HTTPConnectionPool("127.0.0.1", 1), "/version", "Read timed out."
        ),
        "ConnectTimeoutError": u3.ConnectTimeoutError("timed out"),
        "ProtocolError": u3.ProtocolError("Connection aborted.", ConnectionResetError(104)),
        "SSLError-verify": u3.SSLError(
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
            "self-signed certificate (_ssl.c:1006)"
        ),
        "SSLError-eof": u3.SSLError(
            "[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol"
        ),
    }
    classified = transport_error(samples[error], 3.0)
    assert (classified.reason, classified.message) == (reason, message)


def test_a_request_cut_before_it_was_sent_is_repeated_even_for_create() -> None:
    from kubectl_fed.backends.kube_errors import RequestNotSent

    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}

    def cut(request: Request) -> Response:
        raise RequestNotSent(Reason.UNREACHABLE, "connection lost during the TLS handshake")

    stub = Stub(cut, ok(service))
    assert stub_backend(stub).create(service) == service
    assert [r.method for r in stub.requests] == ["POST", "POST"]


def test_members_sharing_a_ca_get_complete_ca_files_when_built_in_parallel(
    tmp_path: Path,
) -> None:
    import base64

    shared = base64.b64encode(trustme.CA().cert_pem.bytes()).decode()
    names = [f"member-{index}" for index in range(16)]
    cluster = {"server": "https://127.0.0.1:1", "certificate-authority-data": shared}
    document = kubeconfig_doc(*((name, cluster, {"token": TOKEN}) for name in names))
    config = load_kubeconfig(write(tmp_path / "config", document), {})
    start = threading.Barrier(len(names), timeout=10)
    sizes: dict[str, int] = {}

    def build(name: str) -> None:
        start.wait()
        client = config.api_client(name, pool_size=1)
        sizes[name] = Path(client.configuration.ssl_ca_cert).stat().st_size

    threads = [threading.Thread(target=build, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sizes) == sorted(names)
    assert min(sizes.values()) > 0
