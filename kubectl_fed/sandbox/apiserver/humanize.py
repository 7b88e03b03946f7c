"""How kubectl shows durations, timestamps and label selectors (upstream's formats)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any


def human_duration(delta: timedelta) -> str:
    """kubectl's AGE format (apimachinery's HumanDuration): `5s`, `3m10s`, `7h`, `2d3h`, `3y`."""
    total = delta.total_seconds()
    seconds = int(total)  # truncates toward zero, as Go's int() does
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 120:
        return f"{seconds}s"
    return _minutes_or_more(int(total // 60), seconds % 60)


def _minutes_or_more(minutes: int, second_of_minute: int) -> str:
    if minutes < 10:
        return f"{minutes}m{second_of_minute}s" if second_of_minute else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if hours < 24 * 8:
        return f"{days}d{hours % 24}h" if hours % 24 else f"{days}d"
    if hours < 24 * 365 * 2:
        return f"{days}d"
    if hours < 24 * 365 * 8:
        years, day_of_year = divmod(days, 365)
        return f"{years}y{day_of_year}d" if day_of_year else f"{years}y"
    return f"{days // 365}y"


def parse_timestamp(value: object) -> datetime | None:
    """An RFC 3339 API timestamp (`...Z`, optionally with fractional seconds), or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def since(value: object, now: datetime) -> str:
    """How long ago an API timestamp was, or `<unknown>` when it is unset."""
    moment = parse_timestamp(value)
    return "<unknown>" if moment is None else human_duration(now - moment)


def format_labels(labels: dict[str, str] | None) -> str:
    """A label map as `a=b,c=d` (sorted by key), `<none>` when empty."""
    pairs = sorted((labels or {}).items())
    return ",".join(f"{key}={value}" for key, value in pairs) or "<none>"


def format_label_selector(selector: dict[str, Any] | None) -> str:
    """A metav1.LabelSelector as kubectl prints it: `app=web,tier in (a,b)`; `<none>` if empty."""
    if not selector:
        return "<none>"
    requirements = [
        (key, f"{key}={value}") for key, value in (selector.get("matchLabels") or {}).items()
    ]
    for expression in selector.get("matchExpressions") or []:
        text = _format_expression(expression)
        if text is None:
            return "<error>"
        requirements.append((str(expression.get("key", "")), text))
    requirements.sort(key=lambda requirement: requirement[0])
    return ",".join(text for _, text in requirements) or "<none>"


def _format_expression(expression: dict[str, Any]) -> str | None:
    key, operator = expression.get("key", ""), expression.get("operator")
    values = sorted(expression.get("values") or [])
    if operator in ("In", "NotIn") and values:
        word = "in" if operator == "In" else "notin"
        return f"{key} {word} ({','.join(values)})"
    if operator in ("Exists", "DoesNotExist") and not values:
        return key if operator == "Exists" else f"!{key}"
    return None
