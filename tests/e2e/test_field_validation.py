"""Writes send `fieldValidation=Strict`; a typo is refused (exit 2, member and field named)
by one server-side dry-run on the first member, before any member is changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.fed import EXAMPLES, Fed
from tests.support.manifests import manifest_file, service_yaml

PLURALS = ("services", "replicasets", "ingresses", "configmaps", "namespaces")


def snapshot(fed: Fed) -> dict[str, Any]:
    """Every member's objects of the kinds a write touches, across namespaces."""
    return {
        name: {
            plural: json.dumps(fed.sandbox.cluster(name).store.list(plural, None), sort_keys=True)
            for plural in PLURALS
        }
        for name in fed.names
    }


def with_typo(tmp_path: Path) -> str:
    """The guide's examples, the ReplicaSet's `replicas` misspelt."""
    replicaset = (EXAMPLES / "myreplicaset.yaml").read_text().replace("replicas: 6", "replcas: 6")
    documents = [
        (EXAMPLES / "myingress.yaml").read_text(),
        (EXAMPLES / "services" / "nginx.yaml").read_text(),
        replicaset,
    ]
    return manifest_file(tmp_path, "typo.yaml", documents)


@pytest.mark.parametrize("verb", ["create", "apply"])
def test_an_unknown_field_is_refused_before_anything_is_written(
    fed: Fed, tmp_path: Path, verb: str
) -> None:
    path = with_typo(tmp_path)
    before = snapshot(fed)
    fed.clear_requests()
    refused = fed.run(verb, "-f", path)
    assert refused.status == 2, refused.err
    assert refused.out == ""
    first = fed.names[0]
    assert refused.err_lines == [
        f'error: cluster {first}: replicaset default/nginx: invalid: ReplicaSet in version "v1" '
        'cannot be handled as a ReplicaSet: strict decoding error: unknown field "spec.replcas"',
        "error: nothing was written to any member",
    ]
    assert snapshot(fed) == before
    writes = fed.writes()
    assert all(write.endswith("&dryRun=All") for write in writes[first]), writes
    assert len(writes[first]) == 3  # one dry-run create per manifest
    assert all(writes[name] == [] for name in fed.names[1:])


def test_every_write_is_strict(fed: Fed, tmp_path: Path) -> None:
    path = manifest_file(tmp_path, "web.yaml", [service_yaml("web")])
    created = fed.run("create", "-f", path)
    assert created.status == 0, created.err
    applied = fed.run("apply", "-f", path)
    assert applied.status == 0, applied.err
    for name, writes in fed.writes().items():
        assert writes, name
        assert all("fieldValidation=Strict" in write for write in writes), writes


def test_client_dry_run_sends_no_check(fed: Fed, tmp_path: Path) -> None:
    fed.clear_requests()
    planned = fed.run("create", "-f", with_typo(tmp_path), "--dry-run=client")
    assert planned.status == 0, planned.err
    assert all(writes == [] for writes in fed.writes().values())
