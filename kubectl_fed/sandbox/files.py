"""The files a sandbox writes for its users: a kubeconfig and the kubectl-fed membership file."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

KUBECONFIG_NAME = "kubeconfig"
MEMBERSHIP_NAME = "kubectl-fed.yaml"
FEDERATION_NAME = "sandbox"


@dataclass(frozen=True)
class SandboxFiles:
    """The files a sandbox in `directory` writes for its users."""

    directory: Path

    @property
    def kubeconfig(self) -> Path:
        return self.directory / KUBECONFIG_NAME

    @property
    def membership(self) -> Path:
        return self.directory / MEMBERSHIP_NAME


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: str
    token: str


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (it holds bearer tokens or the control secret).

    Never through a link another user planted: the text goes to a new temporary file
    (O_EXCL | O_NOFOLLOW, mode 0600, a random name) that is then renamed over `path`,
    which replaces a symlink at `path` instead of following it.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    descriptor = os.open(temporary, flags, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise


def fingerprint(path: Path) -> str:
    """What `path` holds, as a digest: files are removed only if still what was written."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def kubeconfig_document(endpoints: Sequence[Endpoint], ca_pem: bytes) -> dict[str, object]:
    ca_data = base64.b64encode(ca_pem).decode()
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "current-context": endpoints[0].name if endpoints else "",
        "clusters": [
            {"name": e.name, "cluster": {"server": e.url, "certificate-authority-data": ca_data}}
            for e in endpoints
        ],
        "users": [{"name": e.name, "user": {"token": e.token}} for e in endpoints],
        "contexts": [
            {"name": e.name, "context": {"cluster": e.name, "user": e.name}} for e in endpoints
        ],
    }


def write_kubeconfig(path: Path, endpoints: Sequence[Endpoint], ca_pem: bytes) -> None:
    import yaml

    document = kubeconfig_document(endpoints, ca_pem)
    write_private(path, yaml.safe_dump(document, sort_keys=False))


def write_membership(path: Path, members: Sequence[str]) -> None:
    """The membership file format kubectl-fed reads (a federation named `sandbox`)."""
    import yaml

    document = {
        "apiVersion": "kubectl-fed/v1",
        "kind": "FederationConfig",
        "current": FEDERATION_NAME,
        "federations": {FEDERATION_NAME: {"members": list(members)}},
    }
    write_private(path, yaml.safe_dump(document, sort_keys=False, default_flow_style=None))
