"""What GLBC reads from an ingress: is it ours, and which Service node ports back it.

Pure functions over JSON-shaped objects; the errors are worded as ingress-gce words them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubectl_fed.sandbox.apiserver.seed import DEFAULT_BACKEND, DEFAULT_BACKEND_PORT
from kubectl_fed.sandbox.gce import Backend, Route

JSON = dict[str, Any]
CLASS_ANNOTATION = "kubernetes.io/ingress.class"
STATIC_IP_ANNOTATION = "kubernetes.io/ingress.global-static-ip-name"
GCE_CLASS = "gce"


class TranslationError(Exception):
    """The ingress cannot be turned into a load balancer (GLBC's `Translate` warning)."""


@dataclass(frozen=True)
class Translation:
    backends: tuple[Backend, ...]
    routes: tuple[Route, ...]
    tls_secrets: tuple[str, ...]
    static_ip_name: str


def is_gce_ingress(ingress: JSON) -> bool:
    """GKE's controller takes ingresses of class gce and those with no class at all."""
    annotation = (ingress["metadata"].get("annotations") or {}).get(CLASS_ANNOTATION)
    if annotation is not None:
        return str(annotation) == GCE_CLASS
    class_name = (ingress.get("spec") or {}).get("ingressClassName")
    return class_name in (None, "", GCE_CLASS)


def default_backend(system_services: dict[str, JSON]) -> Backend | None:
    """The cluster's default backend (`kube-system/default-http-backend`), when it has one
    GLBC can use; `system_services` maps name -> Service of kube-system."""
    namespace, name = DEFAULT_BACKEND
    ref = {"name": name, "port": {"number": DEFAULT_BACKEND_PORT}}
    try:
        return _backend(namespace, ref, system_services)
    except TranslationError:
        return None


def translate(
    ingress: JSON,
    services: dict[str, JSON],
    default: Backend | None = None,
    *,
    missing_to_default: bool = False,
) -> Translation:
    """`services` maps name -> Service of the ingress's namespace; `default` is the cluster's
    default backend, which serves an ingress without `spec.defaultBackend` where no rule
    matches, as GKE's does; with `missing_to_default` (the 2016 controller) it also serves
    the paths of a Service that does not exist."""
    spec = ingress.get("spec") or {}
    namespace = ingress["metadata"]["namespace"]
    backends: dict[int, Backend] = {}
    routes: list[Route] = []

    def node_port(backend: JSON) -> int:
        ref = backend.get("service") or {}
        if missing_to_default and default is not None and str(ref.get("name")) not in services:
            found = default
        else:
            found = _backend(namespace, ref, services)
        backends.setdefault(found.node_port, found)
        return found.node_port

    if spec.get("defaultBackend"):
        routes.append(Route("", "", node_port(spec["defaultBackend"])))
    for rule in spec.get("rules") or []:
        host = str(rule.get("host") or "")
        for path in (rule.get("http") or {}).get("paths") or []:
            routes.append(Route(host, _gce_path(path), node_port(path.get("backend") or {})))
    if default is not None and not spec.get("defaultBackend"):
        backends.setdefault(default.node_port, default)
        routes.insert(0, Route("", "", default.node_port))
    if not backends:
        raise TranslationError("no backend service is referenced by the ingress spec")
    ordered = _default_first(backends, routes)
    tls = tuple(str(t.get("secretName")) for t in spec.get("tls") or [] if t.get("secretName"))
    static_ip = str((ingress["metadata"].get("annotations") or {}).get(STATIC_IP_ANNOTATION, ""))
    return Translation(ordered, tuple(routes), tls, static_ip)


def _backend(namespace: str, ref: JSON, services: dict[str, JSON]) -> Backend:
    name = str(ref.get("name", ""))
    qualified = f"{namespace}/{name}"
    service = services.get(name)
    if service is None:
        raise TranslationError(f'could not find service "{qualified}"')
    kind = (service.get("spec") or {}).get("type", "ClusterIP")
    if kind not in ("NodePort", "LoadBalancer"):
        raise TranslationError(
            f'service "{qualified}" is type "{kind}", expected "NodePort" or "LoadBalancer"'
        )
    wanted = ref.get("port") or {}
    port_text = str(wanted.get("number") or wanted.get("name") or "")
    for port in service["spec"].get("ports") or []:
        matches = str(port.get("port")) == port_text or port.get("name") == port_text
        if matches and port.get("nodePort"):
            return Backend(int(port["nodePort"]), qualified, port_text)
    raise TranslationError(f'could not find port "{port_text}" in service "{qualified}"')


def _gce_path(path: JSON) -> str:
    """GCE path rules: Prefix `/foo` matches `/foo` and `/foo/*`; `/` is the default."""
    text = str(path.get("path") or "/")
    if text == "/" and path.get("pathType", "Prefix") != "Exact":
        return ""
    if path.get("pathType") == "Prefix":
        return text.rstrip("/") + "/*"
    return text


def _default_first(backends: dict[int, Backend], routes: list[Route]) -> tuple[Backend, ...]:
    default = next((r.node_port for r in routes if not r.host and not r.path), None)
    first = default if default is not None else next(iter(backends))
    return (backends[first], *(b for port, b in backends.items() if port != first))
