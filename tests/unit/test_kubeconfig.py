"""Kubeconfig loading, per-context clients, and classification of every failure.

The classification tests drive `KubeBackend` through a stub transport (answers as data)
and, for TLS and connection failures, through real HTTPS round trips to a local server.
"""

from __future__ import annotations

import http.server
import json
import ssl
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml

from kubectl_fed.app import App
from kubectl_fed.backends.kube import STRICT, KubeBackend
from kubectl_fed.backends.kube_transport import ApiClientTransport, Request, Response, Transport
from kubectl_fed.backends.kubeconfig import KubeConfig, load_kubeconfig
from kubectl_fed.core.results import ClusterCallError, Reason
from kubectl_fed.core.settings import Settings
from kubectl_fed.errors import UsageError

TOKEN = "s3cr3t-token-value"


def kubeconfig_doc(*contexts: tuple[str, dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    """`contexts`: (name, cluster body, user body)."""
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": contexts[0][0],
        "clusters": [{"name": name, "cluster": cluster} for name, cluster, _ in contexts],
        "users": [{"name": name, "user": user} for name, _, user in contexts],
        "contexts": [
            {"name": name, "context": {"cluster": name, "user": name, "namespace": f"ns-{name}"}}
            for name, _, _ in contexts
        ],
    }


def write(path: Path, document: dict[str, Any]) -> str:
    path.write_text(yaml.safe_dump(document))
    return str(path)


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


class Server:
    def __init__(self, url: str, ca: trustme.CA, seen: list[dict[str, str]]) -> None:
        self.url = url
        self.ca = ca
        self.seen = seen


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[Server]:
    """An HTTPS server on 127.0.0.1 answering /version, recording request headers."""
    ca = trustme.CA()
    seen: list[dict[str, str]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            seen.append({**headers, "client-cn": client_common_name(self.connection)})
            body = json.dumps({"gitVersion": "v1.32.0"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca.configure_trust(context)
    context.verify_mode = ssl.CERT_OPTIONAL  # a client certificate, when sent, is checked
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Server(f"https://127.0.0.1:{server.server_address[1]}", ca, seen)
    server.shutdown()
    server.server_close()
    thread.join()


def client_common_name(connection: Any) -> str:
    subject = dict(item[0] for item in (connection.getpeercert() or {}).get("subject", ()))
    return str(subject.get("commonName", ""))


def backend_for(
    tmp_path: Path, cluster: dict[str, Any], user: dict[str, Any], *, official: bool = False
) -> KubeBackend:
    """A backend for one context, through the transport the kubeconfig picks for it, or
    (`official`) through the official client whatever the context holds."""
    config = load_kubeconfig(write(tmp_path / "config", kubeconfig_doc(("c", cluster, user))), {})
    config.check_context("c")
    transport: Transport = ApiClientTransport(lambda: config.api_client("c", pool_size=2))
    if not official:
        transport = config.transport("c", pool_size=2, environ={})
    return KubeBackend("c", transport, request_timeout=5)


both_transports = pytest.mark.parametrize("official", [False, True], ids=["http", "official"])


def ca_data(server: Server) -> str:
    import base64

    return base64.b64encode(server.ca.cert_pem.bytes()).decode()


@both_transports
def test_token_and_ca_data_round_trip(tmp_path: Path, https_server: Server, official: bool) -> None:
    cluster = {"server": https_server.url, "certificate-authority-data": ca_data(https_server)}
    backend = backend_for(tmp_path, cluster, {"token": TOKEN}, official=official)
    assert backend.server_version() == "v1.32.0"
    assert backend.server_version() == "v1.32.0"
    assert https_server.seen[0]["authorization"] == f"Bearer {TOKEN}"
    assert https_server.seen[0]["user-agent"].startswith("kubectl-fed/")


@both_transports
def test_client_certificate_authenticates(
    tmp_path: Path, https_server: Server, official: bool
) -> None:
    import base64

    identity = https_server.ca.issue_cert("alice@example.com", common_name="alice")
    (tmp_path / "alice.key").write_bytes(identity.private_key_pem.bytes())
    user = {
        "client-certificate-data": base64.b64encode(identity.cert_chain_pems[0].bytes()).decode(),
        "client-key": "alice.key",  # relative to the kubeconfig file
    }
    cluster = {"server": https_server.url, "certificate-authority-data": ca_data(https_server)}
    assert backend_for(tmp_path, cluster, user, official=official).server_version() == "v1.32.0"
    assert https_server.seen[0]["client-cn"] == "alice"
    assert "authorization" not in https_server.seen[0]


def test_exec_credential_plugin_supplies_the_token(tmp_path: Path, https_server: Server) -> None:
    plugin = tmp_path / "plugin.py"
    credential = {
        "apiVersion": "client.authentication.k8s.io/v1",
        "kind": "ExecCredential",
        "status": {"token": "from-plugin"},
    }
    plugin.write_text(f"print({json.dumps(json.dumps(credential))})\n")
    user = {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1",
            "command": sys.executable,
            "args": [str(plugin)],
            "interactiveMode": "Never",
        }
    }
    cluster = {"server": https_server.url, "insecure-skip-tls-verify": True}
    assert backend_for(tmp_path, cluster, user).server_version() == "v1.32.0"
    assert https_server.seen[0]["authorization"] == "Bearer from-plugin"


def test_failing_exec_plugin_is_unauthorized(tmp_path: Path, https_server: Server) -> None:
    user = {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1",
            "command": sys.executable,
            "args": ["-c", "import sys; sys.exit('login required')"],
        }
    }
    backend = backend_for(tmp_path, {"server": https_server.url}, user)
    with pytest.raises(ClusterCallError) as caught:
        backend.server_version()
    assert caught.value.reason is Reason.UNAUTHORIZED
    assert "exec: process returned 1" in caught.value.message
    assert https_server.seen == []


@both_transports
def test_untrusted_certificate_is_unreachable_saying_why(
    tmp_path: Path, https_server: Server, official: bool
) -> None:
    backend = backend_for(
        tmp_path, {"server": https_server.url}, {"token": TOKEN}, official=official
    )
    with pytest.raises(ClusterCallError) as caught:
        backend.server_version()
    assert caught.value.reason is Reason.UNREACHABLE
    assert caught.value.message.startswith("certificate verify failed: ")
    assert TOKEN not in caught.value.message


@both_transports
def test_insecure_skip_tls_verify_is_honoured(
    tmp_path: Path, https_server: Server, official: bool
) -> None:
    cluster = {"server": https_server.url, "insecure-skip-tls-verify": True}
    backend = backend_for(tmp_path, cluster, {"token": TOKEN}, official=official)
    assert backend.server_version() == "v1.32.0"


@both_transports
def test_connection_refused(tmp_path: Path, official: bool) -> None:
    cluster = {"server": "https://127.0.0.1:1"}
    backend = backend_for(tmp_path, cluster, {"token": TOKEN}, official=official)
    with pytest.raises(ClusterCallError) as caught:
        backend.server_version()
    assert (caught.value.reason, caught.value.message) == (Reason.UNREACHABLE, "connection refused")


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


@pytest.mark.parametrize("command", ["join", "unjoin", "clusters"])
def test_help_never_imports_the_kubernetes_client(command: str) -> None:
    import subprocess

    probe = (
        "import sys\n"
        "from kubectl_fed.cli import main\n"
        "try:\n"
        f"    main([{command!r}, '--help'])\n"
        "except SystemExit as exit_:\n"
        "    assert not exit_.code, exit_.code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('kubernetes', 'urllib3')))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"
    assert f"Usage: kubectl fed {command}" in done.stdout


def test_debug_trace_names_each_request_never_credentials(
    tmp_path: Path, https_server: Server
) -> None:
    lines: list[str] = []
    cluster = {"server": https_server.url, "certificate-authority-data": ca_data(https_server)}
    config = load_kubeconfig(
        write(tmp_path / "config", kubeconfig_doc(("c", cluster, {"token": TOKEN}))), {}
    )
    transport = config.transport("c", pool_size=2, environ={})
    backend = KubeBackend("c", transport, request_timeout=5, trace=lines.append)
    backend.server_version()
    assert len(lines) == 1
    assert lines[0].startswith("c: GET /version -> 200 (")
    assert TOKEN not in lines[0]


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
    from urllib3 import exceptions as u3

    from kubectl_fed.backends.kube_errors import transport_error

    samples: dict[str, Exception] = {
        "NewConnectionError": u3.NewConnectionError(
            None, "Failed to establish a new connection: [Errno 111] Connection refused"
        ),
        "ReadTimeoutError": u3.ReadTimeoutError(None, "/version", "Read timed out."),
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
