"""What `kubectl fed reconcile --print-manifests` prints: the loop, run inside a member cluster.

Six objects, applied with `kubectl apply -f -` to the cluster that should run the loop:

- Namespace `kubectl-fed-system`, ServiceAccount `kubectl-fed-reconciler` in it;
- Role + RoleBinding in `kube-system` letting that ServiceAccount create Leases and get and
  update the federation's Lease (`kubectl-fed-<federation>`) only. RBAC cannot restrict
  `create` by name (the name is not known when the request is authorised), so `create` is a
  rule of its own without `resourceNames`;
- Secret `kubectl-fed-config`: the kubeconfig the caller passes (only the federation's
  contexts, credentials inline) and a membership file naming this federation's members;
- Deployment `kubectl-fed-reconciler`, 2 replicas of `kubectl-fed reconcile --watch`: one
  leads through the Lease, reached with the pod's service account (`--lease-in-cluster`),
  the other waits to take over. The loop touches a heartbeat file every iteration, leader or
  not; an exec liveness probe restarts a container whose heartbeat is older than
  `heartbeat_stale_after` (the loop is stuck). Non-root, read-only root file system, no
  privilege escalation, every capability dropped; `/tmp` is an emptyDir.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from kubectl_fed import __version__
from kubectl_fed.core.converge.leader_election import LEASE_NAMESPACE, lease_name
from kubectl_fed.core.members.membership import FederationConfig
from kubectl_fed.core.model.objects import KubeObject

NAMESPACE = "kubectl-fed-system"
NAME = "kubectl-fed-reconciler"
SECRET = "kubectl-fed-config"
CONFIG_DIR = "/etc/kubectl-fed"
KUBECONFIG_KEY = "kubeconfig"
MEMBERSHIP_KEY = "kubectl-fed.yaml"
HEARTBEAT_FILE = "/tmp/kubectl-fed-heartbeat"
DEFAULT_IMAGE = f"kubectl-fed:{__version__}"
REPLICAS = 2
RUN_AS = 65532  # the conventional "nonroot" user and group
LABELS = {"app.kubernetes.io/name": "kubectl-fed", "app.kubernetes.io/component": "reconciler"}


@dataclass(frozen=True)
class LoopSettings:
    """The `reconcile --watch` flags the Deployment runs with (seconds)."""

    interval: float = 10.0
    lease_duration: float = 15.0
    failover_after: float = 30.0
    failback_after: float = 30.0

    @property
    def heartbeat_stale_after(self) -> int:
        """A heartbeat older than this means the loop is stuck: six intervals, at least 60 s."""
        return max(60, math.ceil(6 * self.interval))


def duration_flag(seconds: float) -> str:
    """`10s`, `500ms`, `2m`: how kubectl writes durations, and what DURATION flags read."""
    milliseconds = round(seconds * 1000)
    if milliseconds % 60_000 == 0 and milliseconds:
        return f"{milliseconds // 60_000}m"
    if milliseconds % 1000 == 0:
        return f"{milliseconds // 1000}s"
    return f"{milliseconds}ms"


def reconciler_args(federation: str, loop: LoopSettings) -> list[str]:
    """The container's arguments after the `kubectl-fed` entrypoint."""
    return [
        "reconcile",
        "--watch",
        f"--kubeconfig={CONFIG_DIR}/{KUBECONFIG_KEY}",
        f"--federation={federation}",
        f"--interval={duration_flag(loop.interval)}",
        f"--failover-after={duration_flag(loop.failover_after)}",
        f"--failback-after={duration_flag(loop.failback_after)}",
        "--lease-in-cluster",
        f"--lease-duration={duration_flag(loop.lease_duration)}",
        f"--heartbeat-file={HEARTBEAT_FILE}",
    ]


def _metadata(name: str, namespace: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace is not None:
        meta["namespace"] = namespace
    meta["labels"] = dict(LABELS)
    return meta


def _lease_rbac(federation: str) -> list[KubeObject]:
    role_name = f"{NAME}-lease"
    lease = {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"]}
    role = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": _metadata(role_name, LEASE_NAMESPACE),
        "rules": [
            {**lease, "verbs": ["create"]},
            {**lease, "resourceNames": [lease_name(federation)], "verbs": ["get", "update"]},
        ],
    }
    binding = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": _metadata(role_name, LEASE_NAMESPACE),
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": role_name},
        "subjects": [{"kind": "ServiceAccount", "name": NAME, "namespace": NAMESPACE}],
    }
    return [role, binding]


