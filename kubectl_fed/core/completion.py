"""Shell completion as data: candidates, cobra's directives, and which values fit where.

kubectl (>= 1.26) completes a plugin's arguments by running `kubectl_complete-<plugin>`
with the words typed after the plugin name, the last one being the word under the
cursor (empty after a space). It reads the candidates, one per line
(`value<TAB>description`), then one `:<directive>` line: cobra's ShellCompDirective bits.
The scripts of `kubectl fed completion SHELL` speak the same protocol.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum, IntFlag

from kubectl_fed.core.kinds import KINDS, Kind, resolve
from kubectl_fed.errors import UsageError


class Directive(IntFlag):
    """cobra's ShellCompDirective: what the shell does besides offering the candidates."""

    DEFAULT = 0  # no candidates: the shell completes file names
    ERROR = 1
    NO_SPACE = 2
    NO_FILE_COMP = 4
    FILTER_FILE_EXT = 8  # the candidates are file extensions to complete files with
    FILTER_DIRS = 16
    KEEP_ORDER = 32


@dataclass(frozen=True)
class Candidate:
    value: str
    help: str = ""

    def line(self) -> str:
        summary = self.help.strip().splitlines()[0] if self.help.strip() else ""
        return f"{self.value}\t{summary}" if summary else self.value


@dataclass(frozen=True)
class Completions:
    candidates: tuple[Candidate, ...] = ()
    directive: Directive = Directive.NO_FILE_COMP

    def lines(self) -> list[str]:
        """What `kubectl_complete-fed` prints: candidates, then the directive line."""
        return [*(c.line() for c in self.candidates), f":{int(self.directive)}"]


NOTHING = Completions()
FAILED = Completions(directive=Directive.ERROR)
FILES = Completions(directive=Directive.DEFAULT)
DIRECTORIES = Completions(directive=Directive.FILTER_DIRS)
MANIFEST_EXTENSIONS = ("yaml", "yml", "json")
MANIFEST_FILES = Completions(
    tuple(Candidate(ext) for ext in MANIFEST_EXTENSIONS), Directive.FILTER_FILE_EXT
)


def matching(values: Iterable[Candidate | str], incomplete: str) -> tuple[Candidate, ...]:
    """The candidates starting with `incomplete`, first occurrence of each value kept."""
    found: dict[str, Candidate] = {}
    for value in values:
        candidate = Candidate(value) if isinstance(value, str) else value
        if candidate.value.startswith(incomplete) and candidate.value not in found:
            found[candidate.value] = candidate
    return tuple(found.values())


def complete_values(values: Iterable[Candidate | str], incomplete: str) -> Completions:
    return Completions(matching(values, incomplete))


def complete_comma_list(
    values: Iterable[Candidate | str], incomplete: str, *, exclusions: bool = False
) -> Completions:
    """Complete the last item of `a,b,c`: each candidate is the whole list typed so far.

    `exclusions` allows a leading `!` on an item (`--clusters '!asia-*'`).
    """
    head, comma, last = incomplete.rpartition(",")
    bang = "!" if exclusions and last.startswith("!") else ""
    chosen = {item.lstrip("!") for item in head.split(",")} if comma else set()
    prefix = f"{head}{comma}{bang}"
    candidates = [
        Candidate(prefix + c.value, c.help)
        for c in matching(values, last[len(bang) :])
        if c.value not in chosen
    ]
    return Completions(tuple(candidates))


def kind_candidates(kinds: Sequence[Kind] = KINDS) -> list[Candidate]:
    """`ingress`, `ingresses`, `ing`, ... each described by its kind and API version."""
    return [
        Candidate(alias, f"{kind.kind} ({kind.api_version})")
        for kind in kinds
        for alias in (kind.singular, kind.plural, *kind.short_names)
    ]


def slash_kinds(command: str, kind_alias: str) -> list[Kind]:
    """The kinds `KIND/` names for `command`: only split kinds where only they fit."""
    kinds = named_kinds(kind_alias)
    if positional_role(command, 0) is Role.REPLICASET_KIND:
        return [kind for kind in kinds if kind.splits_replicas]
    return kinds


def named_kinds(text: str | None) -> list[Kind]:
    """The kinds a typed `ing,svc` (or `ing/name`) names; unknown aliases are left out."""
    kinds: list[Kind] = []
    for alias in (text or "").split("/")[0].split(","):
        try:
            kind = resolve(alias)
        except UsageError:
            continue
        if kind not in kinds:
            kinds.append(kind)
    return kinds


class Role(Enum):
    """What a positional argument or an option value stands for."""

    KINDS = "kinds"
    KIND = "kind"
    REPLICASET_KIND = "replicaset kind"
    OBJECT_NAMES = "object names"
    CONTEXTS = "contexts"
    NEW_MEMBERS = "contexts not yet members"
    MEMBERS = "members"
    FEDERATIONS = "federations"
    CLUSTER_LIST = "cluster list"
    NAMESPACES = "namespaces"
    MANIFEST_FILES = "manifest files"
    FILES = "files"
    NONE = "none"


# Per command: the role of each positional argument; the last one repeats.
POSITIONAL_ROLES: dict[str, tuple[Role, ...]] = {
    "get": (Role.KINDS, Role.OBJECT_NAMES),
    "describe": (Role.KIND, Role.OBJECT_NAMES),
    "delete": (Role.KINDS, Role.OBJECT_NAMES),
    "unfederate": (Role.KINDS, Role.OBJECT_NAMES),
    "scale": (Role.REPLICASET_KIND, Role.OBJECT_NAMES),
    "rebalance": (Role.REPLICASET_KIND, Role.OBJECT_NAMES),
    "join": (Role.NEW_MEMBERS,),
    "unjoin": (Role.MEMBERS,),
}

# Option values by the option's parameter name, whatever the command.
OPTION_ROLES: dict[str, Role] = {
    "kubeconfig": Role.FILES,
    "federation": Role.FEDERATIONS,
    "clusters": Role.CLUSTER_LIST,
    "namespace": Role.NAMESPACES,
    "filenames": Role.MANIFEST_FILES,
}

# Commands whose object-name arguments may also be typed as KIND/NAME.
SLASH_FORM_COMMANDS = frozenset({"delete", "unfederate", "describe", "scale", "rebalance"})


def positional_role(command: str, position: int) -> Role:
    roles = POSITIONAL_ROLES.get(command, ())
    if not roles:
        return Role.NONE
    return roles[min(position, len(roles) - 1)]


def replicaset_kind_candidates() -> list[Candidate]:
    return kind_candidates(tuple(kind for kind in KINDS if kind.splits_replicas))


def slash_names(kind_alias: str, names: Iterable[str], incomplete: str) -> Completions:
    """`rs/ng` -> `rs/nginx`: names of the kind typed before the slash."""
    return complete_values((f"{kind_alias}/{name}" for name in names), incomplete)
