"""Clients for the sandbox tests (kubernetes client, raw HTTPS requests), and polling."""

from __future__ import annotations

import http.client
import json
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from kubernetes import client, config

from kubectl_fed.sandbox.federation import SandboxCluster, SandboxFederation

T = TypeVar("T")


def api_client(sandbox: SandboxFederation, context: str) -> client.ApiClient:
    return config.new_client_from_config(str(sandbox.kubeconfig_path), context=context)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


def raw_request(
    sandbox: SandboxFederation,
    cluster: SandboxCluster,
    method: str,
    path: str,
    body: Any = None,
    *,
    token: str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> Response:
    """One HTTPS request (trusting the sandbox CA) with the cluster's token unless `token`."""
    context = sandbox.ca.client_context()
    connection = http.client.HTTPSConnection(
        "127.0.0.1", cluster.port, context=context, timeout=timeout
    )
    sent_headers = {"Authorization": f"Bearer {cluster.token if token is None else token}"}
    if token == "":
        sent_headers = {}
    sent_headers.update(headers or {})
    data = None
    if body is not None:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        sent_headers.setdefault("Content-Type", "application/json")
    try:
        connection.request(method, path, body=data, headers=sent_headers)
        response = connection.getresponse()
        return Response(
            response.status,
            {key.lower(): value for key, value in response.getheaders()},
            response.read().decode(),
        )
    finally:
        connection.close()


def unverified_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def eventually(probe: Callable[[], T | None], timeout: float = 20.0) -> T:
    """Poll until `probe` returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s: {probe.__doc__ or probe}")
        time.sleep(0.05)
