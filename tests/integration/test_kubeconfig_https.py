"""Kubeconfig credentials and TLS over real HTTPS round trips to a local server, through
both transports (the rest of kubeconfig's tests: tests/unit/test_kubeconfig.py)."""

from __future__ import annotations

import base64
import http.server
import json
import ssl
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from kubectl_fed.backends.kube import KubeBackend
from kubectl_fed.backends.kube_transport import ApiClientTransport, Transport
from kubectl_fed.backends.kubeconfig import load_kubeconfig
from kubectl_fed.core.members.results import ClusterCallError, Reason
from tests.support.kubeconfig import kubeconfig_doc, write

pytestmark = pytest.mark.server

TOKEN = "s3cr3t-token-value"


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
