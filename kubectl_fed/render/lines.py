"""The one-line-per-cluster result lines of mutating verbs, and error lines for stderr."""

from __future__ import annotations

import re

from kubectl_fed.core.results import Reason

_WORD_BOUNDARY = re.compile(r"(?<=[a-z])(?=[A-Z])")


def reason_words(reason: Reason) -> str:
    """`NotFound` -> `not found`, as error lines spell reasons."""
    return _WORD_BOUNDARY.sub(" ", reason.value).lower()


def result_line(cluster: str, ref: str, word: str, suffix: str = "") -> str:
    """`us-central1: ingress.networking.k8s.io/myingress created (dry run)`."""
    return f"{cluster}: {ref} {word}{suffix}"


def error_line(cluster: str, subject: str | None, reason: Reason, message: str) -> str:
    """`error: cluster asia-east1: ingress default/myingress: forbidden: ...`."""
    about = f"{subject}: " if subject else ""
    return f"error: cluster {cluster}: {about}{reason_words(reason)}: {_one_line(message)}"


def _one_line(message: str) -> str:
    return " ".join(message.split())
