"""Before create/apply writes anything: every object, as the first member would get it, is
sent once as a server-side dry-run create with `fieldValidation=Strict`.

A field the server does not know (a typo such as `spec.replcas`) or one given twice is
refused there, with exit 2, before any member is written. Every other answer (the object
exists, the namespace is missing, the member is unreachable) lets the run go on: the
writes themselves report it, member by member.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from kubectl_fed.core.members.protocols import ClusterBackend
from kubectl_fed.core.members.results import ClusterCallError, ClusterError, Reason
from kubectl_fed.core.writes.member import Desired
from kubectl_fed.render.cluster_errors import error_line

# How kube-apiserver words a strict decoding failure (400 on create).
_FIELD_ERROR = "strict decoding error"


def unknown_fields(backend: ClusterBackend, objects: Sequence[Desired]) -> list[str]:
    """One error line per object the member refuses for its fields; [] when none is."""
    lines = []
    for desired in objects:
        try:
            backend.create(desired.obj, dry_run=True)
        except ClusterCallError as err:
            if err.reason is Reason.INVALID and _FIELD_ERROR in err.message:
                refusal = ClusterError(err.reason, err.message)
                lines.append(error_line(backend.name, refusal, desired.target.subject))
    return lines


def refuse_unknown_fields(backend: ClusterBackend, objects: Sequence[Desired]) -> bool:
    """Print why, and True, when any object has an unknown or duplicate field."""
    lines = unknown_fields(backend, objects)
    for line in lines:
        click.echo(line, err=True)
    if lines:
        click.echo("error: nothing was written to any member", err=True)
    return bool(lines)
