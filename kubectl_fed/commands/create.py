"""`kubectl fed create -f FILE`."""

from __future__ import annotations

from kubectl_fed.commands.writes.federated import federated_write_command
from kubectl_fed.core.writes.plans import Verb

create = federated_write_command(
    Verb.CREATE,
    """Create federated objects in every member cluster.

    An object already made by kubectl-fed in a member is an AlreadyExists error there;
    a same-name object made by someone else is adopted (updated to conform).

    \b
    Examples:
      kubectl fed create -f myingress.yaml
      kubectl fed create -R -f examples/ --dry-run=server
    """,
)
