"""Kubeconfig documents written by the tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


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
