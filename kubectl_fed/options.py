"""The shared decorator that gives every subcommand the global flags.

They are listed in README.md, "Command reference".

kubectl passes no global flags to plugins, so each subcommand accepts them itself,
before or after its arguments. The parsed values are handed to the command as one
`settings: Settings` keyword argument.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, TypeVar

import click

from kubectl_fed.core.model.limits import MAX_SECONDS
from kubectl_fed.core.settings import DEFAULT_REQUEST_TIMEOUT, OUTPUT_FORMATS, Settings

F = TypeVar("F", bound=Callable[..., Any])

_GLOBAL_NAMES = (
    "kubeconfig",
    "federation",
    "clusters",
    "namespace",
    "all_namespaces",
    "output",
    "request_timeout",
    "parallelism",
    "debug",
)


_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


class Duration(click.ParamType):  # type: ignore[type-arg]
    """A duration as kubectl's flags take it: `500ms`, `10s`, `2m`, `1h`, `1m30s`; a bare
    number is seconds. Converted to seconds: positive, at most a day (MAX_SECONDS)."""

    name = "duration"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, float):
            return value
        seconds = parse_duration(str(value))
        if seconds is None or not 0 < seconds <= MAX_SECONDS:
            self.fail(
                f"{value!r} is not a positive duration of at most {MAX_SECONDS:g} seconds, a day "
                "(e.g. 500ms, 10s, 2m)",
                param,
                ctx,
            )
        return seconds


def parse_duration(text: str) -> float | None:
    text = text.strip()
    try:
        return float(text) if text[-1:].isdigit() or text.endswith(".") else _units(text)
    except ValueError:
        return None


def _units(text: str) -> float:
    import re

    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        raise ValueError(text)
    return sum(float(number) * _UNITS[unit] for number, unit in parts)


DURATION = Duration()


def positive_seconds(ctx: click.Context, param: click.Parameter, value: float) -> float:
    """Click callback for a duration flag: zero, negative, nan, inf or over a day is a
    usage error."""
    if not (math.isfinite(value) and 0 < value <= MAX_SECONDS):
        raise click.BadParameter(f"must be a positive number of seconds, at most {MAX_SECONDS:g}")
    return value


def delay_seconds(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """Click callback for an optional delay: zero is allowed, the rest as `positive_seconds`."""
    if value is None or value == 0:
        return value
    return positive_seconds(ctx, param, value)


class OutputFormat(click.Choice):  # type: ignore[type-arg]
    """`-o`: one of the command's formats, or `FORMAT=ARGUMENT` for a template format
    (completion offers `FORMAT=` for those)."""

    name = "format"

    def __init__(self, formats: tuple[str, ...], templates: tuple[str, ...] = ()) -> None:
        super().__init__([*formats, *(f"{name}=" for name in templates)])
        self.formats = formats
        self.templates = templates

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        shown = [*self.formats, *(f"{name}=..." for name in self.templates)]
        return "[" + "|".join(shown) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value)
        name, equals, argument = text.partition("=")
        if text in self.formats or (name in self.templates and equals and argument):
            return text
        if name in self.templates:
            self.fail(f"{name} format specified but no template given", param, ctx)
        allowed = ", ".join([*self.formats, *(f"{t}=..." for t in self.templates)])
        self.fail(
            f"unable to match a printer suitable for the output format {text!r}, "
            f"allowed formats are: {allowed}",
            param,
            ctx,
        )


def global_options(
    outputs: tuple[str, ...] = OUTPUT_FORMATS, templates: tuple[str, ...] = ()
) -> Callable[[F], F]:
    """Add the global flags; `outputs` narrows `-o` for commands that print less, `templates`
    adds kubectl's `-o jsonpath=...` and friends where the command prints them."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            values = {name: kwargs.pop(name) for name in _GLOBAL_NAMES}
            return func(*args, settings=Settings(**values), **kwargs)

        options = [
            click.option(
                "--kubeconfig",
                type=click.Path(dir_okay=False),
                default=None,
                help="Kubeconfig file (default: $KUBECONFIG or ~/.kube/config).",
            ),
            click.option(
                "--federation",
                default=None,
                metavar="NAME",
                help="Saved member set to use (default: the current one).",
            ),
            click.option(
                "--clusters",
                default=None,
                metavar="LIST",
                help="Comma list of contexts or globs; '!glob' excludes.",
            ),
            click.option(
                "-n", "--namespace", default=None, help="Namespace (default: the context's)."
            ),
            click.option("-A", "--all-namespaces", is_flag=True, help="All namespaces."),
            click.option(
                "-o",
                "--output",
                type=OutputFormat(outputs, templates),
                default=outputs[0],
                show_default=True,
                help="Output format.",
            ),
            click.option(
                "--request-timeout",
                type=DURATION,
                default=DEFAULT_REQUEST_TIMEOUT,
                metavar="DURATION",
                help="Per-cluster bound on each call, e.g. 500ms, 5s, 1m (default 10s).",
            ),
            click.option(
                "--parallelism",
                type=click.IntRange(min=1),
                default=None,
                metavar="N",
                help="Concurrent clusters (default: all, at most 64).",
            ),
            click.option(
                "--debug",
                is_flag=True,
                envvar="KUBECTL_FED_DEBUG",
                help="Show tracebacks and request logs (never credentials).",
            ),
        ]
        for option in reversed(options):
            wrapper = option(wrapper)
        return wrapper  # type: ignore[return-value]

    return decorate


def _global_flag_spellings() -> tuple[frozenset[str], frozenset[str]]:
    """The global flags' spellings: (those that take a value, the switches)."""
    probe = global_options()(lambda **_: None)
    params = list(getattr(probe, "__click_params__", []))
    options = [param for param in params if isinstance(param, click.Option)]
    takes_value = {name for option in options if not option.is_flag for name in option.opts}
    switches = {name for option in options if option.is_flag for name in option.opts}
    return frozenset(takes_value), frozenset(switches)


GLOBAL_VALUE_FLAGS, GLOBAL_SWITCHES = _global_flag_spellings()
