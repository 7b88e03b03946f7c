"""`kubectl fed create -f FILE`."""

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
def create(
    filenames: Sequence[str],
    recursive: bool,
    from_cluster: str | None,
    dry_run: str,
    no_adopt: bool,
    create_namespace: bool,
    federation_flags: FederationFlags,
    settings: Settings,
) -> ExitStatus:
    """Create federated objects in every member cluster.

    An object already made by kubectl-fed in a member is an AlreadyExists error there;
    a same-name object made by someone else is adopted (updated to conform).

    \b
    Examples:
      kubectl fed create -f myingress.yaml
      kubectl fed create -R -f examples/ --dry-run=server
    """
    options = write_options(Verb.CREATE, dry_run, no_adopt, create_namespace)
    return write_federated(settings, filenames, recursive, options, federation_flags, from_cluster)
