"""The one-line note for a kind the members serve that is not federated (found by discovery)."""

from __future__ import annotations

from collections.abc import Iterable

import click

from kubectl_fed.core.kinds import Kind


def note_unfederated(kinds: Iterable[Kind]) -> None:
    for kind in dict.fromkeys(kind for kind in kinds if not kind.federated):
        click.echo(
            f"note: {kind.qualified_plural} are not federated: sent to every member as "
            "written, with no federation semantics",
            err=True,
        )
