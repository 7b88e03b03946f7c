"""Manifests and polling for the federation-semantics tests."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

US, EU, ASIA = "us-central1", "europe-west1", "asia-east1"
POLL_SECONDS = 0.1
# A generous bound for the simulated controllers on a loaded machine; never a timing claim.
SETTLE_SECONDS = 60.0


def eventually(check: Callable[[], bool], timeout: float = SETTLE_SECONDS) -> bool:
    """Poll `check` until it holds (True) or `timeout` passes (False)."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_SECONDS)


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


def ingress_object(name: str, service: str) -> dict[str, Any]:
    """A GCE Ingress someone else made in one member (not managed by kubectl-fed)."""
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {
            "name": name,
            "namespace": "default",
            "annotations": {"kubernetes.io/ingress.class": "gce"},
        },
        "spec": {"defaultBackend": {"service": {"name": service, "port": {"number": 80}}}},
    }
