"""How kubectl spells the kinds kubectl-fed knows, in the order completion offers them."""

from __future__ import annotations

SPELLINGS: dict[str, list[str]] = {
    "ingress": ["ingress", "ingresses", "ing"],
    "service": ["service", "services", "svc"],
    "replicaset": ["replicaset", "replicasets", "rs"],
    "deployment": ["deployment", "deployments", "deploy"],
    "secret": ["secret", "secrets"],
    "configmap": ["configmap", "configmaps", "cm"],
    "namespace": ["namespace", "namespaces", "ns"],
}


def spellings(*kinds: str) -> list[str]:
    """Singular, plural and short name of each of `kinds`, one kind after the other."""
    return [word for kind in kinds for word in SPELLINGS[kind]]
