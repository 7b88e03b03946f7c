"""Root command group and the single mapping from errors to exit status.

Subcommands are registered by module path and imported only when used, so
`kubectl fed --help` stays fast and never imports the kubernetes client.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from kubectl_fed import __version__
from kubectl_fed.errors import FedError
from kubectl_fed.exit_status import ExitStatus

# name -> "module:attribute"; the order here is the order in --help.
COMMANDS: dict[str, str] = {
    "join": "kubectl_fed.commands.join:join",
    "unjoin": "kubectl_fed.commands.unjoin:unjoin",
    "clusters": "kubectl_fed.commands.clusters:clusters",
    "create": "kubectl_fed.commands.create:create",
    "apply": "kubectl_fed.commands.apply:apply",
    "get": "kubectl_fed.commands.get:get",
    "describe": "kubectl_fed.commands.describe:describe",
    "delete": "kubectl_fed.commands.delete:delete",
    "scale": "kubectl_fed.commands.scale:scale",
    "rebalance": "kubectl_fed.commands.rebalance:rebalance",
    "doctor": "kubectl_fed.commands.doctor:doctor",
    "version": "kubectl_fed.commands.version:version",
    "sandbox": "kubectl_fed.commands.sandbox:sandbox",
    "completion": "kubectl_fed.commands.completion:completion",
}

DEBUG_ENV = "KUBECTL_FED_DEBUG"


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when it is needed."""

    def __init__(self, *args: Any, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self._lazy, *sorted(set(super().list_commands(ctx)) - set(self._lazy))]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self._lazy.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, attribute = target.split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        return command


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
    """Run the CLI and turn every outcome into one of the documented exit statuses."""
    args = sys.argv[1:] if argv is None else argv
    try:
        status = cli.main(args=args, prog_name="kubectl fed", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("error: interrupted", err=True)
        sys.exit(ExitStatus.INTERRUPTED)
    except click.exceptions.NoArgsIsHelpError as err:
        # `kubectl fed` (or a command group) alone: its help, as kubectl prints its own
        click.echo(err.ctx.get_help() if err.ctx is not None else cli.get_help(click.Context(cli)))
        sys.exit(ExitStatus.OK)
    except click.UsageError as err:
        if err.ctx is not None:
            click.echo(err.ctx.get_usage(), err=True)
        click.echo(f"error: {err.format_message()}", err=True)
        sys.exit(ExitStatus.USAGE)
    except click.ClickException as err:
        click.echo(f"error: {err.format_message()}", err=True)
        sys.exit(ExitStatus.USAGE)
    except FedError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(err.status)
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        sys.exit(ExitStatus.INTERRUPTED)
    except Exception as err:  # last resort: one line, traceback only on request
        if debug_enabled(args):
            raise
        click.echo(f"error: internal error: {type(err).__name__}: {err}", err=True)
        click.echo(f"hint: set {DEBUG_ENV}=1 for the traceback", err=True)
        sys.exit(ExitStatus.FAILED)
    sys.exit(int(status) if isinstance(status, int) else ExitStatus.OK)
