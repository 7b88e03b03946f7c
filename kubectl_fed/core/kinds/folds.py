"""The status folds the kinds declare, each importing its status module only when a command
folds (describe, doctor), so that `get` and the writes never load them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubectl_fed.core.kinds.spec import Fold


def ingress(members: Sequence[Any]) -> Any:
    from kubectl_fed.core.status.ingress import ingress_status

    return ingress_status(members)


def service(members: Sequence[Any]) -> Any:
    from kubectl_fed.core.status.service import service_status

    return service_status(members)


def replicas(kind_word: str) -> Fold:
    """The replica split's status: each member's desired, current, ready replicas."""

    def fold(members: Sequence[Any]) -> Any:
        from kubectl_fed.core.replicas.status import replicaset_status

        return replicaset_status(members, kind_word)

    return fold


def copies(kind_word: str) -> Fold:
    """Which members hold a copy, and whether each is the first copy's content."""

    def fold(members: Sequence[Any]) -> Any:
        from kubectl_fed.core.status.copies import copies_status

        return copies_status(members, kind_word)

    return fold
