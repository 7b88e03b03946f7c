"""Kind names users type, and the API coordinates they resolve to."""

from __future__ import annotations

import pytest

from kubectl_fed.core.kinds import INGRESS, REPLICASET, SERVICE, by_api_kind, resolve, resolve_list
from kubectl_fed.errors import UsageError


@pytest.mark.parametrize(
    ("alias", "kind"),
    [
        ("ingress", INGRESS),
        ("ing", INGRESS),
        ("ingresses", INGRESS),
        ("Ingress", INGRESS),
        ("ingresses.networking.k8s.io", INGRESS),
        ("service", SERVICE),
        ("svc", SERVICE),
        ("services", SERVICE),
        ("replicaset", REPLICASET),
        ("rs", REPLICASET),
        ("replicasets", REPLICASET),
        ("replicaset.apps", REPLICASET),
    ],
)
def test_aliases(alias: str, kind: object) -> None:
    assert resolve(alias) is kind


def test_coordinates() -> None:
    assert (INGRESS.api_version, INGRESS.plural, INGRESS.resource) == (
        "networking.k8s.io/v1",
        "ingresses",
        "ingress.networking.k8s.io",
    )
    assert (SERVICE.api_version, SERVICE.resource, SERVICE.ref("nginx")) == (
        "v1",
        "service",
        "service/nginx",
    )
    assert (REPLICASET.api_version, REPLICASET.qualified_plural) == ("apps/v1", "replicasets.apps")


def test_comma_list_keeps_order_and_drops_repeats() -> None:
    assert resolve_list("svc,ing,services") == [SERVICE, INGRESS]


def test_unknown_kinds() -> None:
    with pytest.raises(UsageError, match='resource type "pods"'):
        resolve_list("ing,pods")
    with pytest.raises(UsageError, match="invalid resource list"):
        resolve_list("ing,")


def test_by_api_kind_needs_the_right_version() -> None:
    assert by_api_kind("apps/v1", "ReplicaSet") is REPLICASET
    assert by_api_kind("extensions/v1beta1", "ReplicaSet") is None
