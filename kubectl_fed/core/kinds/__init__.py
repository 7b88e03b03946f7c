"""The federated kinds: one declaration each (`core/kinds/<kind>.py`), and the names users
may type for them.

Adding a kind is its module, its place in `KINDS`, its tests and the sandbox's support for
it (docs/architecture.md, "Adding a kind").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kubectl_fed.core.kinds.configmap import CONFIGMAP
from kubectl_fed.core.kinds.deployment import DEPLOYMENT
from kubectl_fed.core.kinds.ingress import INGRESS
from kubectl_fed.core.kinds.namespace import NAMESPACE
from kubectl_fed.core.kinds.replicaset import REPLICASET
from kubectl_fed.core.kinds.secret import SECRET
from kubectl_fed.core.kinds.service import SERVICE
from kubectl_fed.core.kinds.spec import Api, Columns, Kind, NameRule, StatusFold
from kubectl_fed.core.suggest import suggestions
from kubectl_fed.errors import UsageError

__all__ = [
    "CONFIGMAP",
    "DEPLOYMENT",
    "INGRESS",
    "KINDS",
    "NAMESPACE",
    "REPLICASET",
    "SECRET",
    "SERVICE",
    "Api",
    "Columns",
    "Kind",
    "NameRule",
    "ServedAlias",
    "StatusFold",
    "by_api_kind",
    "kind_named",
    "resolve",
    "resolve_list",
    "supported_kinds_text",
]

# The first three in the guide's order; `get` prints one table per kind in this order.
KINDS: tuple[Kind, ...] = (
    INGRESS,
    SERVICE,
    REPLICASET,
    DEPLOYMENT,
    SECRET,
    CONFIGMAP,
    NAMESPACE,
)

# A kind the members serve by an alias the user typed, or None (backends/discovery.py).
ServedAlias = Callable[[str], "Kind | None"]

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


def resolve(alias: str, served: ServedAlias | None = None) -> Kind:
    """The kind a user typed (`ing`, `services`, `replicaset.apps`, ...), case-insensitive;
    else, when `served` is given, a kind the members serve (found by discovery)."""
    kind = _BY_ALIAS.get(alias.strip().lower())
    if kind is None and served is not None and alias.strip():
        kind = served(alias.strip().lower())
    if kind is None:
        close = suggestions(alias.strip(), [name for k in KINDS for name in k.aliases])
        hint = f'; did you mean "{close[0]}"?' if close else ""
        typed = ", ".join(k.typed for k in KINDS)
        raise UsageError(
            f'the server doesn\'t have a resource type "{alias}" in the federation '
            f"(federated kinds: {typed}){hint}"
        )
    return kind


def resolve_list(text: str, served: ServedAlias | None = None) -> list[Kind]:
    """`ingress,svc` -> [INGRESS, SERVICE], in the order typed, without repeats."""
    kinds: list[Kind] = []
    for alias in text.split(","):
        if not alias.strip():
            raise UsageError(f'invalid resource list "{text}"')
        kind = resolve(alias, served)
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
