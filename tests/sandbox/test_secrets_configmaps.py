"""Secrets, ConfigMaps and Namespaces through the real kubectl: create, stringData, TLS keys,
tables, the name label."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import trustme

from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.clients import Kubectl
from tests.support.members import US

pytestmark = [pytest.mark.kubectl, pytest.mark.sandbox]

CONTEXT = US
Obj = dict[str, Any]


@pytest.fixture
def kubectl(
    kubectl_path: str, sandbox_factory: Callable[..., SandboxFederation], tmp_path: Path
) -> Kubectl:
    return Kubectl(kubectl_path, sandbox_factory(clusters=1), CONTEXT, tmp_path)


def decoded(secret: Obj) -> dict[str, str]:
    return {key: base64.b64decode(value).decode() for key, value in secret["data"].items()}


def test_create_secret_tls_and_generic_and_configmap_then_get_tables(kubectl: Kubectl) -> None:
    cert = trustme.CA().issue_cert("shop.example.com")
    cert_path, key_path = kubectl.tmp_path / "tls.crt", kubectl.tmp_path / "tls.key"
    cert_path.write_bytes(cert.cert_chain_pems[0].bytes())
    key_path.write_bytes(cert.private_key_pem.bytes())
    created = kubectl(
        "create", "secret", "tls", "shop-cert", f"--cert={cert_path}", f"--key={key_path}"
    )
    assert created.stdout.strip() == "secret/shop-cert created"
    stored = kubectl.store.get("secrets", "default", "shop-cert")
    assert stored["type"] == "kubernetes.io/tls"
    assert decoded(stored) == {"tls.crt": cert_path.read_text(), "tls.key": key_path.read_text()}

    kubectl("create", "secret", "generic", "creds", "--from-literal=user=admin")
    literal = ("--from-literal=mode=fast", "--from-literal=level=3")
    assert kubectl("create", "configmap", "settings", *literal).stdout.strip() == (
        "configmap/settings created"
    )
    assert kubectl.store.get("configmaps", "default", "settings")["data"] == {
        "mode": "fast",
        "level": "3",
    }

    blocks = kubectl("get", "secret,configmap").stdout.strip().split("\n\n")
    secrets, config_maps = ([line.split() for line in b.splitlines()] for b in blocks)
    assert secrets[0] == ["NAME", "TYPE", "DATA", "AGE"]
    assert [row[:3] for row in secrets[1:]] == [
        ["secret/creds", "Opaque", "1"],
        ["secret/shop-cert", "kubernetes.io/tls", "2"],
    ]
    assert config_maps[0] == ["NAME", "DATA", "AGE"]
    assert ["configmap/settings", "2"] in [row[:2] for row in config_maps[1:]]


def test_string_data_is_merged_into_data_and_not_stored(kubectl: Kubectl) -> None:
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "app"},
        "data": {"user": base64.b64encode(b"admin").decode(), "token": "b2xk"},
        "stringData": {"token": "new", "password": "hunter2"},
    }
    assert kubectl("apply", "-f", kubectl.file(secret)).stdout.strip() == "secret/app created"
    stored = kubectl.store.get("secrets", "default", "app")
    assert "stringData" not in stored and stored["type"] == "Opaque"
    assert decoded(stored) == {"user": "admin", "token": "new", "password": "hunter2"}

    secret["stringData"] = {"password": "changed"}
    assert kubectl("apply", "-f", kubectl.file(secret)).stdout.strip() == "secret/app configured"
    assert decoded(kubectl.store.get("secrets", "default", "app"))["password"] == "changed"


def test_a_tls_secret_without_its_key_is_refused(kubectl: Kubectl) -> None:
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "half"},
        "type": "kubernetes.io/tls",
        "data": {"tls.crt": base64.b64encode(b"cert").decode()},
    }
    refused = kubectl("create", "-f", kubectl.file(secret), check=False)
    assert refused.returncode == 1
    assert refused.stderr.strip() == ('The Secret "half" is invalid: data[tls.key]: Required value')
    assert kubectl.store.list("secrets", "default") == []


def test_data_keys_and_secret_type_are_checked(kubectl: Kubectl) -> None:
    config_map = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "bad"},
        "data": {"a key": "x"},
    }
    refused = kubectl("create", "-f", kubectl.file(config_map), check=False)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        'The ConfigMap "bad" is invalid: data[a key]: Invalid value: "a key": a valid config key '
        "must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
        "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
    )
    kubectl("create", "secret", "generic", "creds", "--from-literal=user=admin")
    retyped = kubectl("patch", "secret", "creds", "-p", '{"type":"example.com/x"}', check=False)
    assert retyped.returncode == 1
    assert 'type: Invalid value: "example.com/x": field is immutable' in retyped.stderr
    assert kubectl.store.get("secrets", "default", "creds")["type"] == "Opaque"


def test_a_namespace_is_labelled_with_its_name(kubectl: Kubectl) -> None:
    assert kubectl("create", "namespace", "shop").stdout.strip() == "namespace/shop created"
    shown = kubectl("get", "ns", "-l", "kubernetes.io/metadata.name=shop").stdout.split()
    assert shown[:5] == ["NAME", "STATUS", "AGE", "shop", "Active"]
    kubectl("label", "namespace", "shop", "kubernetes.io/metadata.name-", "team=web")
    labels = kubectl.store.get("namespaces", None, "shop")["metadata"]["labels"]
    assert labels == {"kubernetes.io/metadata.name": "shop", "team": "web"}
