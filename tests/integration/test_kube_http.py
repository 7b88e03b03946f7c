"""HttpTransport against a real HTTPS/1.1 server: which contexts use it, what it sends,
connection reuse, TLS settings, credentials, and how failures are classified."""

from __future__ import annotations

import base64
import http.client
import http.server
import json
import socket
import ssl
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml

from kubectl_fed.backends.kube import KubeBackend
from kubectl_fed.backends.kube_errors import RequestNotSent
from kubectl_fed.backends.kube_http import HttpTransport
from kubectl_fed.backends.kube_transport import ApiClientTransport, Request
from kubectl_fed.backends.kubeconfig import KubeConfig, load_kubeconfig
from kubectl_fed.core.members.results import ClusterCallError, Reason

pytestmark = pytest.mark.server

TOKEN = "t0ken-for-http-tests"


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    client_port: int


@dataclass
class Server:
    url: str
    ca: trustme.CA
    seen: list[Seen] = field(default_factory=list)
    drop_after_answer: list[bool] = field(default_factory=lambda: [False])


def start_server(ca: trustme.CA, identity: str = "127.0.0.1") -> tuple[Server, Any]:
    server_state = Server("", ca)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as API servers do

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            seen = Seen(self.command, self.path, headers, body, self.client_address[1])
            server_state.seen.append(seen)
            if self.path.endswith("/slow"):
                time.sleep(1.0)
            answer = json.dumps({"gitVersion": "v1.32.0", "path": self.path}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
            # closing without "Connection: close": the client finds out only on reuse
            self.close_connection = server_state.drop_after_answer[0]

        do_GET = do_POST = do_PATCH = _answer

        def log_message(self, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.handle_error = lambda *_: None  # type: ignore[method-assign]  # a client gone after a timeout
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(identity).configure_cert(context)
    ca.configure_trust(context)
    context.verify_mode = ssl.CERT_OPTIONAL
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    server_state.url = f"https://127.0.0.1:{httpd.server_address[1]}"
    return server_state, httpd


@pytest.fixture
def server() -> Iterator[Server]:
    state, httpd = start_server(trustme.CA())
    yield state
    httpd.shutdown()
    httpd.server_close()


def ca_data(ca: trustme.CA) -> str:
    return base64.b64encode(ca.cert_pem.bytes()).decode()


def kubeconfig(tmp_path: Path, cluster: dict[str, Any], user: dict[str, Any]) -> KubeConfig:
    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "c", "cluster": cluster}],
        "users": [{"name": "u", "user": user}],
        "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}],
    }
    path = tmp_path / "config"
    path.write_text(yaml.safe_dump(document))
    config = load_kubeconfig(str(path), {})
    config.check_context("c")
    return config


def transport_for(tmp_path: Path, server: Server, user: dict[str, Any] | None = None) -> Any:
    cluster = {"server": server.url, "certificate-authority-data": ca_data(server.ca)}
    config = kubeconfig(tmp_path, cluster, {"token": TOKEN} if user is None else user)
    return config.transport("c", pool_size=2, environ={})


def version(transport: Any, path: str = "/version", timeout: float = 5) -> dict[str, Any]:
    answer = transport(Request("GET", path), timeout)
    assert answer.status == 200
    return dict(json.loads(answer.data))


# -- which contexts HttpTransport serves ---------------------------------------------------


@pytest.mark.parametrize(
    ("cluster_extra", "user", "environ", "expected"),
    [
        ({}, {"token": TOKEN}, {}, HttpTransport),
        ({"insecure-skip-tls-verify": True}, {"username": "a", "password": "b"}, {}, HttpTransport),
        ({}, {"exec": {"command": "login", "apiVersion": "v1"}}, {}, ApiClientTransport),
        ({}, {"auth-provider": {"name": "oidc"}}, {}, ApiClientTransport),
        ({"proxy-url": "http://proxy:3128"}, {"token": TOKEN}, {}, HttpTransport),
        ({"proxy-url": "socks5://proxy:1080"}, {"token": TOKEN}, {}, ApiClientTransport),
        ({}, {"token": TOKEN}, {"HTTPS_PROXY": "http://proxy:3128"}, HttpTransport),
        ({}, {"token": TOKEN}, {"HTTPS_PROXY": "socks5://proxy:1080"}, HttpTransport),
        ({}, {"token": TOKEN}, {"https_proxy": ""}, HttpTransport),
    ],
    ids=[
        "token",
        "basic",
        "exec",
        "auth-provider",
        "proxy-url",
        "socks-proxy-url",
        "proxy-env",
        "loopback-bypasses-env-proxy",
        "empty-proxy-env",
    ],
)
def test_plain_contexts_use_http_and_the_rest_the_official_client(
    tmp_path: Path,
    cluster_extra: dict[str, Any],
    user: dict[str, Any],
    environ: dict[str, str],
    expected: type,
) -> None:
    config = kubeconfig(tmp_path, {"server": "https://127.0.0.1:1", **cluster_extra}, user)
    assert type(config.transport("c", pool_size=1, environ=environ)) is expected


# -- what goes over the wire ----------------------------------------------------------------


