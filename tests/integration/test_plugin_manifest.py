"""plugins/fed.yaml against krew's v1alpha2 rules, and the launcher archive it points to.

The rules are those krew applies when it reads a manifest (apiVersion, kind, a safe
name matching the file name, a semantic version with a leading v, a one-line short
description, platforms with uri, a valid sha256, bin, files, and non-empty selectors on
os/arch only) plus the krew index's limit of 50 characters for the short description.
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from kubectl_fed import __version__

pytestmark = pytest.mark.subprocess

REPO = Path(__file__).resolve().parents[2]
MANIFEST = REPO / "plugins" / "fed.yaml"
SEMVER = re.compile(
    r"^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$"
)
SAFE_NAME = re.compile(r"^[\w-]+$")
SHA256 = re.compile(r"^[a-f0-9]{64}$")
SELECTOR_KEYS = {"os", "arch"}
OPERATORS = {"In", "NotIn", "Exists", "DoesNotExist"}
KNOWN_OS = {"linux", "darwin", "windows"}
KNOWN_ARCH = {"amd64", "arm64", "arm", "386", "ppc64le", "s390x"}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    document = yaml.safe_load(MANIFEST.read_text())
    assert isinstance(document, dict)
    return document


@pytest.fixture(scope="module")
def builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_krew_archive", REPO / "plugins" / "build_krew_archive.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def platforms(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    found = manifest["spec"]["platforms"]
    assert isinstance(found, list) and found, "should have a platform specified"
    return found


def test_kind_name_and_api_version(manifest: dict[str, Any]) -> None:
    assert manifest["apiVersion"] == "krew.googlecontainertools.github.com/v1alpha2"
    assert manifest["kind"] == "Plugin"
    name = manifest["metadata"]["name"]
    assert name == MANIFEST.stem == "fed"
    assert SAFE_NAME.match(name)


def test_version_is_semver_with_a_leading_v_and_matches_the_package(
    manifest: dict[str, Any],
) -> None:
    version = manifest["spec"]["version"]
    assert SEMVER.match(version), version
    assert version == f"v{__version__}"
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert version == f"v{project['version']}"


def test_descriptions_homepage_and_caveats(manifest: dict[str, Any]) -> None:
    spec = manifest["spec"]
    short = spec["shortDescription"]
    assert short and len(short) <= 50 and not set(short) & {"\r", "\n"}
    assert spec["homepage"].startswith("https://")
    assert len(spec["description"].split()) > 20
    assert "pip install kubectl-fed" in spec["caveats"]


def test_platforms_download_verify_and_name_the_binary(manifest: dict[str, Any]) -> None:
    version = manifest["spec"]["version"]
    for platform in platforms(manifest):
        assert platform["uri"].startswith("https://")
        assert version in platform["uri"]
        assert SHA256.match(platform["sha256"])
        assert platform["bin"] == "kubectl-fed"
        files = platform.get("files")
        if files is not None:
            assert files, "`files` has to be unspecified or non-empty"
            assert all(op.get("from") and op.get("to") for op in files)


def test_selectors_use_os_and_arch_only_and_are_never_empty(manifest: dict[str, Any]) -> None:
    for platform in platforms(manifest):
        selector = platform["selector"]
        labels = selector.get("matchLabels")
        expressions = selector.get("matchExpressions")
        assert labels or expressions, "empty selector is not supported"
        assert labels is None or labels, "`matchLabels` specified but empty"
        assert expressions is None or expressions, "`matchExpressions` specified but empty"
        for key, value in (labels or {}).items():
            assert key in SELECTOR_KEYS
            assert value in (KNOWN_OS if key == "os" else KNOWN_ARCH)
        for expression in expressions or []:
            assert expression["key"] in SELECTOR_KEYS
            assert expression["operator"] in OPERATORS
            if expression["operator"] in ("In", "NotIn"):
                known = KNOWN_OS if expression["key"] == "os" else KNOWN_ARCH
                assert expression["values"] and set(expression["values"]) <= known


def test_sha256_is_that_of_the_launcher_archive(
    manifest: dict[str, Any], builder: ModuleType
) -> None:
    data = builder.build()
    assert builder.build() == data  # the same bytes every time
    for platform in platforms(manifest):
        assert platform["sha256"] == builder.sha256(data), (
            "plugins/fed.yaml lists a stale sha256: run python plugins/build_krew_archive.py"
        )
        assert platform["uri"].endswith("/" + builder.archive_name(__version__))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        (entry,) = archive.infolist()
        assert entry.filename == "kubectl-fed"
        assert (entry.external_attr >> 16) & 0o111 == 0o111


def test_launcher_runs_the_package(tmp_path: Path) -> None:
    launcher = REPO / "plugins" / "krew" / "kubectl-fed"
    env = {**os.environ, "KUBECTL_FED_PYTHON": sys.executable}
    done = subprocess.run(
        [str(launcher), "version"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"kubectl-fed: v{__version__}"


def test_launcher_says_how_to_install_a_missing_package(tmp_path: Path) -> None:
    no_package = tmp_path / "python-without-kubectl-fed"
    no_package.write_text("#!/bin/sh\nexit 1\n")
    no_package.chmod(0o755)
    launcher = REPO / "plugins" / "krew" / "kubectl-fed"
    env = {**os.environ, "KUBECTL_FED_PYTHON": str(no_package)}
    done = subprocess.run(
        [str(launcher), "version"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip() == (
        f"error: the kubectl-fed Python package is not installed for {no_package}; "
        "run: pip install kubectl-fed"
    )
