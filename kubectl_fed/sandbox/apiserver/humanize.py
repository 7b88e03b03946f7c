"""How kubectl shows durations, timestamps and label selectors (upstream's formats)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from kubectl_fed.render import age


def human_duration(delta: timedelta) -> str:
    """kubectl's AGE format (apimachinery's HumanDuration): `5s`, `3m10s`, `7h`, `2d3h`, `3y`.

    The very format kubectl-fed prints its own AGE column in: one function for both.
    """
    return age.human_duration(int(delta.total_seconds()))  # truncates toward zero, as Go's int()


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
