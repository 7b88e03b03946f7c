"""Object names and namespaces completed from member clusters of a sandbox, over real HTTPS."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubectl_fed.completion.engine import complete
from kubectl_fed.completion.sources import Sources
from kubectl_fed.core.completion import Completions
from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.manifests import ingress_object

# Bounds generous enough for a loaded machine, far below a stalled cluster (30 s);
# the default bounds (1 s, 1.5 s) are exercised through kubectl in tests/e2e/test_plugin.py.
REQUEST_TIMEOUT_SECONDS = 3.0
DEADLINE_SECONDS = 5.0
STALL_BOUND_SECONDS = 15.0


def replicaset(name: str) -> dict[str, Any]:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": 0,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "web", "image": "nginx"}]},
            },
        },
    }


@pytest.fixture
def federation(sandbox: SandboxFederation) -> SandboxFederation:
    """`web` in every member, `eu-only` in europe-west1, `shop-web` in namespace shop of all."""
    for cluster in sandbox.clusters:
        cluster.store.create("namespaces", None, {"metadata": {"name": "shop"}})
        cluster.store.create(
            "ingresses", "default", ingress_object("web", "web", ingress_class=None)
        )
        cluster.store.create(
            "ingresses", "shop", ingress_object("shop-web", "shop-web", "shop", ingress_class=None)
        )
    sandbox.cluster("europe-west1").store.create(
        "ingresses", "default", ingress_object("eu-only", "eu-only", ingress_class=None)
    )
    for cluster in sandbox.clusters:
        cluster.store.create("replicasets", "default", replicaset("web-rs"))
    return sandbox


@pytest.fixture
def sources(federation: SandboxFederation, tmp_path: Path) -> Iterator[Sources]:
    yield Sources(
        {
            "KUBECONFIG": str(federation.kubeconfig_path),
            "KUBECTL_FED_CONFIG": str(federation.membership_path),
            "HOME": str(tmp_path),
        },
        request_timeout=REQUEST_TIMEOUT_SECONDS,
        deadline=DEADLINE_SECONDS,
    )
    # The completions' API clients are unreachable now; collecting them closes their
    # kept-alive connections, as the end of the completion process would.
    gc.collect()


def values(completions: Completions) -> list[str]:
    return [c.value for c in completions.candidates]


def test_names_come_from_the_first_member(sources: Sources) -> None:
    assert values(complete(["get", "ingress", ""], sources)) == ["web"]


def test_names_in_the_namespace_typed(sources: Sources) -> None:
    assert values(complete(["get", "ing", "-n", "shop", ""], sources)) == ["shop-web"]
    assert values(complete(["get", "ing", "--all-namespaces", ""], sources)) == ["shop-web", "web"]


def test_names_already_typed_are_not_offered_again(sources: Sources) -> None:
    assert values(complete(["get", "ing", "-n", "shop", "shop-web", ""], sources)) == []


def test_names_of_the_selected_clusters(sources: Sources) -> None:
    words = ["get", "ing", "--clusters", "europe-west1", ""]
    assert values(complete(words, sources)) == ["eu-only", "web"]


def test_kind_slash_name_for_delete(sources: Sources) -> None:
    assert values(complete(["delete", "ing/w"], sources)) == ["ing/web"]
    assert values(complete(["delete", "svc/nginx", "ingress/"], sources)) == ["ingress/web"]


def test_unfederate_completes_as_delete(sources: Sources) -> None:
    assert values(complete(["unfederate", "r"], sources)) == ["replicaset", "replicasets", "rs"]
    assert values(complete(["unfederate", "ing", ""], sources)) == ["web"]
    assert values(complete(["unfederate", "ing/w"], sources)) == ["ing/web"]
    assert "--ignore-not-found" in values(complete(["unfederate", "--ig"], sources))


def test_describe_scale_and_rebalance_names(sources: Sources) -> None:
    assert values(complete(["describe", "ing", ""], sources)) == ["web"]
    assert values(complete(["describe", "ing/w"], sources)) == ["ing/web"]
    assert values(complete(["scale", "rs", ""], sources)) == ["web-rs"]
    assert values(complete(["rebalance", "rs/"], sources)) == ["rs/web-rs"]
    assert values(complete(["scale", "ing/"], sources)) == []


def test_namespaces_from_the_first_member(sources: Sources) -> None:
    assert {"default", "shop", "kube-system"} <= set(values(complete(["get", "-n", ""], sources)))
    assert values(complete(["get", "ing", "--namespace", "sh"], sources)) == ["shop"]


def test_a_stalled_first_member_is_skipped_within_the_deadline(
    federation: SandboxFederation, sources: Sources
) -> None:
    federation.cluster("us-central1").fail("slow", seconds=30)
    started = time.monotonic()
    completions = complete(["get", "ingress", ""], sources)
    elapsed = time.monotonic() - started
    assert values(completions) == ["eu-only", "web"]  # europe-west1 answered first in order
    assert elapsed < STALL_BOUND_SECONDS


def test_no_member_answering_means_no_names_not_a_stall(
    federation: SandboxFederation, sources: Sources
) -> None:
    federation.cluster("us-central1").fail("unreachable")
    for name in ("europe-west1", "asia-east1"):
        federation.cluster(name).fail("slow", seconds=30)
    started = time.monotonic()
    completions = complete(["get", "ingress", ""], sources)
    assert time.monotonic() - started < STALL_BOUND_SECONDS
    assert completions.lines() == [":4"]
