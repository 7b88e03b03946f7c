"""The targets of the performance issue, and the results as a Markdown table."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

Results = dict[str, Any]

PARALLEL, SEQUENTIAL, ONE = "parallel kubectl", "sequential kubectl", "one kubectl get"
DESCRIBE_LOOP = "sequential kubectl describe"
# The round before: `get` must be no slower than it was there.
BASELINE = Path(__file__).resolve().parent / "results" / "2026-11-26.json"
# Limits at 200 members, 0 ms; at 50 ms each verb may take 1.5x its 0 ms figure.
VERB_LIMITS_200 = {
    "create -f examples": 2.0,
    "describe ingress": 2.0,
    "doctor": 3.0,
    "delete -f examples": 1.0,
}
LATENCY_FACTOR = 1.5


def ratios(tools: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Our median over each alternative's median."""
    ours = tools["kubectl fed"]["median_s"]
    return {
        f"vs {tool}": round(ours / summary["median_s"], 3)
        for tool, summary in tools.items()
        if tool != "kubectl fed"
    }


def targets(results: Results) -> list[dict[str, Any]]:
    """Each target of the issue that this run has data for: measured value, limit, met."""
    found: list[dict[str, Any]] = []

    def add(name: str, measured: float, limit: float, unit: str) -> None:
        found.append(
            {
                "target": name,
                "measured": measured,
                "limit": limit,
                "unit": unit,
                "met": measured <= limit,
            }
        )

    for row in results["get"]:
        n, latency, tools = row["clusters"], row["latency_ms"], row["tools"]
        ours, ratio = tools["kubectl fed"], row["ratios"]
        where = f"get, {n} clusters, {latency} ms"
        if (n, latency) == (13, 50):
            add(f"{where}: ours / parallel kubectl", ratio[f"vs {PARALLEL}"], 0.5, "x")
            add(f"{where}: ours / sequential loop", ratio[f"vs {SEQUENTIAL}"], 0.15, "x")
        if n == 200:
            add(f"{where}: wall (median)", ours["median_s"], 3.0, "s")
            add(f"{where}: ours / parallel kubectl", ratio[f"vs {PARALLEL}"], 0.3, "x")
            add(f"{where}: peak RSS", ours["peak_rss_mb"], 250.0, "MB")
        if (n, latency) == (3, 0):
            add(f"{where}: ours / one kubectl get", ratio[f"vs {ONE}"], 2.5, "x")
    _describe_targets(results.get("describe", []), add)
    _verb_targets(results["verbs"], add)
    _get_baseline_targets(results["get"], add)
    help_run = results["cold_start"].get("kubectl fed --help")
    if help_run:
        add("kubectl fed --help (median)", help_run["median_s"], 0.25, "s")
    version_run = results["cold_start"].get("kubectl fed version")
    if version_run:
        add("kubectl fed version (median)", version_run["median_s"], 0.15, "s")
    planner = [row for row in results["planner"] if row["name"].startswith("planner")]
    if planner:
        slowest = max(planner, key=lambda row: row["median_s"])
        add(f"slowest {slowest['name']} (median)", slowest["median_s"], 0.2, "s")
    for row in results["planner"]:
        if row["name"].startswith("node ports"):
            add(f"{row['name']} (median)", row["median_s"], 0.5, "s")
    return found


Add = Any  # add(name, measured, limit, unit)


def _describe_targets(rows: list[dict[str, Any]], add: Add) -> None:
    for row in rows:
        if (row["clusters"], row["latency_ms"]) != (3, 0):
            continue
        tools, loop = row["tools"], row["tools"][DESCRIBE_LOOP]["median_s"]
        describe, doctor = tools["kubectl fed describe"], tools["kubectl fed doctor"]
        where = "3 clusters, 0 ms"
        add(
            f"describe ingress, {where}: ours / kubectl describe loop",
            _over(describe, loop),
            1.0,
            "x",
        )
        add(f"describe ingress, {where}: peak RSS", describe["peak_rss_mb"], 60.0, "MB")
        add(f"doctor, {where}: ours / kubectl describe loop", _over(doctor, loop), 2.0, "x")


def _over(ours: dict[str, Any], seconds: float) -> float:
    median: float = ours["median_s"]
    return round(median / seconds, 3)


def _verb_targets(rows: list[dict[str, Any]], add: Add) -> None:
    at_200 = {row["latency_ms"]: row["verbs"] for row in rows if row["clusters"] == 200}
    for verb, limit in VERB_LIMITS_200.items():
        still = at_200.get(0, {}).get(verb)
        if still:
            add(f"{verb}, 200 clusters, 0 ms (median)", still["median_s"], limit, "s")
        slow = at_200.get(50, {}).get(verb)
        if still and slow:
            ratio = round(slow["median_s"] / still["median_s"], 3)
            add(f"{verb}, 200 clusters: 50 ms / 0 ms", ratio, LATENCY_FACTOR, "x")


