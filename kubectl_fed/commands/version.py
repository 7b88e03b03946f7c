"""`kubectl fed version`."""

from importlib import metadata

import click

from kubectl_fed import __version__


def _distribution_version(name: str) -> str:
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
