"""Label and field selectors, parsed from their query-string form and matched against objects."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kubectl_fed.sandbox.apiserver.errors import bad_request

Matcher = Callable[[dict[str, Any]], bool]

_SET_RE = re.compile(r"^\s*(\S+)\s+(in|notin)\s+\((.*)\)\s*$")
_EQ_RE = re.compile(r"^\s*([^!=\s]+)\s*(==|=|!=)\s*(\S*)\s*$")


def _split_terms(text: str) -> list[str]:
    """Split on commas that are not inside `in (a,b)` parentheses."""
    terms, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            terms.append(current)
            current = ""
        else:
            current += char
    terms.append(current)
    return [term.strip() for term in terms if term.strip()]


def _label_term(term: str) -> Callable[[dict[str, str]], bool]:
    set_match = _SET_RE.match(term)
    if set_match:
        key, op, values_text = set_match.groups()
        values = {value.strip() for value in values_text.split(",") if value.strip()}
        if op == "in":
            return lambda labels: labels.get(key) in values
        return lambda labels: labels.get(key) not in values
    eq_match = _EQ_RE.match(term)
    if eq_match:
        key, op, value = eq_match.groups()
        if op == "!=":
            return lambda labels: labels.get(key) != value
        return lambda labels: labels.get(key) == value
    if term.startswith("!"):
        key = term[1:].strip()
        return lambda labels: key not in labels
    if re.fullmatch(r"[A-Za-z0-9./_-]+", term):
        return lambda labels: term in labels
    raise bad_request(f"unable to parse requirement: invalid label selector: {term!r}")


def label_matcher(selector: str | None) -> Matcher:
    """A predicate on objects for a label selector such as `app=web,tier in (a,b),!legacy`."""
    tests = [_label_term(term) for term in _split_terms(selector or "")]

    def matches(obj: dict[str, Any]) -> bool:
        labels = obj.get("metadata", {}).get("labels") or {}
        return all(test(labels) for test in tests)

    return matches


def field_value(obj: dict[str, Any], path: str) -> str:
    """The string value at a dotted path (`involvedObject.name`), "" when absent."""
    value: Any = obj
    for part in path.split("."):
        if not isinstance(value, dict):
            return ""
        value = value.get(part)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _field_term(term: str) -> Matcher:
    eq_match = _EQ_RE.match(term)
    if not eq_match:
        raise bad_request(f"invalid selector: \"{term}\"; can't understand '{term}'")
    path, op, value = eq_match.groups()
    if op == "!=":
        return lambda obj: field_value(obj, path) != value
    return lambda obj: field_value(obj, path) == value


def field_matcher(selector: str | None) -> Matcher:
    """A predicate for a field selector such as `metadata.name=x,involvedObject.kind=Ingress`."""
    tests = [_field_term(term) for term in _split_terms(selector or "")]
    return lambda obj: all(test(obj) for test in tests)
