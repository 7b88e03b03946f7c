"""Label selector syntax (`-l`), checked before any request as kubectl does.

The grammar of apimachinery's `labels.Parse`: comma-separated requirements, each
`key`, `!key`, `key=value`, `key==value`, `key!=value`, `key in (v1,v2)`,
`key notin (v1,v2)`, `key>N` or `key<N`; keys are qualified names (`prefix/name`),
values are empty or label values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kubectl_fed.errors import UsageError

_NAME = r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?"
_NAME_RE = re.compile(_NAME)
_PREFIX_RE = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_SET_RE = re.compile(r"(?P<key>[^\s!=<>(),]+)\s+(?P<op>in|notin)\s*\((?P<values>[^()]*)\)")
_COMPARE_RE = re.compile(r"(?P<key>[^\s!=<>(),]+)\s*(?P<op>==|=|!=|<|>)\s*(?P<value>[^\s!=<>(),]*)")
_EXISTS_RE = re.compile(r"(?P<bang>!?)\s*(?P<key>[^\s!=<>(),]+)")


def check_selector(selector: str | None, names: Sequence[str]) -> None:
    """`-l` as get and describe take it: never with names, and well formed (else exit 2)."""
    if names and selector:
        raise UsageError("selectors cannot be used when passing resource names")
    problem = selector_problem(selector) if selector else None
    if problem:
        raise UsageError(problem)


def selector_problem(selector: str) -> str | None:
    """Why `selector` is not a valid label selector, or None when it is."""
    terms = _split(selector)
    if terms is None:
        return f"invalid label selector {selector!r}: unbalanced parentheses"
    for term in terms:
        problem = _term_problem(term)
        if problem:
            return f"invalid label selector {selector!r}: cannot parse {term!r}: {problem}"
    return None


def _split(selector: str) -> list[str] | None:
    """The requirements, split on commas outside parentheses; None when unbalanced."""
    terms, depth, current = [], 0, ""
    for char in selector:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth not in (0, 1):
            return None
        if char == "," and depth == 0:
            terms.append(current.strip())
            current = ""
        else:
            current += char
    if depth != 0:
        return None
    terms.append(current.strip())
    return [] if terms == [""] else terms


def _term_problem(term: str) -> str | None:
    if not term:
        return "empty requirement"
    matched = _SET_RE.fullmatch(term)
    if matched:
        values = [value.strip() for value in matched["values"].split(",")]
        if values == [""]:
            return f"for '{matched['op']}', the set of values must not be empty"
        return _key_problem(matched["key"]) or _values_problem(values)
    matched = _COMPARE_RE.fullmatch(term)
    if matched:
        problem = _key_problem(matched["key"])
        if problem or matched["op"] not in ("<", ">"):
            return problem or _values_problem([matched["value"]])
        if not matched["value"].isdigit():
            return f"for '{matched['op']}', the value must be an integer"
        return None
    matched = _EXISTS_RE.fullmatch(term)
    if matched:
        return _key_problem(matched["key"])
    return "expected key, !key, key=value, key!=value, key in (...) or key notin (...)"


def _key_problem(key: str) -> str | None:
    prefix, slash, name = key.rpartition("/")
    if slash and (not prefix or len(prefix) > 253 or not _PREFIX_RE.fullmatch(prefix)):
        return f"key {key!r}: the prefix must be a DNS subdomain"
    if not name or len(name) > 63 or not _NAME_RE.fullmatch(name):
        return (
            f"key {key!r}: a name of at most 63 alphanumeric characters, '-', '_' or '.', "
            "starting and ending with an alphanumeric character"
        )
    return None


def _values_problem(values: list[str]) -> str | None:
    for value in values:
        if value and (len(value) > 63 or not _NAME_RE.fullmatch(value)):
            return (
                f"value {value!r}: at most 63 alphanumeric characters, '-', '_' or '.', "
                "starting and ending with an alphanumeric character"
            )
    return None
