"""What one federated kind declares: everything the verbs need to know about it.

A kind's module (`core/kinds/<kind>.py`) builds one `Kind`; backends derive its REST path,
`get` its table, `describe` its status fold, manifests its validation, and the planner
whether its replicas are split, all from that one value (docs/architecture.md, "Adding a
kind").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Generic, TypeVar, cast

from kubectl_fed.core.model.objects import KubeObject

T = TypeVar("T")

Cells = Callable[[KubeObject, bool], list[str]]  # (object, wide) -> the kind's cells of a `get` row
WideCells = Callable[[KubeObject], list[str]]
SpecCheck = Callable[[dict[str, Any]], "str | None"]


class NameRule(Enum):
    """Which DNS-1123 rule the API server applies to an object's name."""

    SUBDOMAIN = "subdomain"
    LABEL = "label"


class StatusFold(Enum):
    """How `describe` folds the members' copies of the kind (core/status/federated.py)."""

    INGRESS = "ingress"  # one address, TLS, rules and healthy shards
    SERVICE = "service"  # ports with node-port agreement, endpoints per member
    REPLICAS = "replicas"  # the replica split: each member's desired, current, ready
    COPIES = "copies"  # which members hold a copy, and whether it is the first one's content


@dataclass(frozen=True)
class Api:
    """A kind's API coordinates and the names users may type for it."""

    api_version: str  # `apps/v1`, `v1`
    kind: str
    plural: str
    short_names: tuple[str, ...] = ()
    singular_name: str = ""  # "": the kind in lower case

    @property
    def singular(self) -> str:
        return self.singular_name or self.kind.lower()

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def version(self) -> str:
        return self.api_version.rpartition("/")[2]


def api(api_version: str, kind: str, plural: str, *short_names: str) -> Api:
    """`api("apps/v1", "Deployment", "deployments", "deploy")`."""
    return Api(api_version, kind, plural, short_names)


@dataclass(frozen=True)
class Columns:
    """kubectl's `get` columns for the kind, between NAME and AGE (and after AGE with -o wide)."""

    headers: tuple[str, ...]
    cells: Cells
    wide_headers: tuple[str, ...] = ()
    wide_cells: WideCells = lambda obj: []


def _no_columns(obj: KubeObject, wide: bool) -> list[str]:
    return []


class _FromApi(Generic[T]):
    """A `Kind` attribute read through from its `Api`: `kind.plural` is `kind.api.plural`."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, kind: Kind, owner: type | None = None) -> T:
        return cast(T, getattr(kind.api, self._name))


@dataclass(frozen=True)
class Kind:
    api: Api
    kind = _FromApi[str]()
    api_version = _FromApi[str]()
    group = _FromApi[str]()
    version = _FromApi[str]()
    plural = _FromApi[str]()
    singular = _FromApi[str]()
    short_names = _FromApi[tuple[str, ...]]()
    name_rule: NameRule = NameRule.SUBDOMAIN
    namespaced: bool = True
    # Where fields must be maps, lists or maps of strings, parents first (core/kinds/validation.py).
    shapes: tuple[tuple[str, object], ...] = ()
    # The API server's rules for `spec` that can be checked before sending; None: no spec.
    spec_check: SpecCheck | None = field(default=None, compare=False)
    columns: Columns = field(default=Columns((), _no_columns), compare=False)
    # How `describe` folds the members' copies; None: no status of its own (a discovered kind).
    fold: StatusFold | None = None
    # Federation v1's replica split: spec.replicas is divided among the members.
    splits_replicas: bool = False
    # Values never printed in tables or describe (Secret data): only their keys and sizes.
    secret_data: bool = False
    # `reconcile` and `doctor --fix` converge its copies to the recorded desired state.
    converged: bool = False
    # False: a kind the members serve, found by discovery: fanned out as written, no semantics.
    federated: bool = True

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

    @property
    def typed(self) -> str:
        """`ingress|ing`: how the kind is listed in hints."""
        return "|".join((self.singular, *self.short_names))

    def ref(self, name: str) -> str:
        """`ingress.networking.k8s.io/myingress`."""
        return f"{self.resource}/{name}"
