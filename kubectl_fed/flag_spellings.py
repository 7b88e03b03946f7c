"""kubectl's flag spellings, turned into the ones click parses.

kubectl (cobra/pflag) accepts spellings click does not: `-o=json` and `-n=shop` (click
would read the value `=json`), booleans as `--wait=false`, and the global flags before
the subcommand (`kubectl fed -n shop get svc`). The arguments are rewritten before click
sees them; everything else (`-ojson`, `--output=json`, `-o json`) click already reads.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from kubectl_fed.options import GLOBAL_SWITCHES, GLOBAL_VALUE_FLAGS

_TRUE = frozenset({"1", "t", "T", "true", "TRUE", "True"})  # Go's strconv.ParseBool
_FALSE = frozenset({"0", "f", "F", "false", "FALSE", "False"})


def hoist_global_flags(args: Sequence[str]) -> list[str]:
    """Move the global flags given before the subcommand to the end (before any `--`).

    Every subcommand takes the global flags itself, anywhere among its arguments; the
    first argument that is not a global flag ends the leading ones.
    """
    leading: list[str] = []
    index = 0
    while index < len(args):
        taken = _global_flag_length(args, index)
        if not taken:
            break
        leading.extend(args[index : index + taken])
        index += taken
    rest = list(args[index:])
    if not leading or not rest:
        return [*leading, *rest]
    end = rest.index("--") if "--" in rest else len(rest)
    return [*rest[:end], *leading, *rest[end:]]


def _global_flag_length(args: Sequence[str], index: int) -> int:
    """How many arguments the global flag at `index` spans (0: not a global flag)."""
    token = args[index]
    name = token.split("=", 1)[0]
    if name in GLOBAL_SWITCHES:
        return 1
    if name in GLOBAL_VALUE_FLAGS:
        return 1 if "=" in token else min(2, len(args) - index)
    if not token.startswith("--") and token[:2] in GLOBAL_VALUE_FLAGS:
        return 1  # `-nshop`, `-ojson`
    return 0


def respell(params: Sequence[click.Parameter], args: Sequence[str]) -> list[str]:
    """A command's arguments with `-x=value` and `--flag=true|false` as click reads them."""
    options = {
        name: param
        for param in params
        if isinstance(param, click.Option)
        for name in (*param.opts, *param.secondary_opts)
    }
    out: list[str] = []
    index = 0
    while index < len(args):
        token = args[index]
        index += 1
        if token == "--":
            return [*out, token, *args[index:]]
        name, equals, value = token.partition("=")
        option = options.get(name) if token.startswith("-") else None
        if option is None:
            out.append(token)
        elif not equals:
            out.append(token)
            if _needs_value(option) and index < len(args):
                out.append(args[index])  # its value, kept as it is
                index += 1
        elif option.is_flag and option.flag_value is not None and option.is_bool_flag:
            out.extend(_boolean(option, name, value))
        elif not name.startswith("--"):
            out.extend([name, value])  # `-o=json`
        else:
            out.append(token)
    return out


def _needs_value(option: click.Option) -> bool:
    return not option.is_flag and not getattr(option, "_flag_needs_value", False)


def _boolean(option: click.Option, name: str, value: str) -> list[str]:
    if value not in _TRUE | _FALSE:
        raise click.UsageError(f'invalid argument "{value}" for "{name}" flag: want true or false')
    turns_on = (value in _TRUE) == (name in option.opts)  # `--no-wait=false` turns it on
    if turns_on:
        return [option.opts[0]]
    return option.secondary_opts[:1]  # a flag without a negative is simply left out
