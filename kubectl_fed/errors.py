"""Errors that end a command with a given exit status and a one-line message."""

from kubectl_fed.exit_status import ExitStatus


class FedError(Exception):
    """An error whose message is fit for the user and whose exit status is known."""

    status: ExitStatus = ExitStatus.FAILED

    def __init__(self, message: str, status: ExitStatus | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status


class UsageError(FedError):
    """Bad flags or bad input: nothing was sent to any cluster (exit 2)."""

    status = ExitStatus.USAGE
