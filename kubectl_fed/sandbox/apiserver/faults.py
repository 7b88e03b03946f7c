"""Fault injection: how one simulated cluster misbehaves until it is healed."""

from __future__ import annotations

from dataclasses import dataclass

from kubectl_fed.sandbox.apiserver.errors import ApiError, status_body

FAULT_MODES = (
    "unreachable",
    "slow",
    "error",
    "throttle",
    "unauthorized",
    "forbidden",
    "conflict",
)
# `conflict` answers every update (PUT, PATCH) with 409 as if the object had just changed.
UPDATE_METHODS = ("PUT", "PATCH")
DEFAULT_SLOW_SECONDS = 30.0


@dataclass(frozen=True)
class Fault:
    """`mode` is one of FAULT_MODES; `seconds` is the delay of `slow`, `code` the status of
    `error`."""

    mode: str
    seconds: float = DEFAULT_SLOW_SECONDS
    code: int = 503

    def __post_init__(self) -> None:
        if self.mode not in FAULT_MODES:
            raise ValueError(f"unknown fault mode {self.mode!r} (one of {', '.join(FAULT_MODES)})")
        if self.mode == "error" and self.code not in (500, 503):
            raise ValueError("an error fault answers 500 or 503")
        if self.seconds < 0:
            raise ValueError("a slow fault needs a non-negative number of seconds")

    def describe(self) -> str:
        if self.mode == "slow":
            return f"slow ({self.seconds:g}s)"
        if self.mode == "error":
            return f"error ({self.code})"
        return self.mode


def unauthorized() -> ApiError:
    return ApiError(status_body(401, "Unauthorized", "Unauthorized"))


def throttled() -> ApiError:
    body = status_body(
        429,
        "TooManyRequests",
        "Too many requests, please try again later.",
        {"retryAfterSeconds": 1},
    )
    return ApiError(body, headers={"Retry-After": "1"})


def conflict(path: str) -> ApiError:
    name = path.rstrip("/").rsplit("/", 1)[-1]
    message = (
        f'Operation cannot be fulfilled on "{name}": the object has been modified; '
        "please apply your changes to the latest version and try again"
    )
    return ApiError(status_body(409, "Conflict", message, {"name": name}))


def server_error(code: int) -> ApiError:
    if code == 503:
        message = "the server is currently unable to handle the request"
        return ApiError(status_body(503, "ServiceUnavailable", message, {}))
    message = "Internal error occurred: the storage backend is unavailable"
    return ApiError(status_body(500, "InternalError", message, {}))
