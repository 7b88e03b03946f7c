"""`kubectl fed completion bash|zsh|fish`: the script that completes `kubectl-fed` itself."""

from __future__ import annotations

from importlib import resources

import click

SHELLS = ("bash", "zsh", "fish")


def script(shell: str) -> str:
    """The completion script for `shell`, shipped with the package."""
    folder = resources.files("kubectl_fed.completion") / "scripts"
    return (folder / f"kubectl-fed.{shell}").read_text(encoding="utf-8")


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print a completion script for kubectl-fed in bash, zsh or fish.

    The scripts ask `kubectl_complete-fed` (installed with the package) for candidates:
    subcommands, flags, kinds, contexts, federations and object names, the latter from
    the first member cluster that answers within a second or two. `kubectl fed <Tab>`
    works without them: kubectl itself (1.26 or later) runs `kubectl_complete-fed`.

    \b
    Examples:
      source <(kubectl fed completion bash)
      source <(kubectl fed completion zsh)
      kubectl fed completion fish | source
    """
    click.echo(script(shell), nl=False)
