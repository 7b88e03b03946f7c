"""`kubectl fed sandbox up|status|down|fail|heal`: a local simulated federation to try things on.

Local only: these commands never talk to a real cluster.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kubectl_fed.kubectl_group import KubectlGroup
from kubectl_fed.options import delay_seconds
from kubectl_fed.sandbox.apiserver.faults import FAULT_MODES
from kubectl_fed.sandbox.state import DIR_ENV, GLBC_MODES, default_directory, sandbox_command

if TYPE_CHECKING:
    from kubectl_fed.sandbox.lifecycle import Started

_DIR_HELP = (
    f"Where the sandbox keeps its files (default: ${DIR_ENV} or ~/.kube/kubectl-fed-sandbox)."
)


_dir_option = click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=_DIR_HELP,
)


def _directory(directory: Path | None) -> Path:
    return (directory or default_directory()).expanduser().resolve()


@click.group(cls=KubectlGroup)
def sandbox() -> None:
    """Run simulated clusters on this machine (no cloud account needed).

    \b
    Example:
      eval "$(kubectl fed sandbox up)"
      kubectl fed clusters
      kubectl fed sandbox fail europe-west1 --mode unreachable
      kubectl fed sandbox down
    """


@sandbox.command()
@click.option(
    "--clusters",
    type=click.IntRange(1, 500),
    default=3,
    show_default=True,
    help="Number of member clusters.",
)
@click.option(
    "--latency",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    metavar="MS",
    help="Delay added to every API request, in milliseconds.",
)
@click.option(
    "--glbc",
    type=click.Choice(GLBC_MODES),
    default="current",
    show_default=True,
    help="Which ingress controller the clusters run: today's GKE one, or 'legacy', the "
    "Federated Ingress guide's 2016 one (a missing Service's paths go to the default backend).",
)
@_dir_option
def up(clusters: int, latency: int, glbc: str, directory: Path | None) -> None:
    """Start the clusters in the background and print the shell exports to use them.

    \b
    Example:
      eval "$(kubectl fed sandbox up --clusters 5)"
    """
    from kubectl_fed.sandbox import lifecycle

    started = lifecycle.up(_directory(directory), clusters, latency, glbc)
    _print_exports(started)
    names = ", ".join(started.clusters)
    running = f"{len(started.clusters)} clusters running (pid {started.pid}): {names}"
    if started.already_running:
        click.echo(f"sandbox: already running in {started.directory}: {running}", err=True)
    else:
        click.echo(f"sandbox: {running}", err=True)
    stop = sandbox_command("down", started.directory)
    click.echo(f"sandbox: federation 'sandbox' written; stop it with: {stop}", err=True)


def _print_exports(started: Started) -> None:
    click.echo(f"export KUBECONFIG={shlex.quote(str(started.kubeconfig))}")
    click.echo(f"export KUBECTL_FED_CONFIG={shlex.quote(str(started.membership))}")
    click.echo(f"export {DIR_ENV}={shlex.quote(str(started.directory))}")
    if started.gce_endpoint:  # the emulated Compute API that `describe`/`doctor` read
        click.echo(f"export KUBECTL_FED_GCE_ENDPOINT={shlex.quote(started.gce_endpoint)}")
        click.echo(f"export GOOGLE_CLOUD_PROJECT={shlex.quote(started.gcp_project)}")


@sandbox.command()
@_dir_option
def status(directory: Path | None) -> None:
    """Show whether a sandbox is running, its clusters and their faults."""
    from kubectl_fed.sandbox import lifecycle

    where = _directory(directory)
    state, clusters = lifecycle.status(where)
    click.echo(f"sandbox: running (pid {state.pid}) in {where}")
    width = max(len("CLUSTER"), *(len(c["name"]) for c in clusters))
    click.echo(f"{'CLUSTER':<{width}}   {'SERVER':<24}   FAULT")
    for cluster in clusters:
        click.echo(
            f"{cluster['name']:<{width}}   {cluster['server']:<24}   {cluster['fault'] or '-'}"
        )


@sandbox.command()
@_dir_option
def down(directory: Path | None) -> None:
    """Stop the sandbox and remove its kubeconfig, membership and state files."""
    from kubectl_fed.sandbox import lifecycle

    where = _directory(directory)
    pid = lifecycle.down(where)
    click.echo(f"sandbox: stopped (pid {pid}); removed its files from {where}", err=True)


@sandbox.command()
@click.argument("context")
@click.option(
    "--mode", type=click.Choice(FAULT_MODES), required=True, help="How the cluster misbehaves."
)
@click.option(
    "--seconds",
    type=float,
    default=None,
    callback=delay_seconds,
    help="Delay per request for --mode slow (default 30).",
)
@click.option(
    "--code",
    type=click.Choice(["500", "503"]),
    default=None,
    help="Status answered for --mode error (default 503).",
)
@_dir_option
def fail(
    context: str, mode: str, seconds: float | None, code: str | None, directory: Path | None
) -> None:
    """Make one sandbox cluster misbehave until `heal`.

    \b
    Example:
      kubectl fed sandbox fail asia-east1 --mode throttle
    """
    from kubectl_fed.sandbox import lifecycle

    lifecycle.fail(_directory(directory), context, mode, seconds, int(code) if code else None)
    click.echo(f"sandbox: {context} now fails ({mode})", err=True)


@sandbox.command()
@click.argument("context")
@_dir_option
def heal(context: str, directory: Path | None) -> None:
    """Make a failed sandbox cluster answer normally again (its data is intact)."""
    from kubectl_fed.sandbox import lifecycle

    lifecycle.heal(_directory(directory), context)
    click.echo(f"sandbox: {context} healed", err=True)
