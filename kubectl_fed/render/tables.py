"""`get` tables: a leading CLUSTER column, then kubectl's columns for each kind.

Plain columns separated by three spaces as kubectl's tab writer prints them: never
wrapped or cut to the terminal width, so output piped to a file is the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kubectl_fed.core.kinds import INGRESS, REPLICASET, SERVICE, Kind
from kubectl_fed.core.reads import Entry
from kubectl_fed.render.age import age
from kubectl_fed.render.escaping import escaped

if TYPE_CHECKING:
    from kubectl_fed.core.replica_summary import ShareRow

MISSING = "<missing>"
NONE = "<none>"
_GAP = "   "
_LB_WIDTH = 16

Obj = dict[str, Any]


@dataclass(frozen=True)
class Columns:
    headers: tuple[str, ...]
    wide_headers: tuple[str, ...]
    cells: Callable[[Obj, bool], list[str]]  # (object, wide)
    wide_cells: Callable[[Obj], list[str]]


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
    With `wide`, federated ReplicaSets' rows end with the member's planned share and
    the federation's total (`shares`: from kubectl_fed.core.replica_summary.share_rows).
    `labels` adds kubectl's label columns (`-L`) and LABELS (`--show-labels`) at the end.
    """
    moment = now or datetime.now(UTC)
    by_member = {(row.cluster, row.namespace, row.name): row for row in shares}
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
    shares: dict[tuple[str, str, str], ShareRow]
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

    def cells(self, obj: Obj) -> list[str]:
        labels = (obj.get("metadata") or {}).get("labels") or {}
        values = [escaped(str(labels.get(key, ""))) for key in self.columns]
        return [*values, *([escaped(format_labels(labels))] if self.show else [])]


def _table(kind: Kind, entries: Sequence[Entry], options: _Options) -> str:
    columns = COLUMNS[kind.kind]
    leading = ("CLUSTER", "NAMESPACE") if options.all_namespaces else ("CLUSTER",)
    extra = columns.wide_headers if options.wide else ()
    federated = options.wide and kind == REPLICASET and bool(options.shares)
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
    share = options.shares.get((entry.cluster, entry.namespace, entry.name))
    total = options.shares.get(("", entry.namespace, entry.name))
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
    created = (entry.obj.get("metadata") or {}).get("creationTimestamp")
    extra = columns.wide_cells(entry.obj) if options.wide else []
    return [
        *leading,
        name,
        *columns.cells(entry.obj, options.wide),
        age(created, options.now),
        *extra,
    ]


def _spec(obj: Obj) -> Obj:
    return obj.get("spec") or {}


def _status(obj: Obj) -> Obj:
    return obj.get("status") or {}


def load_balancer_text(status: Obj, wide: bool) -> str:
    """Addresses of `status.loadBalancer`, shortened as kubectl does outside `-o wide`."""
    ingress = (status.get("loadBalancer") or {}).get("ingress") or []
    addresses = [point.get("ip") or point.get("hostname") or "" for point in ingress]
    text = ",".join(address for address in addresses if address)
    if not wide and len(text) > _LB_WIDTH:
        return text[: _LB_WIDTH - 3] + "..."
    return text


def ingress_hosts(rules: Sequence[Obj]) -> str:
    shown = 3
    hosts = [rule.get("host") for rule in rules[:shown] if rule.get("host")]
    if not hosts:
        return "*"
    text = ",".join(str(host) for host in hosts)
    return f"{text} + {len(rules) - shown} more..." if len(rules) > shown else text


def _ingress_cells(obj: Obj, wide: bool = False) -> list[str]:
    spec = _spec(obj)
    return [
        spec.get("ingressClassName") or NONE,
        ingress_hosts(spec.get("rules") or []),
        load_balancer_text(_status(obj), wide),
        "80, 443" if spec.get("tls") else "80",
    ]


def service_external_ip(obj: Obj, wide: bool = False) -> str:
    spec = _spec(obj)
    service_type = spec.get("type") or "ClusterIP"
    external = list(spec.get("externalIPs") or [])
    if service_type in ("ClusterIP", "NodePort"):
        return ",".join(external) or NONE
    if service_type == "LoadBalancer":
        balancer = load_balancer_text(_status(obj), wide)
        return ",".join([*external, *([balancer] if balancer else [])]) or "<pending>"
    if service_type == "ExternalName":
        return str(spec.get("externalName") or "")
    return "<unknown>"


def service_ports(ports: Sequence[Obj]) -> str:
    texts = []
    for port in ports:
        protocol = port.get("protocol") or "TCP"
        node_port = f":{port['nodePort']}" if port.get("nodePort") else ""
        texts.append(f"{port.get('port')}{node_port}/{protocol}")
    return ",".join(texts) or NONE


def _service_cells(obj: Obj, wide: bool = False) -> list[str]:
    spec = _spec(obj)
    return [
        spec.get("type") or "ClusterIP",
        spec.get("clusterIP") or NONE,
        service_external_ip(obj, wide),
        service_ports(spec.get("ports") or []),
    ]


def format_labels(labels: dict[str, str] | None) -> str:
    """As kubectl's labels.Set: the `key=value` pairs sorted as text."""
    return ",".join(sorted(f"{key}={value}" for key, value in labels.items())) if labels else NONE


def format_selector(selector: Obj | None) -> str:
    """A LabelSelector as kubectl prints it: requirements sorted by key."""
    if not selector:
        return NONE
    requirements = [
        (key, f"{key}={value}") for key, value in (selector.get("matchLabels") or {}).items()
    ]
    for expression in selector.get("matchExpressions") or []:
        requirements.append((expression.get("key", ""), _expression(expression)))
    return ",".join(text for _, text in sorted(requirements)) or NONE


def _expression(expression: Obj) -> str:
    key, operator = expression.get("key", ""), expression.get("operator")
    values = ",".join(sorted(expression.get("values") or []))
    if operator == "In":
        return f"{key} in ({values})"
    if operator == "NotIn":
        return f"{key} notin ({values})"
    return key if operator == "Exists" else f"!{key}"


def _replicaset_cells(obj: Obj, wide: bool = False) -> list[str]:
    spec, status = _spec(obj), _status(obj)
    return [
        str(spec.get("replicas", 1)),
        str(status.get("replicas") or 0),
        str(status.get("readyReplicas") or 0),
    ]


def _replicaset_wide(obj: Obj) -> list[str]:
    spec = _spec(obj)
    containers = ((spec.get("template") or {}).get("spec") or {}).get("containers") or []
    return [
        ",".join(str(container.get("name", "")) for container in containers),
        ",".join(str(container.get("image", "")) for container in containers),
        format_selector(spec.get("selector")),
    ]


COLUMNS: dict[str, Columns] = {
    INGRESS.kind: Columns(
        ("CLASS", "HOSTS", "ADDRESS", "PORTS"), (), _ingress_cells, lambda obj: []
    ),
    SERVICE.kind: Columns(
        ("TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)"),
        ("SELECTOR",),
        _service_cells,
        lambda obj: [format_labels(_spec(obj).get("selector"))],
    ),
    REPLICASET.kind: Columns(
        ("DESIRED", "CURRENT", "READY"),
        ("CONTAINERS", "IMAGES", "SELECTOR"),
        _replicaset_cells,
        _replicaset_wide,
    ),
}
