"""The bounds on what kubectl-fed reads: inputs, members' answers, nesting, numbers.

Everything read from a file, standard input or a member is held to these before it is
used, so no input can take unbounded memory or time (docs/reliability.md, "Limits").
"""

from __future__ import annotations

from typing import Any

# An `-f` file or standard input. kube-apiserver takes at most 3 MiB per object; this
# leaves room for many objects in one file and refuses a stream that never ends.
MAX_INPUT_BYTES = 32 * 1024 * 1024
# kube-apiserver refuses request bodies above 3 MiB.
MAX_DOCUMENT_BYTES = 3 * 1024 * 1024
# One answer from a member. Lists are read in pages (LIST_PAGE_SIZE items), which keeps
# real answers far below it.
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
LIST_PAGE_SIZE = 500
# Values of one document once YAML aliases are expanded: an alias bomb ("billion
# laughs", an anchor that refers to itself) is refused without expanding it.
MAX_VALUES = 100_000
# Maps and lists inside one another. Kubernetes objects stay well below it.
MAX_DEPTH = 100
# Integer fields of the Kubernetes API (replicas, ports) are int32.
INT32_MAX = 2**31 - 1
# Durations given on the command line (timeouts, delays): finite, at most a day.
MAX_SECONDS = 86_400.0


def expansion_problem(document: object, max_values: int | None = MAX_VALUES) -> str | None:
    """Why `document` is too big or too deep to use, or None.

    Walks it without recursion and stops as soon as a bound is passed, so neither an alias
    bomb nor a nesting thousands deep costs more than `max_values` steps. None: no bound on
    the values (an answer from a member, whose size is bounded already and which has no
    aliases, may hold many objects).
    """
    values = 0
    pending: list[tuple[Any, int]] = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        values += 1
        if max_values is not None and values > max_values:
            return f"too large once YAML aliases are expanded (more than {max_values} values)"
        if depth > MAX_DEPTH:
            return f"nested more than {MAX_DEPTH} levels deep"
        if isinstance(value, dict):
            pending.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)
    return None
