"""`kubectl fed unjoin CONTEXT...`: remove members from a federation."""

from __future__ import annotations

import click

from kubectl_fed.app import App
from kubectl_fed.core.settings import Settings
from kubectl_fed.errors import UsageError
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.options import global_options


@click.command()
@click.argument("contexts", nargs=-1, required=True, metavar="CONTEXT...")
@global_options(outputs=("table",))
def unjoin(contexts: tuple[str, ...], settings: Settings) -> ExitStatus:
    """Remove members from the federation (the current one, or --federation).

    The clusters and their objects are left as they are; the contexts stay in
    kubeconfig. Removing a context that is not a member is harmless.

    \b
    Example:
      kubectl fed unjoin asia-east1
    """
    app = App(settings)
    with app.federations_locked() as before:
        name = app.federation
        if name is None:
            raise UsageError("no federation configured: nothing to unjoin")
        after, removed = before.unjoin(name, contexts)
        app.save_federations(after)
    for context in dict.fromkeys(contexts):
        outcome = "left" if context in removed else "is not a member of"
        click.echo(f'context "{context}" {outcome} federation "{name}"')
    return ExitStatus.OK
