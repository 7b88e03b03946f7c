"""What one federated kind declares: everything the verbs need to know about it.

A kind's module (`core/kinds/<kind>.py`) builds one `Kind`; backends derive its REST path,
`get` its table, `describe` its status fold, manifests its validation, and the planner
whether its replicas are split, all from that one value (docs/architecture.md, "Adding a
kind").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from kubectl_fed.core.model.objects import KubeObject

Cells = Callable[[KubeObject, bool], list[str]]  # (object, wide) -> the kind's cells of a `get` row
WideCells = Callable[[KubeObject], list[str]]
SpecCheck = Callable[[dict[str, Any]], "str | None"]
Fold = Callable[[Sequence[Any]], Any]  # the members' copies -> the kind's folded status


class NameRule(Enum):
    """Which DNS-1123 rule the API server applies to an object's name."""

    SUBDOMAIN = "subdomain"
    LABEL = "label"


@dataclass(frozen=True)
class Columns:
    """kubectl's `get` columns for the kind, between NAME and AGE (and after AGE with -o wide)."""

    headers: tuple[str, ...]
    cells: Cells
    wide_headers: tuple[str, ...] = ()
    wide_cells: WideCells = lambda obj: []


def _no_columns(obj: KubeObject, wide: bool) -> list[str]:
    return []


@dataclass(frozen=True)
class Kind:
    kind: str
    group: str
    version: str
    plural: str
    singular: str
    short_names: tuple[str, ...]
    name_rule: NameRule
    namespaced: bool = True
    # Where fields must be maps, lists or maps of strings, parents first (core/model/validation.py).
    shapes: tuple[tuple[str, object], ...] = ()
    # The API server's rules for `spec` that can be checked before sending; None: no spec.
    spec_check: SpecCheck | None = field(default=None, compare=False)
    columns: Columns = field(default=Columns((), _no_columns), compare=False)
    # Folds the members' copies into the status `describe` shows (core/status/federated.py).
    fold: Fold | None = field(default=None, compare=False)
    # Federation v1's replica split: spec.replicas is divided among the members.
    splits_replicas: bool = False
    # Values never printed in tables or describe (Secret data): only their keys and sizes.
    secret_data: bool = False
    # `reconcile` and `doctor --fix` converge its copies to the recorded desired state.
    converged: bool = False
    # False: a kind the members serve, found by discovery: fanned out as written, no semantics.
    federated: bool = True

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

    @property
    def typed(self) -> str:
        """`ingress|ing`: how the kind is listed in hints."""
        return "|".join((self.singular, *self.short_names))

    def ref(self, name: str) -> str:
        """`ingress.networking.k8s.io/myingress`."""
        return f"{self.resource}/{name}"
