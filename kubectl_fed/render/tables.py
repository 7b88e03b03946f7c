"""`get` tables: a leading CLUSTER column, then kubectl's columns for each kind.

Plain columns separated by three spaces as kubectl's tab writer prints them: never
wrapped or cut to the terminal width, so output piped to a file is the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kubectl_fed.core.escaping import escaped
from kubectl_fed.core.kinds import Columns, Kind
from kubectl_fed.core.kinds.cells import NONE, format_labels
from kubectl_fed.core.model.objects import KubeObject, labels_of, metadata_of
from kubectl_fed.core.status.listing import Entry
from kubectl_fed.render.age import age

if TYPE_CHECKING:
    from kubectl_fed.core.status.replica_summary import ShareRow

MISSING = "<missing>"
_GAP = "   "
__all__ = ["MISSING", "NONE", "Labels", "align", "render_tables"]


def align(rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns, three spaces apart, no trailing blanks; cells escaped."""
    rows = [[escaped(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        padded = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=False)]
        lines.append(_GAP.join([*padded, row[-1]]).rstrip())
    return "\n".join(lines)


def render_tables(
    entries: Sequence[Entry],
    kinds: Sequence[Kind],
    *,
    wide: bool = False,
    all_namespaces: bool = False,
    now: datetime | None = None,
    headers: bool = True,
    shares: Sequence[ShareRow] = (),
    labels: Labels | None = None,
) -> str:
    """One table per kind that has rows, separated by a blank line (as kubectl).

    Without `headers` only the rows are printed (what `--watch` adds as rows change).
    With `wide`, rows of a kind whose replicas are split end with the member's planned share and
    the federation's total (`shares`: from kubectl_fed.core.status.replica_summary.share_rows).
    `labels` adds kubectl's label columns (`-L`) and LABELS (`--show-labels`) at the end.
    """
    moment = now or datetime.now(UTC)
    by_member = {(row.kind, row.cluster, row.namespace, row.name): row for row in shares}
    tables = []
    for kind in kinds:
        rows = [entry for entry in entries if entry.kind == kind]
        if rows:
            options = _Options(
                wide, all_namespaces, len(kinds) > 1, moment, by_member, labels or Labels()
            )
            table = _table(kind, rows, options)
            tables.append(table if headers else table.split("\n", 1)[1])
    return ("\n\n" if headers else "\n").join(tables)


@dataclass(frozen=True)
class _Options:
    wide: bool
    all_namespaces: bool
    qualified_names: bool
    now: datetime
    shares: dict[tuple[str, str, str, str], ShareRow]
    labels: Labels


@dataclass(frozen=True)
class Labels:
    """`-L KEY` columns (in order) and `--show-labels`."""

    columns: tuple[str, ...] = ()
    show: bool = False

    def headers(self) -> list[str]:
        """kubectl's: a key's last path segment, upper-cased; then LABELS."""
        keys = [key.rsplit("/", 1)[-1].upper() for key in self.columns]
        return [*(escaped(key) for key in keys), *(["LABELS"] if self.show else [])]

    def cells(self, obj: KubeObject) -> list[str]:
        labels = labels_of(obj)
        values = [escaped(str(labels.get(key, ""))) for key in self.columns]
        return [*values, *([escaped(format_labels(labels))] if self.show else [])]


def _table(kind: Kind, entries: Sequence[Entry], options: _Options) -> str:
    columns = kind.columns
    leading = ("CLUSTER", "NAMESPACE") if options.all_namespaces else ("CLUSTER",)
    extra = columns.wide_headers if options.wide else ()
    federated = options.wide and kind.splits_replicas and bool(options.shares)
    headers = [
        *leading,
        "NAME",
        *columns.headers,
        "AGE",
        *extra,
        *(SHARE_HEADERS * federated),
        *options.labels.headers(),
    ]
    rows = []
    for entry in entries:
        row = _row(entry, columns, options)
        if federated:
            row += _share_cells(entry, options)
        if entry.obj is not None:
            row += options.labels.cells(entry.obj)
        rows.append(row + ["-"] * (len(headers) - len(row)))  # a missing copy's blanks
    return align([headers, *rows])


SHARE_HEADERS = ("PLANNED", "FED-TOTAL")


def _share_cells(entry: Entry, options: _Options) -> list[str]:
    """The member's planned share and the federation's total ("-" when not federated)."""
    kind = entry.kind.singular
    share = options.shares.get((kind, entry.cluster, entry.namespace, entry.name))
    total = options.shares.get((kind, "", entry.namespace, entry.name))
    if share is None or total is None:
        return ["-", "-"]
    planned = "?" if share.planned is None else str(share.planned)
    return [planned, "?" if total.planned is None else str(total.planned)]


def _row(entry: Entry, columns: Columns, options: _Options) -> list[str]:
    leading = [entry.cluster, entry.namespace] if options.all_namespaces else [entry.cluster]
    name = entry.kind.ref(entry.name) if options.qualified_names else entry.name
    if entry.obj is None:
        blanks = len(columns.headers) + (len(columns.wide_headers) if options.wide else 0)
        return [*leading, name, MISSING, *(["-"] * blanks)]
    created = metadata_of(entry.obj).get("creationTimestamp")
    extra = columns.wide_cells(entry.obj) if options.wide else []
    return [
        *leading,
        name,
        *columns.cells(entry.obj, options.wide),
        age(created, options.now),
        *extra,
    ]
