"""`kubectl fed join CONTEXT...`: add kubeconfig contexts to a federation."""

from __future__ import annotations

import click

from kubectl_fed.app import App
from kubectl_fed.core.members.membership import DEFAULT_FEDERATION
from kubectl_fed.core.settings import Settings
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.options import global_options


@click.command()
@click.argument("contexts", nargs=-1, required=True, metavar="CONTEXT...")
@global_options(outputs=("table",))
def join(contexts: tuple[str, ...], settings: Settings) -> ExitStatus:
    """Add kubeconfig contexts to a federation (created if new).

    The first federation created becomes the current one. Joining a member
    again is harmless. Nothing is sent to the clusters.

    \b
    Examples:
      kubectl fed join us-central1 europe-west1 asia-east1
      kubectl fed join us-east1 --federation prod
    """
    app = App(settings)
    for context in contexts:
        app.kubeconfig.check_context(context)
    with app.federations_locked() as before:
        name = settings.federation or before.current or DEFAULT_FEDERATION
        after, added = before.join(name, contexts)
        app.save_federations(after)
    if name not in before.federations:
        current = " (current)" if after.current == name else ""
        click.echo(f'federation "{name}" created{current}')
    for context in dict.fromkeys(contexts):
        outcome = "joined" if context in added else "is already a member of"
        click.echo(f'context "{context}" {outcome} federation "{name}"')
    return ExitStatus.OK
