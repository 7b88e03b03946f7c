"""What create / apply / delete will do to one object in one member: the dry-run plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any

from kubectl_fed.core.kinds import Kind
from kubectl_fed.core.members.results import ClusterError, Reason
from kubectl_fed.core.model.markers import conforms
from kubectl_fed.core.model.objects import is_federated


class Action(StrEnum):
    """What happened (or would happen) to one object in one member; the word printed."""

    CREATE = "created"
    UPDATE = "configured"
    ADOPT = "adopted"
    UNCHANGED = "unchanged"
    DELETE = "deleted"
    UNFEDERATE = "unfederated"


class Verb(Enum):
    CREATE = "create"
    APPLY = "apply"


class DryRun(StrEnum):
    NONE = "none"
    CLIENT = "client"
    SERVER = "server"

    @property
    def suffix(self) -> str:
        """What kubectl appends to a result line."""
        return {"none": "", "client": " (dry run)", "server": " (server dry run)"}[self.value]


@dataclass(frozen=True)
class Target:
    """One object in one namespace, named the way output lines name it."""

    kind: Kind
    namespace: str
    name: str

    @property
    def ref(self) -> str:
        return self.kind.ref(self.name)

    @property
    def subject(self) -> str:
        """`ingress default/myingress`: how error lines name the object."""
        if not self.namespace:
            return f"{self.kind.singular} {self.name}"
        return f"{self.kind.singular} {self.namespace}/{self.name}"


@dataclass(frozen=True)
class Outcome:
    """The result for one object in one member: an action, or an error."""

    target: Target
    action: Action | None = None
    error: ClusterError | None = None
    # the member's copy as written (the server's answer; the plan's for a client dry run)
    obj: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None


def decide(
    verb: Verb, target: Target, desired: dict[str, Any], live: dict[str, Any] | None, *, adopt: bool
) -> Outcome:
    """The plan for `desired` in a member where the object is `live` (None: absent)."""
    if live is None:
        return Outcome(target, Action.CREATE)
    if not is_federated(live):
        if adopt:
            return Outcome(target, Action.ADOPT)
        return _already_exists(target, " and is not managed by kubectl-fed (--no-adopt)")
    if verb is Verb.CREATE:
        return _already_exists(target, "")
    return Outcome(target, Action.UNCHANGED if conforms(desired, live) else Action.UPDATE)


def _already_exists(target: Target, detail: str) -> Outcome:
    message = f'{target.kind.qualified_plural} "{target.name}" already exists{detail}'
    return Outcome(target, error=ClusterError(Reason.ALREADY_EXISTS, message))
