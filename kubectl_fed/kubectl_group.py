"""Command groups that parse and complain as kubectl does.

Their commands read kubectl's flag spellings (kubectl_fed.flag_spellings); an unknown
command gets kubectl's "Did you mean this?"; and every usage error is printed in
kubectl's shape: `error: unknown flag: --foo`, then `See 'kubectl fed get --help' for usage.`
"""

from __future__ import annotations

import click

from kubectl_fed.flag_spellings import respell


class UnknownCommand(click.UsageError):
    """kubectl's error for an unknown command, with the close names it knows."""

    def __init__(self, name: str, ctx: click.Context, known: list[str]) -> None:
        from kubectl_fed.core.suggest import did_you_mean

        super().__init__(f'unknown command "{name}" for "{ctx.command_path}"', ctx)
        self.hint = did_you_mean(name, known)


class KubectlGroup(click.Group):
    """A group whose commands read kubectl's flag spellings and name close commands."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        unknown = name and not name.startswith("-") and self.get_command(ctx, name) is None
        if unknown and not ctx.resilient_parsing:  # completion resolves quietly
            raise UnknownCommand(name, ctx, list(self.list_commands(ctx)))
        found, command, rest = super().resolve_command(ctx, args)
        if command is not None and not isinstance(command, click.Group):
            rest = respell(command.params, rest)
        return found, command, rest


def usage_error_lines(err: click.UsageError) -> list[str]:
    """A usage error as kubectl prints it: the error, then where the usage is."""
    if isinstance(err, click.NoSuchOption):
        lines = [f"error: unknown flag: {err.option_name}"]
    else:
        lines = [f"error: {err.format_message()}"]
    if isinstance(err, UnknownCommand) and err.hint:
        lines += ["", err.hint.rstrip("\n"), ""]
    if err.ctx is not None:
        verb = "Run" if isinstance(err, UnknownCommand) else "See"
        lines.append(f"{verb} '{err.ctx.command_path} --help' for usage.")
    return lines
