"""The saved member sets (the membership file), as a pure model with parsing and validation.

The file (default ~/.kube/kubectl-fed.yaml) looks like:

    apiVersion: kubectl-fed/v1
    kind: FederationConfig
    current: sandbox
    federations:
      sandbox:
        members: [us-central1, europe-west1, asia-east1]

Contexts themselves stay in kubeconfig; this file only names them.
Reading and writing the file is the backends' job (backends/membership_file.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from kubectl_fed.errors import UsageError

API_VERSION = "kubectl-fed/v1"
KIND = "FederationConfig"
DEFAULT_FEDERATION = "default"


@dataclass(frozen=True)
class FederationConfig:
    current: str | None = None
    federations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def resolve(self, name: str | None) -> str | None:
        """The federation a command uses: `name` (must exist), else the current one."""
        if name is None:
            return self.current
        if name not in self.federations:
            known = ", ".join(sorted(self.federations)) or "none"
            raise UsageError(f"no federation {name!r} (known: {known})")
        return name

    def members(self, name: str | None) -> tuple[str, ...] | None:
        """Members of federation `name` (or the current one); None when there is none."""
        resolved = self.resolve(name)
        if resolved is None:
            return None
        return self.federations.get(resolved, ())

    def join(self, name: str, contexts: Sequence[str]) -> tuple[FederationConfig, list[str]]:
        """Add `contexts` to federation `name`; returns the new config and the added ones."""
        members = self.federations.get(name, ())
        added = [c for c in dict.fromkeys(contexts) if c not in members]
        federations = {**self.federations, name: (*members, *added)}
        current = self.current or name
        return replace(self, current=current, federations=federations), added

    def unjoin(self, name: str, contexts: Sequence[str]) -> tuple[FederationConfig, list[str]]:
        """Remove `contexts` from federation `name`; returns the new config and the removed."""
        members = self.federations.get(name, ())
        removed = [c for c in dict.fromkeys(contexts) if c in members]
        kept = tuple(m for m in members if m not in removed)
        return replace(self, federations={**self.federations, name: kept}), removed

    def to_document(self) -> dict[str, Any]:
        return {
            "apiVersion": API_VERSION,
            "kind": KIND,
            "current": self.current,
            "federations": {
                name: {"members": list(members)} for name, members in self.federations.items()
            },
        }


def parse_federation_config(document: Any, source: str) -> FederationConfig:
    """Validate a loaded YAML document; None (an empty file) is an empty config."""
    if document is None:
        return FederationConfig()
    if not isinstance(document, dict):
        raise UsageError(f"{source}: expected a {KIND} mapping")
    _expect(document, "apiVersion", API_VERSION, source)
    _expect(document, "kind", KIND, source)
    federations = _parse_federations(document.get("federations") or {}, source)
    current = document.get("current")
    if current is not None and current not in federations:
        raise UsageError(f"{source}: current federation {current!r} is not defined")
    return FederationConfig(current=current, federations=federations)


def _expect(document: Mapping[str, Any], key: str, wanted: str, source: str) -> None:
    value = document.get(key)
    if value != wanted:
        raise UsageError(f"{source}: {key} must be {wanted!r}, not {value!r}")


def _parse_federations(raw: Any, source: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise UsageError(f"{source}: federations must be a mapping of name to members")
    federations: dict[str, tuple[str, ...]] = {}
    for name, body in raw.items():
        members = (body or {}).get("members") if isinstance(body, dict | None) else None
        if not isinstance(name, str) or not isinstance(members, list | None):
            raise UsageError(f"{source}: federation {name!r}: members must be a list")
        if not all(isinstance(m, str) and m for m in members or []):
            raise UsageError(f"{source}: federation {name!r}: members must be context names")
        federations[name] = tuple(dict.fromkeys(members or []))
    return federations