def test_one_connection_carries_successive_requests(tmp_path: Path, server: Server) -> None:
    transport = transport_for(tmp_path, server)
    for _ in range(3):
        assert version(transport)["gitVersion"] == "v1.32.0"
    assert len({seen.client_port for seen in server.seen}) == 1
    assert server.seen[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert server.seen[0].headers["user-agent"].startswith("kubectl-fed/")
    transport.close()


def test_a_connection_the_server_dropped_is_replaced_before_reuse(
    tmp_path: Path, server: Server
) -> None:
    transport = transport_for(tmp_path, server)
    server.drop_after_answer[0] = True
    version(transport)
    time.sleep(0.2)  # the server has closed the idle connection by now
    version(transport)
    assert len({seen.client_port for seen in server.seen}) == 2


def test_a_server_without_scheme_is_https(tmp_path: Path, server: Server) -> None:
    bare = server.url.removeprefix("https://")
    config = kubeconfig(
        tmp_path, {"server": bare, "certificate-authority-data": ca_data(server.ca)}, {}
    )
    assert version(config.transport("c", pool_size=1, environ={}))["gitVersion"] == "v1.32.0"


def test_requests_carry_body_query_and_the_server_path_prefix(
    tmp_path: Path, server: Server
) -> None:
    cluster = {"server": server.url + "/k8s/c1/", "certificate-authority-data": ca_data(server.ca)}
    config = kubeconfig(tmp_path, cluster, {"token": TOKEN})
    backend = KubeBackend("c", config.transport("c", pool_size=1, environ={}), request_timeout=5)
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "namespace": "n"}}
    backend.apply(service, field_manager="kubectl-fed", dry_run=True)
    (seen,) = server.seen
    assert seen.method == "PATCH"
    assert seen.path == (
        "/k8s/c1/api/v1/namespaces/n/services/s?fieldManager=kubectl-fed&force=true&fieldValidation=Strict&dryRun=All"
    )
    assert seen.headers["content-type"] == "application/apply-patch+yaml"
    assert json.loads(seen.body) == service


# -- TLS and credentials --------------------------------------------------------------------


def test_tls_server_name_names_the_certificate_host(tmp_path: Path) -> None:
    ca = trustme.CA()
    state, httpd = start_server(ca, identity="kube.internal")
    try:
        plain = {"server": state.url, "certificate-authority-data": ca_data(ca)}
        named = {**plain, "tls-server-name": "kube.internal"}
        good = kubeconfig(tmp_path, named, {"token": TOKEN}).transport("c", pool_size=1, environ={})
        assert version(good)["gitVersion"] == "v1.32.0"
        bad = kubeconfig(tmp_path, plain, {"token": TOKEN}).transport("c", pool_size=1, environ={})
        with pytest.raises(ClusterCallError) as caught:
            version(bad)
        assert caught.value.reason is Reason.UNREACHABLE
        assert caught.value.message.startswith("certificate verify failed: ")
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_basic_auth_and_token_file(tmp_path: Path, server: Server) -> None:
    version(transport_for(tmp_path, server, {"username": "alice", "password": "s3cret"}))
    assert (
        server.seen[-1].headers["authorization"]
        == "Basic " + base64.b64encode(b"alice:s3cret").decode()
    )
    (tmp_path / "token").write_text("from-a-file\n")
    version(transport_for(tmp_path, server, {"tokenFile": "token"}))  # relative to kubeconfig
    assert server.seen[-1].headers["authorization"] == "Bearer from-a-file"


def test_inline_client_certificate_leaves_no_file_behind(
    tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    identity = server.ca.issue_cert("bob@example.com", common_name="bob")
    user = {
        "client-certificate-data": base64.b64encode(identity.cert_chain_pems[0].bytes()).decode(),
        "client-key-data": base64.b64encode(identity.private_key_pem.bytes()).decode(),
    }
    version(transport_for(tmp_path, server, user))
    assert "authorization" not in server.seen[0].headers
    assert list(scratch.iterdir()) == []


def test_unusable_certificates_are_named(tmp_path: Path, server: Server) -> None:
    broken_ca = {"server": server.url, "certificate-authority-data": ca_data(trustme.CA())[:40]}
    transport = kubeconfig(tmp_path, broken_ca, {"token": TOKEN}).transport(
        "c", pool_size=1, environ={}
    )
    with pytest.raises(ClusterCallError) as caught:
        version(transport)
    assert caught.value.reason is Reason.UNREACHABLE
    assert caught.value.message.startswith("certificate authority: ")
    not_a_cert = base64.b64encode(b"not a certificate").decode()
    user = {"client-certificate-data": not_a_cert, "client-key-data": not_a_cert}
    with pytest.raises(ClusterCallError) as caught:
        version(transport_for(tmp_path, server, user))
    assert caught.value.reason is Reason.UNAUTHORIZED
    assert caught.value.message.startswith("credentials: ")
    assert server.seen == []


# -- failures -------------------------------------------------------------------------------


def test_a_slow_answer_is_a_timeout(tmp_path: Path, server: Server) -> None:
    transport = transport_for(tmp_path, server)
    with pytest.raises(ClusterCallError) as caught:
        version(transport, "/slow", timeout=0.3)
    assert (caught.value.reason, caught.value.message) == (Reason.TIMEOUT, "no answer within 0.3s")
    assert version(transport)["gitVersion"] == "v1.32.0"  # the cut connection was not pooled


def test_a_connection_cut_during_the_handshake_was_not_sent(tmp_path: Path) -> None:
    """A server that resets every connection: the request is known not to have gone out,
    so even a POST may be tried again."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def reset_all() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            connection.close()

    thread = threading.Thread(target=reset_all, daemon=True)
    thread.start()
    try:
        cluster = {"server": f"https://127.0.0.1:{listener.getsockname()[1]}"}
        transport = kubeconfig(tmp_path, cluster, {"token": TOKEN}).transport(
            "c", pool_size=1, environ={}
        )
        with pytest.raises(RequestNotSent) as caught:
            transport(Request("POST", "/api/v1/namespaces"), 3.0)
        assert caught.value.message == "connection lost during the TLS handshake"
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=5)
