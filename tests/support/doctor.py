"""Run `kubectl fed doctor -o json` against a sandbox and look at what it found."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from tests.support.fed import Fed

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "doctor-report.schema.json").read_text())


@dataclass(frozen=True)
class Report:
    status: int
    checks: list[dict[str, Any]]
    err: str

    @property
    def problems(self) -> set[tuple[str, str, str | None]]:
        """(id, status, cluster) of every check that did not pass."""
        return {(c["id"], c["status"], c["cluster"]) for c in self.checks if c["status"] != "pass"}

    def one(self, check_id: str, status: str) -> dict[str, Any]:
        found = [c for c in self.checks if c["id"] == check_id and c["status"] == status]
        assert len(found) == 1, (check_id, status, self.checks)
        return found[0]


def doctor(fed: Fed, *args: str) -> Report:
    run = fed.run("doctor", *args, "-o", "json")
    assert run.status in (0, 1), run.err
    document = json.loads(run.out)
    jsonschema.validate(document, SCHEMA)
    return Report(run.status, document["checks"], run.err)


def answered(fed: Fed, answers: str, *args: str) -> tuple[int, str, str]:
    """Run `kubectl fed doctor ARGS` answering its questions with `answers`."""
    run = fed.run("doctor", *args, stdin=answers)
    return run.status, run.out, run.err
