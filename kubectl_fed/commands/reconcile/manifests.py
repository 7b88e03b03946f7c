"""`reconcile --print-manifests`: the manifests for this federation, from the run's settings."""

from __future__ import annotations

import yaml

from kubectl_fed.app import App
from kubectl_fed.core.members.membership import DEFAULT_FEDERATION
from kubectl_fed.render.reconciler_manifests import (
    DEFAULT_IMAGE,
    LoopSettings,
    reconciler_manifests,
    reconciler_objects,
)


def manifests_for(app: App, *, image: str = DEFAULT_IMAGE, loop: LoopSettings) -> str:
    """The YAML to print: the selected members' portable kubeconfig embedded, nothing sent."""
    members = app.members
    kubeconfig = yaml.safe_dump(app.kubeconfig.portable(members), sort_keys=False)
    objects = reconciler_objects(
        federation=app.federation or DEFAULT_FEDERATION,
        members=members,
        kubeconfig=kubeconfig,
        image=image,
        loop=loop,
    )
    return reconciler_manifests(objects)