def _secret(kubeconfig: str, federation: str, members: Sequence[str]) -> KubeObject:
    membership = FederationConfig(federation, {federation: tuple(members)}).to_document()
    files = {
        KUBECONFIG_KEY: kubeconfig,
        MEMBERSHIP_KEY: yaml.safe_dump(membership, sort_keys=False),
    }
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": _metadata(SECRET, NAMESPACE),
        "type": "Opaque",
        "data": {key: base64.b64encode(text.encode()).decode() for key, text in files.items()},
    }


def heartbeat_probe(stale_after: int) -> list[str]:
    """An exec command failing when the heartbeat file is missing or older than `stale_after`."""
    script = (
        "import os, sys, time; "
        f"sys.exit(time.time() - os.stat({HEARTBEAT_FILE!r}).st_mtime > {stale_after})"
    )
    return ["python", "-c", script]


def _container(image: str, federation: str, loop: LoopSettings) -> dict[str, Any]:
    def probe(**timing: int) -> dict[str, Any]:
        return {"exec": {"command": heartbeat_probe(loop.heartbeat_stale_after)}, **timing}

    return {
        "name": "reconciler",
        "image": image,
        "args": reconciler_args(federation, loop),
        "env": [
            {"name": "KUBECTL_FED_CONFIG", "value": f"{CONFIG_DIR}/{MEMBERSHIP_KEY}"},
            {"name": "HOME", "value": "/tmp"},
        ],
        "volumeMounts": [
            {"name": "config", "mountPath": CONFIG_DIR, "readOnly": True},
            {"name": "tmp", "mountPath": "/tmp"},
        ],
        # The first heartbeat comes after the first pass: give it up to five minutes.
        "startupProbe": probe(periodSeconds=10, failureThreshold=30),
        "livenessProbe": probe(periodSeconds=20, timeoutSeconds=5, failureThreshold=3),
        "resources": {
            "requests": {"cpu": "50m", "memory": "96Mi"},
            "limits": {"cpu": "500m", "memory": "256Mi"},
        },
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
    }


def _deployment(image: str, federation: str, loop: LoopSettings) -> KubeObject:
    spread = {
        "weight": 100,
        "podAffinityTerm": {
            "labelSelector": {"matchLabels": dict(LABELS)},
            "topologyKey": "kubernetes.io/hostname",
        },
    }
    pod_spec = {
        "serviceAccountName": NAME,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": RUN_AS,
            "runAsGroup": RUN_AS,
            "fsGroup": RUN_AS,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        # SIGTERM ends the pass in progress, then releases the Lease.
        "terminationGracePeriodSeconds": 30,
        "affinity": {
            "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [spread]}
        },
        "containers": [_container(image, federation, loop)],
        "volumes": [
            {"name": "config", "secret": {"secretName": SECRET, "defaultMode": 0o440}},
            {"name": "tmp", "emptyDir": {}},
        ],
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _metadata(NAME, NAMESPACE),
        "spec": {
            "replicas": REPLICAS,
            "selector": {"matchLabels": dict(LABELS)},
            "template": {"metadata": {"labels": dict(LABELS)}, "spec": pod_spec},
        },
    }


def reconciler_objects(
    *,
    federation: str,
    members: Sequence[str],
    kubeconfig: str,
    image: str = DEFAULT_IMAGE,
    loop: LoopSettings = LoopSettings(),
) -> list[KubeObject]:
    """The objects, in the order they must be applied (the Namespace first).

    `kubeconfig` is embedded as given: pass only the federation's contexts, with their
    credentials inline (the pod has none of the files a local kubeconfig may name).
    """
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": _metadata(NAMESPACE)}
    account = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _metadata(NAME, NAMESPACE)}
    return [
        namespace,
        account,
        *_lease_rbac(federation),
        _secret(kubeconfig, federation, members),
        _deployment(image, federation, loop),
    ]


def reconciler_manifests(objects: Sequence[KubeObject]) -> str:
    """The objects as one multi-document YAML text, for `kubectl apply -f -`."""
    return yaml.dump_all(objects, Dumper=_NoAliases, sort_keys=False, explicit_start=True)


class _NoAliases(yaml.SafeDumper):
    """Writes a value used twice twice, never as a YAML anchor and alias."""

    def ignore_aliases(self, data: Any) -> bool:
        return True
