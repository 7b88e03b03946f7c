"""Root command group and the single mapping from errors to exit status.

Subcommands are registered by module path and imported only when used, so
`kubectl fed --help` stays fast and never imports the kubernetes client.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
from collections.abc import Callable
from gettext import gettext as _
from typing import Any, NamedTuple

import click

from kubectl_fed import __version__
from kubectl_fed.errors import FedError
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.flag_spellings import hoist_global_flags
from kubectl_fed.kubectl_group import KubectlGroup, usage_error_lines


class LazyCommand(NamedTuple):
    """Where a subcommand lives, and its summary for the root help."""

    target: str  # "module:attribute"
    summary: str  # the first sentence of the command's help, listed in full (never cut)


# name -> where it lives and its summary; the order here is the order in --help.
# The root help lists the summaries without importing any command module.
COMMANDS: dict[str, LazyCommand] = {
    "join": LazyCommand(
        "kubectl_fed.commands.join:join",
        "Add kubeconfig contexts to a federation (created if new).",
    ),
    "unjoin": LazyCommand(
        "kubectl_fed.commands.unjoin:unjoin",
        "Remove members from the federation (the current one, or --federation).",
    ),
    "clusters": LazyCommand(
        "kubectl_fed.commands.clusters:clusters",
        "List the member clusters with their status, version, zones and GLBC UID.",
    ),
    "create": LazyCommand(
        "kubectl_fed.commands.create:create",
        "Create federated objects in every member cluster.",
    ),
    "apply": LazyCommand(
        "kubectl_fed.commands.apply:apply",
        "Create or update federated objects so every member cluster conforms.",
    ),
    "get": LazyCommand(
        "kubectl_fed.commands.get.command:get",
        "Show federated objects as every member cluster has them.",
    ),
    "describe": LazyCommand(
        "kubectl_fed.commands.describe:describe",
        "Show a federated object: its status folded from every member cluster.",
    ),
    "diff": LazyCommand(
        "kubectl_fed.commands.diff:diff",
        "Show, per member cluster, what apply -f would change (exit 1 when anything would).",
    ),
    "delete": LazyCommand(
        "kubectl_fed.commands.delete:delete",
        "Delete federated objects from every member cluster.",
    ),
    "unfederate": LazyCommand(
        "kubectl_fed.commands.unfederate:unfederate",
        "Make the federation forget objects: its markers leave every member's copy, the "
        "copies stay.",
    ),
    "scale": LazyCommand(
        "kubectl_fed.commands.replicas.scale:scale",
        "Set a federated ReplicaSet's or Deployment's total and split it over the members again.",
    ),
    "rebalance": LazyCommand(
        "kubectl_fed.commands.replicas.rebalance:rebalance",
        "Split a ReplicaSet's or Deployment's replicas again over the members available now.",
    ),
    "reconcile": LazyCommand(
        "kubectl_fed.commands.reconcile.command:reconcile",
        "Converge every member to the federation's recorded desired state.",
    ),
    "doctor": LazyCommand(
        "kubectl_fed.commands.doctor.command:doctor",
        "Check the federation and its ingresses; name each cause and its fix.",
    ),
    "version": LazyCommand(
        "kubectl_fed.commands.version:version",
        "Print the plugin version and the Kubernetes client library version.",
    ),
    "sandbox": LazyCommand(
        "kubectl_fed.commands.sandbox:sandbox",
        "Run simulated clusters on this machine (no cloud account needed).",
    ),
    "completion": LazyCommand(
        "kubectl_fed.commands.completion:completion",
        "Print a completion script for kubectl-fed in bash, zsh or fish.",
    ),
}

DEBUG_ENV = "KUBECTL_FED_DEBUG"


class LazyGroup(KubectlGroup):
    """A group that imports a subcommand's module only when it is needed.

    Its own help lists each lazy subcommand by its summary, so `kubectl fed
    --help` imports no subcommand module at all.
    """

    def __init__(self, *args: Any, lazy: dict[str, LazyCommand], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self._lazy, *sorted(set(super().list_commands(ctx)) - set(self._lazy))]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        lazy = self._lazy.get(cmd_name)
        if lazy is None:
            return super().get_command(ctx, cmd_name)
        module_name, attribute = lazy.target.split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        if command.short_help is None:  # listed in full, as the root help lists it
            command.short_help = lazy.summary
        return command

    def listed_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command as the help listing shows it: a stand-in carrying its summary if lazy."""
        lazy = self._lazy.get(cmd_name)
        if lazy is None:
            return super().get_command(ctx, cmd_name)
        return click.Command(cmd_name, help=lazy.summary, short_help=lazy.summary)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the subcommands as click does, without importing the lazy ones."""
        listed = [(name, self.listed_command(ctx, name)) for name in self.list_commands(ctx)]
        rows = [(name, command) for name, command in listed if command and not command.hidden]
        if not rows:
            return
        limit = formatter.width - 6 - max(len(name) for name, _command in rows)
        helps = [(name, command.get_short_help_str(limit)) for name, command in rows]
        with formatter.section(_("Commands")):
            formatter.write_dl(helps)


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "--version", prog_name="kubectl-fed")
def cli() -> None:
    """Federate Ingresses, Services and ReplicaSets across the clusters of your kubeconfig.

    Every command fans out to each member cluster in parallel and reports
    every cluster's outcome.
    """


def debug_enabled(argv: list[str]) -> bool:
    return "--debug" in argv or os.environ.get(DEBUG_ENV, "") not in ("", "0")


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and turn every outcome into one of the documented exit statuses.

    SIGTERM is handled as Ctrl-C: the run stops waiting, reports what is known per
    member, stops credential plugins and exits 130.
    """
    args = sys.argv[1:] if argv is None else argv
    for stream in (sys.stdout, sys.stderr):  # a lone surrogate from a member: shown escaped
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    previous = _terminate_as_interrupt()
    try:
        _main(args)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _terminate_as_interrupt() -> signal.Handlers | Callable[..., Any] | int | None:
    """Make SIGTERM raise KeyboardInterrupt; the handler it replaces (None: not replaced)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, signal.default_int_handler)


def _main(args: list[str]) -> None:
    try:
        status = cli.main(
            args=hoist_global_flags(args), prog_name="kubectl fed", standalone_mode=False
        )
    except click.exceptions.Abort:
        click.echo("error: interrupted", err=True)
        sys.exit(ExitStatus.INTERRUPTED)
    except click.exceptions.NoArgsIsHelpError as err:
        # `kubectl fed` (or a command group) alone: its help, as kubectl prints its own
        click.echo(err.ctx.get_help() if err.ctx is not None else cli.get_help(click.Context(cli)))
        sys.exit(ExitStatus.OK)
    except click.UsageError as err:
        for line in usage_error_lines(err):
            click.echo(line, err=True)
        sys.exit(ExitStatus.USAGE)
    except click.ClickException as err:
        click.echo(f"error: {err.format_message()}", err=True)
        sys.exit(ExitStatus.USAGE)
    except FedError as err:  # it may quote a file or a member: shown escaped
        click.echo(f"error: {_escaped(str(err))}", err=True)
        sys.exit(err.status)
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        sys.exit(ExitStatus.INTERRUPTED)
    except Exception as err:  # last resort: one line, traceback only on request
        if debug_enabled(args):
            raise
        click.echo(f"error: internal error: {type(err).__name__}: {_escaped(str(err))}", err=True)
        click.echo(f"hint: set {DEBUG_ENV}=1 for the traceback", err=True)
        sys.exit(ExitStatus.FAILED)
    sys.exit(int(status) if isinstance(status, int) else ExitStatus.OK)


def _escaped(text: str) -> str:
    from kubectl_fed.core.escaping import escaped  # only errors need it: --help stays light

    return escaped(text)
