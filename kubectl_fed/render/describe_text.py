"""Building blocks of describe's kubectl-shaped text: labelled fields and padded columns.

Widths come from the content only, never from the terminal, so piped output is stable.
"""

from __future__ import annotations

from collections.abc import Sequence

from kubectl_fed.core.escaping import escaped

INDENT = "  "
GAP = "  "  # kubectl describe's tab writer pads columns with two spaces
NONE = "<none>"


def fields(pairs: Sequence[tuple[str, str | list[str]]]) -> list[str]:
    """`Label:  value` lines, values aligned; a list value continues on aligned lines,
    an empty list leaves the label alone (its block follows)."""
    width = max(len(label) for label, _ in pairs) + 3
    lines: list[str] = []
    for label, value in pairs:
        values = [escaped(text) for text in (value if isinstance(value, list) else [value])]
        if not values:
            lines.append(f"{label}:")
            continue
        lines.append(f"{label}:".ljust(width) + values[0])
        lines.extend(" " * width + more for more in values[1:])
    return [line.rstrip() for line in lines]


def columns(rows: Sequence[Sequence[str]], indent: str = INDENT) -> list[str]:
    """Left-aligned columns two spaces apart, no trailing blanks; cells escaped."""
    if not rows:
        return []
    rows = [[escaped(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        (indent + GAP.join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))).rstrip()
        for row in rows
    ]


def underlined(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A table headed as kubectl describe heads Events and Rules: names, then dashes."""
    return columns([list(headers), ["-" * len(h) for h in headers], *rows])


def shortened(items: Sequence[str], shown: int = 3) -> str:
    """`a,b,c + 4 more...` as kubectl prints endpoints; <none> for none."""
    if not items:
        return NONE
    text = ",".join(items[:shown])
    return f"{text} + {len(items) - shown} more..." if len(items) > shown else text
