"""`filter`, `maxResults` and `pageToken` of Compute list calls.

Filters: `name eq <regex>` / `name ne <regex>` (the whole value must match) and
`name = value` / `name != value`, on any top-level string field. Other expressions are
refused with 400 rather than silently ignored, so a caller never gets a wrong answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Body = dict[str, Any]
MAX_RESULTS = 500
_EXPRESSION = re.compile(r'^\s*([A-Za-z][A-Za-z0-9_]*)\s+(eq|ne|=|!=)\s+"?(.*?)"?\s*$')


class InvalidQuery(ValueError):
    """A list parameter GCE would reject (400)."""


@dataclass(frozen=True)
class ListQuery:
    matches: Callable[[Body], bool]
    max_results: int = MAX_RESULTS
    offset: int = 0

    @classmethod
    def parse(cls, params: Mapping[str, Sequence[str]]) -> ListQuery:
        return cls(
            _filter(_one(params, "filter")),
            _max_results(_one(params, "maxResults")),
            _offset(_one(params, "pageToken")),
        )

    def page(self, items: list[Body]) -> tuple[list[Body], str]:
        """This page's items and the token of the next page ("" on the last one)."""
        selected = [item for item in items if self.matches(item)]
        end = self.offset + self.max_results
        return selected[self.offset : end], str(end) if end < len(selected) else ""


def _one(params: Mapping[str, Sequence[str]], key: str) -> str:
    values = params.get(key) or [""]
    return values[-1]


def _filter(text: str) -> Callable[[Body], bool]:
    if not text.strip():
        return lambda item: True
    match = _EXPRESSION.match(text)
    if match is None:
        raise InvalidQuery(
            f"Invalid value for field 'filter': '{text}'. Invalid list filter expression."
        )
    field, operator, value = match.groups()
    if operator in ("eq", "ne"):
        try:
            pattern = re.compile(value)
        except re.error as err:
            raise InvalidQuery(f"Invalid value for field 'filter': '{text}'. {err}.") from None
        wanted = operator == "eq"
        return lambda item: bool(pattern.fullmatch(str(item.get(field, "")))) == wanted
    equal = operator == "="
    return lambda item: (str(item.get(field, "")) == value) == equal


def _max_results(text: str) -> int:
    if not text:
        return MAX_RESULTS
    if not text.isdigit() or not 0 <= int(text) <= MAX_RESULTS:
        raise InvalidQuery(f"Invalid value for field 'maxResults': '{text}'. Must be in 0-500.")
    return int(text) or MAX_RESULTS


def _offset(token: str) -> int:
    if not token:
        return 0
    if not token.isdigit():
        raise InvalidQuery(f"Invalid value for field 'pageToken': '{token}'.")
    return int(token)
