"""Members behind an http proxy: the kubeconfig's `proxy-url`, $HTTPS_PROXY and $NO_PROXY,
through a small CONNECT proxy on 127.0.0.1 that records every tunnel it opens."""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.fed import Fed
from tests.support.manifests import service_yaml

pytestmark = pytest.mark.server

REMOTE_NAME = "member.proxied.example"  # resolved only by the proxy


class ConnectProxy:
    """Opens a tunnel for every CONNECT; `REMOTE_NAME` means 127.0.0.1 to it."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.tunnels: list[str] = []
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
        self.listener.close()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in [self._accepting, *self._threads]:
            thread.join(timeout=5)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._tunnel, args=(client,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _tunnel(self, client: socket.socket) -> None:
        self._sockets.append(client)
        with client:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
            if method != "CONNECT":
                client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            self.tunnels.append(target)
            host, _, port = target.rpartition(":")
            address = "127.0.0.1" if host == REMOTE_NAME else host
            with socket.create_connection((address, int(port)), timeout=5) as upstream:
                self._sockets.append(upstream)
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                _relay(client, upstream)


def _relay(one: socket.socket, other: socket.socket) -> None:
    peers = {one: other, other: one}
    while True:
        readable, _, _ = select.select(list(peers), [], [], 10)
        if not readable:
            return
        for sock in readable:
            try:
                data = sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            peers[sock].sendall(data)


@pytest.fixture
def proxy() -> Iterator[ConnectProxy]:
    started = ConnectProxy()
    yield started
    started.close()


def rewritten_kubeconfig(sandbox: SandboxFederation, path: Path, **cluster_extra: str) -> Path:
    """The sandbox's kubeconfig with `cluster_extra` set on every cluster; a `server_host`
    entry renames the servers' host (the certificate's name is kept for TLS)."""
    document = yaml.safe_load(sandbox.kubeconfig_path.read_text())
    host = cluster_extra.pop("server_host", None)
    for entry in document["clusters"]:
        cluster = entry["cluster"]
        cluster.update(cluster_extra)
        if host is not None:
            cluster["server"] = cluster["server"].replace("127.0.0.1", host)
            cluster["tls-server-name"] = "localhost"
    path.write_text(yaml.safe_dump(document))
    return path


@pytest.fixture
def fed(fed: Fed) -> Fed:
    for cluster in fed.names:
        fed.sandbox.cluster(cluster).store.create(
            "services", "default", yaml.safe_load(service_yaml("web"))
        )
    return fed


def member_ports(sandbox: SandboxFederation) -> list[int]:
    return [sandbox.cluster(name).port for name in sandbox.names]


def test_proxy_url_carries_every_member(fed: Fed, proxy: ConnectProxy, tmp_path: Path) -> None:
    config = rewritten_kubeconfig(fed.sandbox, tmp_path / "config", **{"proxy-url": proxy.url})
    fed.env["KUBECONFIG"] = str(config)
    listed = fed.run("get", "svc", "web")
    assert listed.status == 0, listed.err
    assert [line.split()[0] for line in listed.out_lines[1:]] == fed.names
    assert sorted(proxy.tunnels) == sorted(f"127.0.0.1:{p}" for p in member_ports(fed.sandbox))


def test_https_proxy_from_the_environment_and_no_proxy(
    fed: Fed, proxy: ConnectProxy, tmp_path: Path
) -> None:
    config = rewritten_kubeconfig(fed.sandbox, tmp_path / "config", server_host=REMOTE_NAME)
    fed.env.update(KUBECONFIG=str(config), HTTPS_PROXY=proxy.url, NO_PROXY="")
    listed = fed.run("get", "svc", "web")
    assert listed.status == 0, listed.err
    assert [line.split()[0] for line in listed.out_lines[1:]] == fed.names
    assert sorted(proxy.tunnels) == sorted(f"{REMOTE_NAME}:{p}" for p in member_ports(fed.sandbox))

    proxy.tunnels.clear()
    fed.env["NO_PROXY"] = ".example"  # direct: only the proxy knows the name
    direct = fed.run("get", "svc", "web")
    assert direct.status == 1
    assert proxy.tunnels == []
    assert direct.err_lines == [
        f"error: cluster {name}: unreachable: cannot resolve the server's host name"
        for name in fed.names
    ]


def test_loopback_servers_bypass_the_environment_proxy(fed: Fed, proxy: ConnectProxy) -> None:
    """As kubectl: $HTTPS_PROXY never applies to localhost or 127.0.0.1."""
    fed.env["HTTPS_PROXY"] = proxy.url
    listed = fed.run("get", "svc", "web")
    assert listed.status == 0, listed.err
    assert len(listed.out_lines) == 1 + len(fed.names)
    assert proxy.tunnels == []
