"""The per-kind step that may rewrite a federated object for each member before it is sent.

Today every member gets the object as written. Node-port agreement, the GLBC UID and
replica splitting plug in here: each returns one object per member cluster.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from kubectl_fed.core.manifests import Manifest


def prepare(manifest: Manifest, members: Sequence[str]) -> dict[str, dict[str, Any]]:
    """One object per member cluster for `manifest`, in member order."""
    return {cluster: copy.deepcopy(manifest.obj) for cluster in members}
