"""The `connectivity` and `membership` checks (docs/doctor.md): every member reachable
(each failure named precisely) and Active."""

from __future__ import annotations

from collections.abc import Sequence

from kubectl_fed.core.doctor.facts import Facts, MemberFacts
from kubectl_fed.core.doctor.model import Check, Status, passed
from kubectl_fed.core.members.results import ClusterError, Reason

KUBECONFIG_PREFIX = "kubeconfig: "
# (words in the backend's message, what doctor calls it, what to do about it)
_TLS_CAUSES = (
    (
        ("unable to get local issuer", "self-signed", "self signed", "unknown ca"),
        "TLS: the server's certificate is signed by an unknown authority",
        "check certificate-authority-data of the context's cluster in kubeconfig",
    ),
    (
        ("hostname mismatch", "ip address mismatch", "doesn't match", "not valid for"),
        "TLS: the server's certificate does not name the server address",
        "use the server name the certificate was issued for (cluster.server in kubeconfig)",
    ),
    (
        ("expired",),
        "TLS: the server's certificate has expired",
        "renew the API server's certificate, or fix this machine's clock",
    ),
)


def diagnose(error: ClusterError) -> tuple[str, str]:
    """(what went wrong, in words a person recognises; what to do)."""
    text = error.message.lower()
    if text.startswith(KUBECONFIG_PREFIX):
        return error.message, "complete the context in kubeconfig (see: kubectl config view)"
    if error.reason is Reason.UNAUTHORIZED:
        return (
            f"401 Unauthorized: the credentials were rejected ({error.message})",
            "refresh the context's credentials (token, client certificate or exec plugin)",
        )
    if error.reason is Reason.FORBIDDEN:
        return f"403 Forbidden: {error.message}", "ask the cluster admin for read access"
    if error.reason is Reason.TIMEOUT or "timed out" in text:
        return (
            f"timeout: {error.message}",
            "check the network path to the server, or raise --request-timeout",
        )
    if "resolve" in text:
        return (
            "DNS: cannot resolve the server's host name",
            "check cluster.server in kubeconfig and DNS",
        )
    if "refused" in text:
        return (
            "connection refused: nothing listens at the server address",
            "check that the API server runs and cluster.server is right",
        )
    for words, cause, fix in _TLS_CAUSES:
        if "certificate" in text and any(word in text for word in words):
            return f"{cause} ({error.message})", fix
    if "tls" in text or "certificate" in text or "ssl" in text:
        return (
            f"TLS: {error.message}",
            "check the server's certificate and certificate-authority-data",
        )
    return f"{error.reason.value}: {error.message}", "check the server address and network"


def connectivity(member: MemberFacts) -> Check:
    if member.error is None:
        return passed(
            "connectivity",
            f"reachable at {member.server}: Kubernetes {member.version}",
            member.cluster,
        )
    cause, fix = diagnose(member.error)
    where = f" at {member.server}" if member.server else ""
    return Check(
        "connectivity",
        Status.FAIL,
        member.cluster,
        None,
        f"cannot talk to the API server{where}: {cause}",
        f"{fix}; then try: kubectl --context={member.cluster} version",
    )


def membership(members: Sequence[MemberFacts]) -> Check:
    inactive = [m for m in members if not m.ok]
    total = len(members)
    if not inactive:
        return passed("membership", f"{total} of {total} members Active")
    names = ", ".join(m.cluster for m in inactive)
    states = ", ".join(f"{m.cluster} {m.error.reason.value if m.error else '?'}" for m in inactive)
    first = inactive[0].cluster
    return Check(
        "membership",
        Status.FAIL,
        names,
        None,
        f"{total - len(inactive)} of {total} members Active; not Active: {states}",
        f"fix the connectivity failures above, or leave the member out: kubectl fed unjoin {first}",
    )


def connectivity_checks(facts: Facts) -> list[Check]:
    return [*(connectivity(m) for m in facts.members), membership(facts.members)]
