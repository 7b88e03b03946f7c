"""Which candidates fit the word under the cursor.

click's own walk of the command tree (the one its shell completion uses) finds the
subcommand and the parameter being completed, with options parsed wherever they were
typed; the roles of core/completion.py then say where the values come from.
Subcommand modules are imported only when their name matches what was typed.
"""

from __future__ import annotations

from collections.abc import Sequence

import click
from click.shell_completion import _resolve_context, _resolve_incomplete

from kubectl_fed.completion.sources import Flags, Sources
from kubectl_fed.core.completion import (
    DIRECTORIES,
    FILES,
    MANIFEST_FILES,
    NOTHING,
    OPTION_ROLES,
    SLASH_FORM_COMMANDS,
    Candidate,
    Completions,
    Role,
    complete_comma_list,
    complete_values,
    kind_candidates,
    named_kinds,
    positional_role,
    replicaset_kind_candidates,
    slash_kinds,
    slash_names,
)

PROG_NAME = "kubectl fed"


def complete(words: Sequence[str], sources: Sources) -> Completions:
    """Candidates for the last of `words` (the word under the cursor, maybe empty)."""
    from kubectl_fed.cli import cli

    args, incomplete = list(words[:-1]), (words[-1] if words else "")
    ctx = _resolve_context(cli, {}, PROG_NAME, list(args))
    target, incomplete = _resolve_incomplete(ctx, list(args), incomplete)
    if isinstance(target, click.Argument):
        return _argument(ctx, target, incomplete, sources)
    if isinstance(target, click.Option):
        return _option_value(ctx, target, incomplete, sources)
    if not isinstance(target, click.Command):
        return NOTHING
    if incomplete.startswith("-"):
        return complete_values(_flags(ctx, target, incomplete), incomplete)
    if isinstance(target, click.Group):
        if _unknown_subcommand(ctx):
            return NOTHING
        return complete_values(_subcommands(ctx, target, incomplete), incomplete)
    return NOTHING


def _unknown_subcommand(ctx: click.Context) -> bool:
    """Words left over after the walk: they name no subcommand of this group."""
    return bool([*getattr(ctx, "_protected_args", []), *ctx.args])


def _flags(ctx: click.Context, command: click.Command, incomplete: str) -> list[Candidate]:
    items = click.Command.shell_complete(command, ctx, incomplete)  # options only, no commands
    return [Candidate(item.value, item.help or "") for item in items]


def _subcommands(ctx: click.Context, group: click.Group, incomplete: str) -> list[Candidate]:
    candidates = []
    for name in group.list_commands(ctx):
        if not name.startswith(incomplete):
            continue
        try:
            command = group.get_command(ctx, name)
        except Exception:  # a command that cannot load is still offered, without help
            command = None
        if command is None or not command.hidden:
            help_text = command.get_short_help_str(limit=80) if command else ""
            candidates.append(Candidate(name, help_text))
    return candidates


def _argument(
    ctx: click.Context, param: click.Argument, incomplete: str, sources: Sources
) -> Completions:
    command = ctx.info_name or ""
    typed = _positionals(ctx)
    role = positional_role(command, len(typed))
    if role is Role.NONE:
        return _by_type(param, incomplete)
    flags = Flags.from_params(ctx.params)
    if "/" in incomplete and command in SLASH_FORM_COMMANDS:
        kind_alias = incomplete.split("/", 1)[0]
        names = sources.object_names(flags, slash_kinds(command, kind_alias))
        return slash_names(kind_alias, names, incomplete)
    if role is Role.KINDS:
        return complete_comma_list(kind_candidates(), incomplete)
    if role is Role.KIND:
        return complete_values(kind_candidates(), incomplete)
    if role is Role.REPLICASET_KIND:
        return complete_values(replicaset_kind_candidates(), incomplete)
    values = _positional_values(role, typed, flags, sources)
    return complete_values([v for v in values if v not in typed], incomplete)


def _positional_values(role: Role, typed: list[str], flags: Flags, sources: Sources) -> list[str]:
    if role is Role.OBJECT_NAMES:
        return sources.object_names(flags, named_kinds(typed[0] if typed else None))
    if role is Role.MEMBERS:
        return sources.members(flags)
    if role is Role.NEW_MEMBERS:
        members = set(sources.members(flags))
        return [c for c in sources.contexts(flags) if c not in members]
    return []


def _option_value(
    ctx: click.Context, param: click.Option, incomplete: str, sources: Sources
) -> Completions:
    role = OPTION_ROLES.get(param.name or "", Role.NONE)
    flags = Flags.from_params(ctx.params)
    if role is Role.FILES:
        return FILES
    if role is Role.MANIFEST_FILES:
        return MANIFEST_FILES
    if role is Role.FEDERATIONS:
        return complete_values(sources.federations(), incomplete)
    if role is Role.CLUSTER_LIST:
        return complete_comma_list(sources.contexts(flags), incomplete, exclusions=True)
    if role is Role.NAMESPACES:
        return complete_values(sources.namespaces(flags), incomplete)
    return _by_type(param, incomplete)


def _by_type(param: click.Parameter, incomplete: str) -> Completions:
    """Values a parameter's click type knows: choices, files, directories; else none."""
    kind = param.type
    if isinstance(kind, click.Choice):
        return complete_values([str(choice) for choice in kind.choices], incomplete)
    if isinstance(kind, click.Path):
        return DIRECTORIES if kind.dir_okay and not kind.file_okay else FILES
    if isinstance(kind, click.File):
        return FILES
    return NOTHING


def _positionals(ctx: click.Context) -> list[str]:
    """The positional arguments parsed so far, in order."""
    typed: list[str] = []
    for param in ctx.command.get_params(ctx):
        value = ctx.params.get(param.name or "") if isinstance(param, click.Argument) else None
        if isinstance(value, list | tuple):
            typed.extend(str(item) for item in value)
        elif value is not None:
            typed.append(str(value))
    return typed