def _get_baseline_targets(rows: list[dict[str, Any]], add: Add) -> None:
    """`get` no slower than the round before, at the same members and latency."""
    if not BASELINE.exists():
        return
    before = {
        (row["clusters"], row["latency_ms"]): row["tools"]["kubectl fed"]["median_s"]
        for row in json.loads(BASELINE.read_text())["get"]
    }
    for row in rows:
        key = (row["clusters"], row["latency_ms"])
        if key in before and key[0] in (3, 13, 200):
            where = f"get, {key[0]} clusters, {key[1]} ms: median vs {BASELINE.stem}"
            add(where, row["tools"]["kubectl fed"]["median_s"], before[key], "s")


def _time(summary: dict[str, Any]) -> str:
    spread = f"{summary['min_s']:.3f}-{summary['max_s']:.3f}"
    return f"{summary['median_s']:.3f} ({spread}, n={summary['runs']})"


def markdown(results: Results) -> str:
    """Every table of the run, with the machine and load it ran under."""
    meta = results["meta"]
    lines = [
        f"# kubectl fed benchmark, {meta['date']}",
        "",
        f"Machine: {meta['cpus']} CPUs, {meta['memory_gib']} GiB, {meta['platform']}; "
        f"Python {meta['python']}; kubectl {meta['kubectl']}.",
        f"Load average (1/5/15 min) before: {meta['load_before']}, after: {meta['load_after']}.",
        f"Conditions: {meta['conditions']}",
        "",
        "Seconds: median (min-max, n=runs). Ratios: our median / the alternative's median.",
        "",
        *_get_table(results["get"]),
        *_verb_table(results["verbs"]),
        *_describe_table(results.get("describe", [])),
        *_cost_table(results.get("describe", [])),
        *_simple_table("Start-up", results["cold_start"]),
        *_planner_table(results["planner"]),
        *_target_table(results["targets"]),
        *_failure_lines(results.get("failures", [])),
    ]
    return "\n".join(lines) + "\n"


def _table(title: str, head: str, rows: Iterable[Sequence[object]]) -> list[str]:
    """A Markdown section: `## title`, then a table headed `head` (`a | b`), one line a row."""
    headers = head.split(" | ")
    lines = [f"## {title}", "", _row(headers), "|" + "---|" * len(headers)]
    return [*lines, *(_row(row) for row in rows), ""]


def _row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _setting(row: dict[str, Any]) -> list[object]:
    """The first two cells of a row: its clusters and latency."""
    return [row["clusters"], f"{row['latency_ms']} ms"]


def _get_table(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return []
    alternatives = (SEQUENTIAL, PARALLEL, ONE)
    head = "clusters | latency | kubectl fed | RSS MB | sequential | parallel | one kubectl"
    lines = []
    for row in rows:
        tools, ratio = row["tools"], row["ratios"]
        ours = tools["kubectl fed"]
        compared = [f"{_time(tools[tool])} = {ratio[f'vs {tool}']}x" for tool in alternatives]
        lines.append([*_setting(row), _time(ours), ours["peak_rss_mb"], *compared])
    return _table("get ingress -A", head, lines)


def _verb_table(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return []
    verbs = list(rows[0]["verbs"])
    lines = [[*_setting(row), *(_time(row["verbs"][verb]) for verb in verbs)] for row in rows]
    return _table("Verbs (kubectl fed)", " | ".join(["clusters", "latency", *verbs]), lines)


def _describe_table(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return []
    head = "clusters | latency | kubectl describe loop | describe | doctor"
    lines = []
    for row in rows:
        tools = row["tools"]
        loop = tools[DESCRIBE_LOOP]["median_s"]
        ours = [
            f"{_time(tools[tool])} = {_over(tools[tool], loop)}x, {tools[tool]['peak_rss_mb']} MB"
            for tool in ("kubectl fed describe", "kubectl fed doctor")
        ]
        lines.append([*_setting(row), _time(tools[DESCRIBE_LOOP]), *ours])
    return _table("describe ingress and doctor against kubectl", head, lines)


def _cost_table(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return []
    head = "clusters | latency | verb | member requests | most to one member | GCE calls | RSS MB"
    counts = ("members_total", "per_member_max", "gce", "peak_rss_mb")
    lines = [
        [*_setting(row), verb, *(cost[count] for count in counts)]
        for row in rows
        for verb, cost in row["costs"].items()
    ]
    return _table("Requests and peak RSS per verb (one run each)", head, lines)


def _simple_table(title: str, series: dict[str, dict[str, Any]]) -> list[str]:
    lines = [[name, _time(s), s["peak_rss_mb"]] for name, s in series.items()]
    return _table(title, "command | seconds | peak RSS MB", lines)


def _planner_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [[row["name"], _time(row)] for row in rows]
    return _table("Planners (in process)", "scenario | seconds", lines)


def _target_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = []
    for row in rows:
        unit, met = row["unit"], "yes" if row["met"] else "NO"
        lines.append([row["target"], f"{row['measured']} {unit}", f"<= {row['limit']} {unit}", met])
    return _table("Targets", "target | measured | limit | met", lines)


def _failure_lines(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return []
    lines = ["## Failed measurements", ""]
    lines += [
        f"- {row['clusters']} clusters, {row['latency_ms']} ms: {row['error']}" for row in rows
    ]
    return [*lines, ""]
