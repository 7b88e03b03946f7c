"""`KubeConfig.portable`: only the chosen contexts, every file they name read into it."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import yaml

from kubectl_fed.backends.kubeconfig import load_kubeconfig
from kubectl_fed.errors import UsageError


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
def kubeconfig(tmp_path: Path) -> str:
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "ca.pem").write_bytes(b"CA-A")
    (tmp_path / "certs" / "client.pem").write_bytes(b"CERT")
    (tmp_path / "certs" / "client.key").write_bytes(b"KEY")
    (tmp_path / "token").write_text("from-file\n")
    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": "other",
        "preferences": {"colors": True},
        "clusters": [
            {
                "name": "ca",
                "cluster": {"server": "https://a:6443", "certificate-authority": "certs/ca.pem"},
            },
            {
                "name": "cb",
                "cluster": {
                    "server": "https://b:6443",
                    "certificate-authority-data": b64(b"CA-B"),
                    "certificate-authority": "certs/missing.pem",
                },
            },
            {"name": "cx", "cluster": {"server": "https://x:6443"}},
        ],
        "users": [
            {
                "name": "ua",
                "user": {
                    "client-certificate": "certs/client.pem",
                    "client-key": "certs/client.key",
                },
            },
            {"name": "ub", "user": {"tokenFile": "token"}},
            {"name": "ux", "user": {"token": "secret-of-another-cluster"}},
        ],
        "contexts": [
            {"name": "a", "context": {"cluster": "ca", "user": "ua", "namespace": "web"}},
            {"name": "b", "context": {"cluster": "cb", "user": "ub"}},
            {"name": "b2", "context": {"cluster": "cb", "user": "ub"}},
            {"name": "other", "context": {"cluster": "cx", "user": "ux"}},
        ],
    }
    path = tmp_path / "config"
    path.write_text(yaml.safe_dump(document))
    return str(path)


def test_only_the_chosen_contexts_with_their_files_inlined(kubeconfig: str) -> None:
    portable = load_kubeconfig(kubeconfig, {}).portable(["a", "b", "b2"])
    assert portable == {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": "a",
        "contexts": [
            {"name": "a", "context": {"cluster": "ca", "user": "ua", "namespace": "web"}},
            {"name": "b", "context": {"cluster": "cb", "user": "ub"}},
            {"name": "b2", "context": {"cluster": "cb", "user": "ub"}},
        ],
        "clusters": [
            {
                "name": "ca",
                "cluster": {"server": "https://a:6443", "certificate-authority-data": b64(b"CA-A")},
            },
            {
                "name": "cb",
                "cluster": {"server": "https://b:6443", "certificate-authority-data": b64(b"CA-B")},
            },
        ],
        "users": [
            {
                "name": "ua",
                "user": {"client-certificate-data": b64(b"CERT"), "client-key-data": b64(b"KEY")},
            },
            {"name": "ub", "user": {"token": "from-file"}},
        ],
    }
    text = yaml.safe_dump(portable)
    assert "secret-of-another-cluster" not in text and "colors" not in text


def test_the_portable_kubeconfig_loads_on_its_own(kubeconfig: str, tmp_path: Path) -> None:
    moved = tmp_path / "elsewhere" / "config"
    moved.parent.mkdir()
    moved.write_text(yaml.safe_dump(load_kubeconfig(kubeconfig, {}).portable(["a", "b"])))
    loaded = load_kubeconfig(str(moved), {})
    assert list(loaded.contexts) == ["a", "b"]
    for context in loaded.contexts:
        loaded.check_context(context)  # no file left to find


def test_an_unknown_context_is_a_usage_error(kubeconfig: str) -> None:
    with pytest.raises(UsageError, match="no context 'nope'"):
        load_kubeconfig(kubeconfig, {}).portable(["a", "nope"])
