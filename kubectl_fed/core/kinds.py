"""The three federated kinds, their API coordinates and the names users may type for them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from kubectl_fed.core.suggest import suggestions
from kubectl_fed.errors import UsageError


class NameRule(Enum):
    """Which DNS-1123 rule the API server applies to an object's name."""

    SUBDOMAIN = "subdomain"
    LABEL = "label"


@dataclass(frozen=True)
class Kind:
    kind: str
    group: str
    version: str
    plural: str
    singular: str
    short_names: tuple[str, ...]
    name_rule: NameRule

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def resource(self) -> str:
        """`ingress.networking.k8s.io`, `service`: what `kubectl -o name` prints before `/`."""
        return f"{self.singular}.{self.group}" if self.group else self.singular

    @property
    def qualified_plural(self) -> str:
        """`ingresses.networking.k8s.io`, `services`: what API error messages name."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def aliases(self) -> tuple[str, ...]:
        return (self.singular, self.plural, *self.short_names, self.kind.lower())

    def ref(self, name: str) -> str:
        """`ingress.networking.k8s.io/myingress`."""
        return f"{self.resource}/{name}"


INGRESS = Kind(
    kind="Ingress",
    group="networking.k8s.io",
    version="v1",
    plural="ingresses",
    singular="ingress",
    short_names=("ing",),
    name_rule=NameRule.SUBDOMAIN,
)
SERVICE = Kind(
    kind="Service",
    group="",
    version="v1",
    plural="services",
    singular="service",
    short_names=("svc",),
    name_rule=NameRule.LABEL,
)
REPLICASET = Kind(
    kind="ReplicaSet",
    group="apps",
    version="v1",
    plural="replicasets",
    singular="replicaset",
    short_names=("rs",),
    name_rule=NameRule.SUBDOMAIN,
)

KINDS: tuple[Kind, ...] = (INGRESS, SERVICE, REPLICASET)

# Not federated: only created in a member when `--create-namespace` asks for it.
NAMESPACE = Kind(
    kind="Namespace",
    group="",
    version="v1",
    plural="namespaces",
    singular="namespace",
    short_names=("ns",),
    name_rule=NameRule.LABEL,
)

_BY_ALIAS: dict[str, Kind] = {
    alias: kind
    for kind in KINDS
    for alias in (
        *kind.aliases,
        kind.resource,
        kind.qualified_plural,
        *(f"{short}.{kind.group}" for short in kind.short_names if kind.group),
    )
}


def supported_kinds_text() -> str:
    return ", ".join(f"{kind.kind} ({kind.api_version})" for kind in KINDS)


def resolve(alias: str) -> Kind:
    """The kind a user typed (`ing`, `services`, `replicaset.apps`, ...), case-insensitive."""
    kind = _BY_ALIAS.get(alias.strip().lower())
    if kind is None:
        close = suggestions(alias.strip(), [name for k in KINDS for name in k.aliases])
        hint = f'; did you mean "{close[0]}"?' if close else ""
        raise UsageError(
            f'the server doesn\'t have a resource type "{alias}" in the federation '
            f"(federated kinds: ingress|ing, service|svc, replicaset|rs){hint}"
        )
    return kind


def resolve_list(text: str) -> list[Kind]:
    """`ingress,svc` -> [INGRESS, SERVICE], in the order typed, without repeats."""
    kinds: list[Kind] = []
    for alias in text.split(","):
        if not alias.strip():
            raise UsageError(f'invalid resource list "{text}"')
        kind = resolve(alias)
        if kind not in kinds:
            kinds.append(kind)
    return kinds


def by_api_kind(api_version: object, kind: object) -> Kind | None:
    """The federated kind for a manifest's `apiVersion`/`kind`, or None."""
    for candidate in KINDS:
        if candidate.kind == kind and candidate.api_version == api_version:
            return candidate
    return None


def kind_named(kind: object, kinds: Iterable[Kind] = KINDS) -> Kind | None:
    """The federated kind whose `kind` field is `kind`, whatever its apiVersion."""
    return next((candidate for candidate in kinds if candidate.kind == kind), None)
