"""kubectl-fed as kubectl sees it: plugin discovery, `kubectl fed …`, and plugin completion.

These drive the real kubectl binary with the package's bin folder on PATH, as a user's
shell would have it after `pip install kubectl-fed`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kubectl_fed import __version__
from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.manifests import ingress_object
from tests.support.processes import run_process

pytestmark = [pytest.mark.kubectl, pytest.mark.subprocess]

BIN = Path(sys.executable).parent
COMMAND_TIMEOUT = 60
BASH_COMPLETION = Path("/usr/share/bash-completion/bash_completion")
KUBECTL_BASH_ASK = r"""
source "$1"
source "$2"
COMP_LINE="$3"
COMP_POINT=${#COMP_LINE}
read -r -a COMP_WORDS <<< "$COMP_LINE"
[[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
__start_kubectl kubectl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null
printf '%s\n' "${COMPREPLY[@]}"
"""
# Completion gives up on members after 1.5 s; this leaves room for a loaded machine and
# stays far below the 30 s a stalled member would take.
STALL_BOUND_SECONDS = 10.0


def with_plugin_on_path(environ: dict[str, str]) -> dict[str, str]:
    if not (BIN / "kubectl-fed").exists() or not (BIN / "kubectl_complete-fed").exists():
        pytest.skip("the package's scripts are not installed next to this Python")
    return {**environ, "PATH": f"{BIN}{os.pathsep}{environ.get('PATH', '')}"}


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """No cluster: an empty home, so nothing of the user's leaks in. No terminal size
    either: bash completion lays descriptions out for $COLUMNS when it is set."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KUBE", "KUBECTL_FED")) and k not in ("COLUMNS", "LINES")
    }
    return with_plugin_on_path({**environ, "HOME": str(tmp_path)})


@pytest.fixture
def sandbox_env(fed_env: dict[str, str]) -> dict[str, str]:
    return with_plugin_on_path(fed_env)


def kubectl(kubectl_path: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_process([kubectl_path, *args], env=env, timeout=COMMAND_TIMEOUT)


def test_plugin_list_finds_kubectl_fed(kubectl_path: str, env: dict[str, str]) -> None:
    done = kubectl(kubectl_path, env, "plugin", "list")
    assert done.returncode == 0, done.stderr
    assert str(BIN / "kubectl-fed") in done.stdout.splitlines()
    assert "kubectl_complete-fed" not in done.stdout  # a helper, not a plugin


def test_kubectl_fed_version(kubectl_path: str, env: dict[str, str]) -> None:
    done = kubectl(kubectl_path, env, "fed", "version")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"kubectl-fed: v{__version__}"
    assert lines[1].startswith("kubernetes client: v")


def test_kubectl_fed_usage_errors_keep_their_exit_status(
    kubectl_path: str, env: dict[str, str]
) -> None:
    done = kubectl(kubectl_path, env, "fed", "completion", "tcsh")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "error: Invalid value" in done.stderr
    assert "Traceback" not in done.stderr


def test_kubectl_completes_kinds_through_kubectl_complete_fed(
    kubectl_path: str, env: dict[str, str]
) -> None:
    done = kubectl(kubectl_path, env, "__complete", "fed", "get", "in")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "ingress\tIngress (networking.k8s.io/v1)",
        "ingresses\tIngress (networking.k8s.io/v1)",
        "ing\tIngress (networking.k8s.io/v1)",
        ":4",
    ]
    assert f"About to call: {BIN / 'kubectl_complete-fed'} get in" in done.stderr


def test_kubectl_completes_subcommands_and_flags(kubectl_path: str, env: dict[str, str]) -> None:
    subcommands = kubectl(kubectl_path, env, "__complete", "fed", "")
    lines = subcommands.stdout.splitlines()
    assert any(line.startswith("get\t") for line in lines)
    assert "completion\tPrint a completion script for kubectl-fed in bash, zsh or fish." in lines
    assert lines[-1] == ":4"
    output = kubectl(kubectl_path, env, "__complete", "fed", "get", "ing", "--output=j")
    assert output.stdout.splitlines() == ["json", "jsonpath=", "jsonpath-file=", ":4"]
    files = kubectl(kubectl_path, env, "__complete", "fed", "apply", "-f", "")
    assert files.stdout.splitlines() == ["yaml", "yml", "json", ":8"]
    assert "ShellCompDirectiveFilterFileExt" in files.stderr


def test_kubectls_own_bash_completion_completes_plugin_arguments(
    kubectl_path: str, env: dict[str, str], tmp_path: Path
) -> None:
    if not BASH_COMPLETION.exists():
        pytest.skip("bash-completion is not installed")
    script = tmp_path / "kubectl.bash"
    script.write_text(kubectl(kubectl_path, env, "completion", "bash").stdout)

    def offered(line: str) -> list[str]:
        command = ["bash", "--norc", "-c", KUBECTL_BASH_ASK, "bash", str(BASH_COMPLETION)]
        done = run_process(
            [*command, str(script), line], env=env, timeout=COMMAND_TIMEOUT, check=True
        )
        return [word for word in done.stdout.splitlines() if word]

    assert offered("kubectl fed get in") == ["ingress", "ingresses", "ing"]
    assert offered("kubectl fed get ing --output=ya") == ["yaml"]
    assert "completion" in offered("kubectl fed ")


def test_kubectl_fed_get_and_name_completion_against_a_sandbox(
    kubectl_path: str, sandbox: SandboxFederation, sandbox_env: dict[str, str]
) -> None:
    for cluster in sandbox.clusters:
        cluster.store.create(
            "ingresses", "default", ingress_object("web", "web", ingress_class=None)
        )
    got = kubectl(kubectl_path, sandbox_env, "fed", "get", "ingress")
    assert got.returncode == 0, got.stderr
    rows = got.stdout.splitlines()[1:]
    assert len(rows) == len(sandbox.names)
    for name, row in zip(sandbox.names, rows, strict=True):
        assert name in row.split() and "web" in row.split()

    names = kubectl(kubectl_path, sandbox_env, "__complete", "fed", "get", "ingress", "")
    assert names.returncode == 0, names.stderr
    assert names.stdout.splitlines() == ["web", ":4"]
    members = kubectl(kubectl_path, sandbox_env, "__complete", "fed", "get", "--clusters", "")
    assert members.stdout.splitlines() == [*sandbox.names, ":4"]


def test_dead_members_do_not_stall_completion(
    kubectl_path: str, sandbox: SandboxFederation, sandbox_env: dict[str, str]
) -> None:
    first, *others = sandbox.names
    sandbox.cluster(first).fail("unreachable")
    for name in others:
        sandbox.cluster(name).fail("slow", seconds=30)
    started = time.monotonic()
    done = kubectl(kubectl_path, sandbox_env, "__complete", "fed", "get", "ingress", "")
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [":4"]
    assert elapsed < STALL_BOUND_SECONDS
