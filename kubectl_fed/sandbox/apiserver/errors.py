"""The one exception type of the sandbox API server: it carries a Kubernetes `Status` body."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubectl_fed.sandbox.apiserver.kinds import Kind


class ApiError(Exception):
    """A failed API call; `status` is the `Status` object the server answers with."""

    def __init__(self, status: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().__init__(status.get("message", ""))
        self.status = status
        self.headers = headers or {}

    @property
    def code(self) -> int:
        return int(self.status["code"])

    @property
    def reason(self) -> str:
        return str(self.status.get("reason", ""))

    @property
    def message(self) -> str:
        return str(self.status.get("message", ""))


def status_body(
    code: int, reason: str, message: str, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    if details is not None:
        body["details"] = details
    return body


def _details(kind: Kind, name: str) -> dict[str, Any]:
    details: dict[str, Any] = {"name": name, "kind": kind.plural}
    if kind.group:
        details["group"] = kind.group
    return details


def not_found(kind: Kind, name: str) -> ApiError:
    message = f'{kind.qualified_resource} "{name}" not found'
    return ApiError(status_body(404, "NotFound", message, _details(kind, name)))


def already_exists(kind: Kind, name: str) -> ApiError:
    message = f'{kind.qualified_resource} "{name}" already exists'
    return ApiError(status_body(409, "AlreadyExists", message, _details(kind, name)))


def conflict(kind: Kind, name: str) -> ApiError:
    message = (
        f'Operation cannot be fulfilled on {kind.qualified_resource} "{name}": the object has '
        "been modified; please apply your changes to the latest version and try again"
    )
    return ApiError(status_body(409, "Conflict", message, _details(kind, name)))


def bad_request(message: str) -> ApiError:
    return ApiError(status_body(400, "BadRequest", message))


@dataclass(frozen=True)
class Choice:
    """A request option that takes one of `allowed`, `default` when unset; any other value
    is a 400 whose message is `refusal` (upstream's wording, `{raw}` the value given)."""

    allowed: tuple[str, ...]
    default: str
    refusal: str

    def of(self, raw: str | None) -> str:
        if not raw:
            return self.default
        if raw not in self.allowed:
            raise bad_request(self.refusal.format(raw=raw))
        return raw


def patch_not_applied(detail: str) -> ApiError:
    """A JSON patch that could not be applied (a failed `test`, a missing path): 422 with
    the generic message and the patch library's words as the cause, as upstream answers."""
    details = {"causes": [{"reason": "UnexpectedServerResponse", "message": detail}]}
    message = "the server rejected our request due to an error in our request"
    return ApiError(status_body(422, "Invalid", message, details))


def method_not_allowed() -> ApiError:
    message = "the server does not allow this method on the requested resource"
    return ApiError(status_body(405, "MethodNotAllowed", message, {}))


def path_not_found() -> ApiError:
    details = {"causes": [{"reason": "UnexpectedServerResponse", "message": "404 page not found"}]}
    return ApiError(
        status_body(404, "NotFound", "the server could not find the requested resource", details)
    )


def not_acceptable() -> ApiError:
    message = "only the following media types are accepted: application/json"
    return ApiError(status_body(406, "NotAcceptable", message, {}))


def unsupported_media_type(content_type: str) -> ApiError:
    message = f'the body of the request was in an unknown format - accepted media types include: application/json, application/merge-patch+json, application/strategic-merge-patch+json, application/json-patch+json, application/apply-patch+yaml; got "{content_type}"'  # noqa: E501
    return ApiError(status_body(415, "UnsupportedMediaType", message, {}))


class FieldError:
    """One cause of an Invalid (422) answer, worded like upstream's field errors."""

    def __init__(self, field: str, reason: str, detail: str) -> None:
        self.field = field
        self.reason = reason
        self.detail = detail

    def cause(self) -> dict[str, str]:
        return {"reason": self.reason, "message": self.detail, "field": self.field}

    def __str__(self) -> str:
        return f"{self.field}: {self.detail}"


def invalid_value(field: str, value: Any, detail: str) -> FieldError:
    shown = value if isinstance(value, int) else f'"{value}"'
    return FieldError(field, "FieldValueInvalid", f"Invalid value: {shown}: {detail}")


def required(field: str, detail: str = "") -> FieldError:
    return FieldError(
        field, "FieldValueRequired", "Required value" + (f": {detail}" if detail else "")
    )


def forbidden_field(field: str, detail: str) -> FieldError:
    return FieldError(field, "FieldValueForbidden", f"Forbidden: {detail}")


def invalid(kind: Kind, name: str, errors: list[FieldError]) -> ApiError:
    listed = str(errors[0]) if len(errors) == 1 else "[" + ", ".join(map(str, errors)) + "]"
    message = f'{kind.qualified_kind} "{name}" is invalid: {listed}'
    details: dict[str, Any] = {"name": name, "kind": kind.kind}
    if kind.group:
        details["group"] = kind.group
    details["causes"] = [error.cause() for error in errors]
    return ApiError(status_body(422, "Invalid", message, details))
