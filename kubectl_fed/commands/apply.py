"""`kubectl fed apply -f FILE`."""

from __future__ import annotations

from kubectl_fed.commands.writes.federated import federated_write_command
from kubectl_fed.core.writes.plans import Verb

apply = federated_write_command(
    Verb.APPLY,
    """Create or update federated objects so every member cluster conforms.

    Objects are written with server-side apply (field manager kubectl-fed); members
    that already conform report "unchanged"; same-name objects made by someone else
    are adopted.

    \b
    Examples:
      kubectl fed apply -f myingress.yaml
      kubectl fed apply -R -f examples/ --dry-run=server
      kubectl fed get rs nginx -o yaml | kubectl fed apply -f -
    """,
)
