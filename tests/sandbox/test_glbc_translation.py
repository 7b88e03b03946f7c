"""How the simulated GLBC reads an ingress: which ones it owns and which node ports back them."""

from __future__ import annotations

from typing import Any

import pytest

from kubectl_fed.sandbox.controllers.ingress_spec import (
    TranslationError,
    is_gce_ingress,
    translate,
)
from kubectl_fed.sandbox.gce import Backend, Route


def ingress(spec: dict[str, Any], annotations: dict[str, str] | None = None) -> dict[str, Any]:
    meta = {"name": "web", "namespace": "shop", "annotations": annotations or {}}
    return {"metadata": meta, "spec": spec}


def service(name: str, kind: str = "NodePort", **port: Any) -> dict[str, Any]:
    ports = [{"name": "http", "port": 80, "nodePort": 30080, **port}]
    return {"metadata": {"name": name, "namespace": "shop"}, "spec": {"type": kind, "ports": ports}}


def backend(service_name: str, **port: Any) -> dict[str, Any]:
    return {"service": {"name": service_name, "port": port or {"number": 80}}}


@pytest.mark.parametrize(
    ("spec", "annotations", "owned"),
    [
        ({}, {}, True),
        ({"ingressClassName": "gce"}, {}, True),
        ({"ingressClassName": "nginx"}, {}, False),
        ({}, {"kubernetes.io/ingress.class": "gce"}, True),
        ({}, {"kubernetes.io/ingress.class": "nginx"}, False),
        ({"ingressClassName": "gce"}, {"kubernetes.io/ingress.class": "nginx"}, False),
    ],
)
def test_glbc_owns_gce_and_unclassed_ingresses(
    spec: dict[str, Any], annotations: dict[str, str], owned: bool
) -> None:
    assert is_gce_ingress(ingress(spec, annotations)) is owned


def test_rules_become_routes_and_backends_default_first() -> None:
    services = {"web": service("web"), "api": service("api", port=8080, nodePort=30081)}
    spec = {
        "defaultBackend": backend("web", name="http"),
        "rules": [
            {
                "host": "shop.example.com",
                "http": {
                    "paths": [
                        {
                            "path": "/api",
                            "pathType": "Prefix",
                            "backend": backend("api", number=8080),
                        },
                        {"path": "/", "pathType": "Prefix", "backend": backend("web")},
                    ]
                },
            }
        ],
        "tls": [{"secretName": "shop-tls"}],
    }
    annotations = {"kubernetes.io/ingress.global-static-ip-name": "shop-ip"}
    result = translate(ingress(spec, annotations), services)
    assert result.backends == (
        Backend(30080, "shop/web", "http"),
        Backend(30081, "shop/api", "8080"),
    )
    assert result.routes == (
        Route("", "", 30080),
        Route("shop.example.com", "/api/*", 30081),
        Route("shop.example.com", "", 30080),
    )
    assert (result.tls_secrets, result.static_ip_name) == (("shop-tls",), "shop-ip")


@pytest.mark.parametrize(
    ("services", "message"),
    [
        ({}, 'could not find service "shop/web"'),
        (
            {"web": service("web", kind="ClusterIP")},
            'service "shop/web" is type "ClusterIP", expected "NodePort" or "LoadBalancer"',
        ),
        ({"web": service("web", port=8080)}, 'could not find port "80" in service "shop/web"'),
    ],
)
def test_untranslatable_backends_name_the_problem(services: dict[str, Any], message: str) -> None:
    with pytest.raises(TranslationError) as err:
        translate(ingress({"defaultBackend": backend("web")}), services)
    assert str(err.value) == message


def test_an_ingress_without_backends_is_untranslatable() -> None:
    with pytest.raises(TranslationError, match="no backend"):
        translate(ingress({"rules": [{"host": "a.example.com"}]}), {})
