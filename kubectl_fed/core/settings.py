"""The global flags every subcommand accepts, as plain data (README.md, "Command reference")."""

from __future__ import annotations

from dataclasses import dataclass

OUTPUT_FORMATS = ("table", "wide", "json", "yaml", "name")
# `-o FORMAT=ARGUMENT` (get only): kubectl's template formats
TEMPLATE_FORMATS = ("jsonpath", "jsonpath-file", "custom-columns", "custom-columns-file")
DEFAULT_REQUEST_TIMEOUT = 10.0
MAX_PARALLELISM = 64


@dataclass(frozen=True)
class Settings:
    kubeconfig: str | None = None
    federation: str | None = None
    clusters: str | None = None
    namespace: str | None = None
    all_namespaces: bool = False
    output: str = "table"
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    parallelism: int | None = None
    debug: bool = False

    def workers(self, members: int) -> int:
        """Threads for a fan-out over `members` clusters: all of them, capped."""
        wanted = self.parallelism or members
        return max(1, min(wanted, members, MAX_PARALLELISM))
