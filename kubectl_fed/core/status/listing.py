"""`get`: read objects from ONE member, then fold every member's answer into one view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kubectl_fed.core.kinds import Kind
from kubectl_fed.core.members.protocols import ClusterBackend
from kubectl_fed.core.members.results import ClusterCallError, ClusterResult, Reason
from kubectl_fed.core.model.objects import DEFAULT_NAMESPACE, Key, key_of
from kubectl_fed.core.writes.plans import Target


@dataclass(frozen=True)
class Query:
    kinds: tuple[Kind, ...]
    names: tuple[str, ...] = ()
    namespace: str | None = None  # None: all namespaces
    selector: str | None = None


@dataclass(frozen=True)
class Found:
    kind: Kind
    obj: dict[str, Any]

    @property
    def key(self) -> Key:
        return key_of(self.obj, DEFAULT_NAMESPACE if self.kind.namespaced else "")


@dataclass(frozen=True)
class Entry:
    """One row of the federated view: an object in one member, or its absence."""

    cluster: str
    kind: Kind
    namespace: str
    name: str
    obj: dict[str, Any] | None


@dataclass(frozen=True)
class View:
    entries: list[Entry] = field(default_factory=list)
    not_found: list[Target] = field(default_factory=list)  # named, and in no member


def read_member(backend: ClusterBackend, query: Query) -> list[Found]:
    """What this member has, kind by kind; named objects it lacks are simply absent."""
    found: list[Found] = []
    for kind in query.kinds:
        objects = _named(backend, kind, query) if query.names else _listed(backend, kind, query)
        found.extend(Found(kind, _typed(kind, obj)) for obj in objects)
    return found


def _named(backend: ClusterBackend, kind: Kind, query: Query) -> list[dict[str, Any]]:
    objects = []
    for name in query.names:
        try:
            objects.append(backend.get(kind.plural, query.namespace, name))
        except ClusterCallError as err:
            if err.reason is not Reason.NOT_FOUND:
                raise
    return objects


def _listed(backend: ClusterBackend, kind: Kind, query: Query) -> list[dict[str, Any]]:
    objects = backend.list(kind.plural, query.namespace, query.selector)
    return sorted(objects, key=lambda obj: Found(kind, obj).key)


def _typed(kind: Kind, obj: dict[str, Any]) -> dict[str, Any]:
    """List items come without apiVersion/kind; machine output wants them."""
    return {"apiVersion": kind.api_version, "kind": kind.kind, **obj}


def assemble(results: Sequence[ClusterResult[list[Found]]], query: Query) -> View:
    """Every object any member has, in every answering member: present or missing (a kind
    that is not federated shows only the copies there are: its objects are each member's)."""
    answered = [result for result in results if result.ok]
    view = View()
    for kind in query.kinds:
        keys = _ordered(_keys(answered, kind), query.names)
        for namespace, name in keys:
            rows = (_row(result, kind, namespace, name) for result in answered)
            view.entries.extend(row for row in rows if kind.federated or row.obj is not None)
        if answered:
            found_names = {name for _, name in keys}
            view.not_found.extend(
                Target(kind, query.namespace or "", name)
                for name in query.names
                if name not in found_names
            )
    return view


def _keys(answered: Sequence[ClusterResult[list[Found]]], kind: Kind) -> list[tuple[str, str]]:
    keys: dict[tuple[str, str], None] = {}
    for result in answered:
        for found in result.value or []:
            if found.kind == kind:
                keys[found.key] = None
    return list(keys)


def _ordered(keys: list[tuple[str, str]], names: Sequence[str]) -> list[tuple[str, str]]:
    """Named objects in the order typed, listed ones by namespace and name."""
    if not names:
        return sorted(keys)
    return sorted(keys, key=lambda key: (names.index(key[1]), key[0]))


def _row(result: ClusterResult[list[Found]], kind: Kind, namespace: str, name: str) -> Entry:
    obj = next(
        (f.obj for f in result.value or [] if f.kind == kind and f.key == (namespace, name)), None
    )
    return Entry(result.cluster, kind, namespace, name, obj)
