"""Every member and object check, in report order."""

from __future__ import annotations

from kubectl_fed.core.doctor.access import access_checks
from kubectl_fed.core.doctor.connectivity import connectivity_checks
from kubectl_fed.core.doctor.facts import Facts
from kubectl_fed.core.doctor.glbc import glbc_checks
from kubectl_fed.core.doctor.ingress import ingress_checks
from kubectl_fed.core.doctor.model import Check
from kubectl_fed.core.doctor.objects import object_checks
from kubectl_fed.core.doctor.ports import node_port_checks
from kubectl_fed.core.doctor.replicas import replica_checks
from kubectl_fed.core.doctor.terminating import terminating_checks
from kubectl_fed.core.doctor.tls import tls_checks


def run_checks(facts: Facts) -> list[Check]:
    """Every check but the `gce` ones, which need their own reads (see `gce.py`)."""
    return [
        *connectivity_checks(facts),
        *access_checks(facts),
        *object_checks(facts),
        *terminating_checks(facts),
        *node_port_checks(facts),
        *glbc_checks(facts),
        *ingress_checks(facts),
        *tls_checks(facts),
        *replica_checks(facts),
    ]
