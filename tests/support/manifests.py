"""Manifests the tests write: YAML documents for `-f`, objects for a member's store."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def manifest_file(directory: Path, name: str, documents: Sequence[str]) -> str:
    """`documents` written as one multi-document YAML file; its path, for `-f`."""
    path = directory / name
    path.write_text("---\n".join(documents))
    return str(path)


def write(directory: Path, name: str, text: str) -> str:
    path = directory / name
    path.write_text(text)
    return str(path)


def service_yaml(
    name: str = "web",
    port: int = 80,
    namespace: str | None = None,
    target_port: int = 8080,
    *,
    version: str | None = None,
) -> str:
    """A ClusterIP Service selecting `app: NAME`; `version` adds a label (to make a change)."""
    namespace_line = f"\n  namespace: {namespace}" if namespace else ""
    version_line = f'\n    version: "{version}"' if version is not None else ""
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}{namespace_line}
  labels:
    app: {name}{version_line}
spec:
  selector:
    app: {name}
  ports:
    - port: {port}
      targetPort: {target_port}
"""


def node_port_service(name: str, *ports: int, node_port: int | None = None) -> str:
    lines = []
    for port in ports:
        lines.append(f"    - name: p{port}\n      port: {port}\n      targetPort: 8080")
        if node_port is not None:
            lines.append(f"      nodePort: {node_port}")
    body = "\n".join(lines)
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  type: NodePort
  selector:
    app: {name}
  ports:
{body}
"""


def ingress_yaml(name: str = "web", service: str = "web", annotations: str = "") -> str:
    extra = f"\n{annotations}" if annotations else ""
    return f"""apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
  annotations:
    kubernetes.io/ingress.class: gce{extra}
spec:
  defaultBackend:
    service:
      name: {service}
      port:
        number: 80
"""


def replicaset_yaml(
    name: str = "web", replicas: int = 10, preferences: dict[str, Any] | str | None = None
) -> str:
    annotation = ""
    if preferences is not None:
        text = preferences if isinstance(preferences, str) else json.dumps(preferences)
        annotation = (
            f"\n  annotations:\n    federation.kubernetes.io/replica-set-preferences: '{text}'"
        )
    return f"""apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: {name}{annotation}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
        - name: {name}
          image: nginx:1.27
"""


def service_object(name: str, node_port: int) -> dict[str, Any]:
    """A Service someone else made in one member (not managed by kubectl-fed)."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "type": "NodePort",
            "selector": {"app": name},
            "ports": [{"port": 80, "targetPort": 80, "nodePort": node_port, "protocol": "TCP"}],
        },
    }


def ingress_object(
    name: str, service: str, namespace: str = "default", ingress_class: str | None = "gce"
) -> dict[str, Any]:
    """An Ingress someone else made in one member (not managed by kubectl-fed); by default
    of the GCE class, which the sandbox's ingress controller serves."""
    metadata: dict[str, Any] = {"name": name, "namespace": namespace}
    if ingress_class is not None:
        metadata["annotations"] = {"kubernetes.io/ingress.class": ingress_class}
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": metadata,
        "spec": {"defaultBackend": {"service": {"name": service, "port": {"number": 80}}}},
    }


def workload_object(
    kind: str, name: str, replicas: int, container: dict[str, Any], **spec: Any
) -> dict[str, Any]:
    """An apps/v1 ReplicaSet or Deployment of `replicas` pods labelled `app: NAME`, each
    running `container`; `spec` adds fields (strategy, revisionHistoryLimit, ...)."""
    return {
        "apiVersion": "apps/v1",
        "kind": kind,
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [container]},
            },
            **spec,
        },
    }
