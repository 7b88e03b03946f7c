"""`-o custom-columns=HEADER:PATH,...` and `-o custom-columns-file=FILE`, as kubectl prints them.

Each column's path is evaluated on every member's object (kubectl's relaxed JSONPath:
`.metadata.name`, `metadata.name` and `{.metadata.name}` are the same); a CLUSTER column
comes first. Several values are joined with commas, none is `<none>`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kubectl_fed.core.escaping import escaped
from kubectl_fed.core.status.listing import Entry
from kubectl_fed.render.jsonpath import TemplateError, find, go_value
from kubectl_fed.render.tables import NONE, align


@dataclass(frozen=True)
class Column:
    header: str
    path: str


def parse_spec(spec: str) -> list[Column]:
    """`NAME:.metadata.name,REPLICAS:.spec.replicas`; TemplateError when malformed."""
    if not spec.strip():
        raise TemplateError("custom-columns format specified but no custom columns given")
    columns = []
    for part in spec.split(","):
        header, colon, path = part.partition(":")
        if not colon or not header.strip():
            raise TemplateError(
                f"unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            )
        columns.append(Column(header.strip(), path.strip()))
    _check(columns)
    return columns


def parse_file(text: str) -> list[Column]:
    """kubectl's columns file: a line of headers, then a line of paths, as many of each."""
    lines = [line.split() for line in text.splitlines() if line.strip()]
    if len(lines) != 2:
        raise TemplateError("custom-columns file: expected a line of headers and a line of paths")
    headers, paths = lines
    if len(headers) != len(paths):
        raise TemplateError(f"custom-columns file: {len(headers)} headers but {len(paths)} paths")
    columns = [Column(header, path) for header, path in zip(headers, paths, strict=True)]
    _check(columns)
    return columns


def _check(columns: Sequence[Column]) -> None:
    for column in columns:
        find(column.path, {})  # a path jsonpath-ng cannot parse is refused before any request


def render_columns(
    entries: Sequence[Entry], columns: Sequence[Column], headers: bool = True
) -> str:
    """One row per member's object (members lacking it are left out); "" when none."""
    rows = [
        [entry.cluster, *(_cell(entry.obj, column) for column in columns)]
        for entry in entries
        if entry.obj is not None
    ]
    if not rows:
        return ""
    header = ["CLUSTER", *(escaped(column.header) for column in columns)]
    return align([header, *rows] if headers else rows)


def _cell(obj: object, column: Column) -> str:
    values = find(column.path, obj)
    return ",".join(go_value(value) for value in values) if values else NONE
