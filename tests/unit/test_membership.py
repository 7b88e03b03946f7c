"""The membership file: parsing, validation, join/unjoin, and the atomic round trip."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from kubectl_fed.backends.membership_file import read_membership, write_membership
from kubectl_fed.core.members import membership
from kubectl_fed.core.members.membership import FederationConfig, parse_federation_config
from kubectl_fed.errors import UsageError


def documented_example() -> str:
    """The example file of the membership module's docstring, as the docs show it."""
    doc = membership.__doc__ or ""
    start = doc.index("    apiVersion: kubectl-fed/v1")
    return textwrap.dedent(doc[start : doc.index("\n\n", start) + 1])


# the file the docs show is the one kubectl-fed writes (see the round trip below)
SANDBOX_FILE = documented_example()


def parse(text: str) -> FederationConfig:
    return parse_federation_config(yaml.safe_load(text), "fed.yaml")


def test_parses_the_documented_format() -> None:
    config = parse(SANDBOX_FILE)
    assert config.current == "sandbox"
    assert config.members(None) == ("us-central1", "europe-west1", "asia-east1")
    assert config.members("sandbox") == config.members(None)


def test_empty_file_is_no_federation() -> None:
    config = parse("")
    assert config.members(None) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]", "fed.yaml: expected a FederationConfig mapping"),
        ("apiVersion: v1\nkind: FederationConfig", "fed.yaml: apiVersion must be 'kubectl-fed/v1'"),
        ("apiVersion: kubectl-fed/v1\nkind: Config", "fed.yaml: kind must be 'FederationConfig'"),
        (
            SANDBOX_FILE.replace("current: sandbox", "current: prod"),
            "fed.yaml: current federation 'prod' is not defined",
        ),
        (
            SANDBOX_FILE.replace("[us-central1, europe-west1, asia-east1]", "us-central1"),
            "fed.yaml: federation 'sandbox': members must be a list",
        ),
        (
            SANDBOX_FILE.replace("[us-central1, europe-west1, asia-east1]", "[1, 2]"),
            "fed.yaml: federation 'sandbox': members must be context names",
        ),
        ("apiVersion: kubectl-fed/v1\nkind: FederationConfig\nfederations: [a]", "mapping"),
    ],
)
def test_invalid_files_are_usage_errors(text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse(text)
    assert message in str(caught.value)


def test_unknown_federation_is_named() -> None:
    with pytest.raises(UsageError, match=r"no federation 'prod' \(known: sandbox\)"):
        parse(SANDBOX_FILE).members("prod")


def test_join_creates_makes_current_and_is_idempotent() -> None:
    config, added = FederationConfig().join("prod", ["a", "b", "a"])
    assert added == ["a", "b"]
    assert config.current == "prod"
    config, added = config.join("prod", ["b", "c"])
    assert added == ["c"]
    assert config.members("prod") == ("a", "b", "c")
    config, _ = config.join("dev", ["x"])
    assert config.current == "prod"


def test_unjoin_removes_only_members() -> None:
    config, removed = parse(SANDBOX_FILE).unjoin("sandbox", ["asia-east1", "mars"])
    assert removed == ["asia-east1"]
    assert config.members("sandbox") == ("us-central1", "europe-west1")


def test_write_then_read_round_trips_atomically(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "kubectl-fed.yaml"
    config = parse(SANDBOX_FILE)
    write_membership(str(path), config)
    assert path.read_text() == SANDBOX_FILE
    assert read_membership(str(path)) == config
    assert sorted(p.name for p in path.parent.iterdir()) == ["kubectl-fed.yaml"]


def test_missing_file_reads_as_empty(tmp_path: Path) -> None:
    assert read_membership(str(tmp_path / "none.yaml")) == FederationConfig()


def test_broken_yaml_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "fed.yaml"
    path.write_text("federations: [unclosed\n")
    with pytest.raises(UsageError, match=r"^membership file .*fed.yaml: "):
        read_membership(str(path))
