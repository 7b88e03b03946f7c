"""The tls-secret check: each Secret a federated Ingress terminates TLS with exists in every
member holding the Ingress (GLBC cannot build the HTTPS proxy of a member without it)."""

from __future__ import annotations

from kubectl_fed.core.doctor.facts import Facts, MemberFacts, object_label
from kubectl_fed.core.doctor.model import Check, Status, passed
from kubectl_fed.core.kinds import INGRESS, SECRET
from kubectl_fed.core.model.objects import Key


def tls_checks(facts: Facts) -> list[Check]:
    checks = []
    for key in facts.target.ingresses:
        holders = [m for m in facts.answered if m.find(INGRESS, key) is not None]
        for secret in _secret_names(holders, key):
            checks.append(_check(key, secret, holders))
    return checks


def _secret_names(holders: list[MemberFacts], key: Key) -> list[str]:
    names: dict[str, None] = {}
    for member in holders:
        ingress = member.find(INGRESS, key) or {}
        for tls in (ingress.get("spec") or {}).get("tls") or []:
            if isinstance(tls, dict) and tls.get("secretName"):
                names[str(tls["secretName"])] = None
    return list(names)


def _check(key: Key, secret: str, holders: list[MemberFacts]) -> Check:
    label = object_label(INGRESS, key)
    readable = [m for m in holders if SECRET.plural not in m.unreadable]
    missing = [m.cluster for m in readable if m.find(SECRET, (key[0], secret)) is None]
    having = [m.cluster for m in readable if m.cluster not in missing]
    if not missing:
        where = f"every member holding the ingress ({len(readable)})"
        return passed("tls-secret", f"secret {secret} is in {where}", obj=label)
    if having:
        fix = (
            f"kubectl --context={having[0]} -n {key[0]} get secret {secret} -o yaml "
            f"| kubectl fed apply -f -   (copies {having[0]}'s Secret to every member)"
        )
    else:
        fix = f"create secret {secret} in namespace {key[0]}: kubectl fed apply -f <its manifest>"
    return Check(
        "tls-secret",
        Status.FAIL,
        ", ".join(missing),
        label,
        f"secret {secret}, which terminates its TLS, is missing in {', '.join(missing)}",
        fix,
    )
