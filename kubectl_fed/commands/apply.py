"""`kubectl fed apply -f FILE`."""

from __future__ import annotations

from collections.abc import Sequence

import click

from kubectl_fed.commands.federated_write import federated_write_options, write_federated
from kubectl_fed.commands.federation_flags import FederationFlags
from kubectl_fed.commands.writing import write_options
from kubectl_fed.core.plans import Verb
from kubectl_fed.core.settings import Settings
from kubectl_fed.exit_status import ExitStatus


@click.command()
@federated_write_options
def apply(
    filenames: Sequence[str],
    recursive: bool,
    from_cluster: str | None,
    dry_run: str,
    no_adopt: bool,
    create_namespace: bool,
    federation_flags: FederationFlags,
    settings: Settings,
) -> ExitStatus:
    """Create or update federated objects so every member cluster conforms.

    Objects are written with server-side apply (field manager kubectl-fed); members
    that already conform report "unchanged"; same-name objects made by someone else
    are adopted.

    \b
    Examples:
      kubectl fed apply -f myingress.yaml
      kubectl fed apply -R -f examples/ --dry-run=server
      kubectl fed get rs nginx -o yaml | kubectl fed apply -f -
    """
    options = write_options(Verb.APPLY, dry_run, no_adopt, create_namespace)
    return write_federated(settings, filenames, recursive, options, federation_flags, from_cluster)
