"""`kubectl fed version`."""

import os
import sys

import click

from kubectl_fed import __version__


def _distribution_version(name: str) -> str:
    """The version in the installed `<name>-<version>.dist-info` directory's name (the
    packaging spec's layout): importlib.metadata would cost a fifth of the command."""
    prefix = f"{name}-"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for found in names:
            version = found.removeprefix(prefix)
            if found.startswith(prefix) and version[:1].isdigit() and found.endswith(".dist-info"):
                return version.removesuffix(".dist-info")
    return _from_metadata(name)


def _from_metadata(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


@click.command()
def version() -> None:
    """Print the plugin version and the Kubernetes client library version.

    \b
    Example:
      kubectl fed version
    """
    click.echo(f"kubectl-fed: v{__version__}")
    click.echo(f"kubernetes client: v{_distribution_version('kubernetes')}")
