"""Which member clusters a command talks to: the federation's members or `--clusters`.

`--clusters` is a comma list of kubeconfig context names or fnmatch globs; an item
starting with `!` excludes what it matches. Included items override the federation's
member list (globs match every kubeconfig context); a list of exclusions only narrows
the federation's members. The result is in member order, then kubeconfig order.
Every problem is a UsageError raised before any request is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase

from kubectl_fed.errors import UsageError

GLOB_CHARS = frozenset("*?[")


def is_glob(pattern: str) -> bool:
    return any(char in GLOB_CHARS for char in pattern)


def parse_cluster_list(spec: str) -> tuple[list[str], list[str]]:
    """Split `--clusters` into (includes, excludes); empty items are a usage error."""
    includes: list[str] = []
    excludes: list[str] = []
    for raw in spec.split(","):
        item = raw.strip()
        pattern = item[1:].strip() if item.startswith("!") else item
        if not pattern:
            raise UsageError(f"--clusters {spec!r}: empty item")
        (excludes if item.startswith("!") else includes).append(pattern)
    return includes, excludes


def select_clusters(
    contexts: Sequence[str],
    members: Sequence[str] | None,
    spec: str | None,
    *,
    federation: str | None = None,
) -> list[str]:
    """The clusters to talk to, validated against the kubeconfig `contexts`.

    `members` is the federation's member list, or None when no federation is configured.
    """
    if spec is None:
        return _federation_members(contexts, members, federation)
    includes, excludes = parse_cluster_list(spec)
    if includes:
        chosen = _expand(includes, contexts)
    else:
        chosen = _federation_members(contexts, members, federation)
    selected = [name for name in chosen if not any(fnmatchcase(name, p) for p in excludes)]
    if not selected:
        raise UsageError(f"--clusters {spec!r} selects no cluster")
    return _in_member_order(selected, members or [], contexts)


def _federation_members(
    contexts: Sequence[str], members: Sequence[str] | None, federation: str | None
) -> list[str]:
    if members is None:
        raise UsageError(
            "no federation configured: run 'kubectl fed join CONTEXT...' or pass --clusters"
        )
    label = f"federation {federation!r}" if federation else "the federation"
    if not members:
        raise UsageError(f"{label} has no members: run 'kubectl fed join CONTEXT...'")
    unknown = [name for name in members if name not in contexts]
    if unknown:
        raise UsageError(f"{label}: member {unknown[0]!r} is not a context in kubeconfig")
    return list(members)


def _expand(includes: Sequence[str], contexts: Sequence[str]) -> list[str]:
    chosen: list[str] = []
    for pattern in includes:
        if is_glob(pattern):
            chosen.extend(name for name in contexts if fnmatchcase(name, pattern))
        elif pattern in contexts:
            chosen.append(pattern)
        else:
            raise UsageError(f"--clusters: {unknown_context(pattern, contexts)}")
    return list(dict.fromkeys(chosen))


def _in_member_order(
    selected: Sequence[str], members: Sequence[str], contexts: Sequence[str]
) -> list[str]:
    rank = {name: index for index, name in enumerate(contexts)}
    rank.update({name: index - len(members) for index, name in enumerate(members)})
    return sorted(selected, key=lambda name: rank[name])


LISTED_CONTEXTS = 10


def unknown_context(name: str, contexts: Sequence[str]) -> str:
    """The error for a context the kubeconfig lacks, naming the first ones it has."""
    if not contexts:
        return f"no context {name!r} in kubeconfig (it has none)"
    shown = ", ".join(contexts[:LISTED_CONTEXTS])
    more = len(contexts) - LISTED_CONTEXTS
    rest = f" and {more} more" if more > 0 else ""
    return f"no context {name!r} in kubeconfig (contexts: {shown}{rest})"
