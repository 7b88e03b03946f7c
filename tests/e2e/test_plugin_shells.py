"""The scripts of `kubectl fed completion bash|zsh|fish`, sourced in the real shells.

Each test prints the script with the CLI, sources it in a fresh shell whose PATH has the
installed `kubectl_complete-fed`, asks for completions of a command line and checks what
the shell would offer. zsh goes through its real completion system in a pseudo-terminal.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from kubectl_fed.commands.completion import SHELLS, script
from tests.support.processes import run_process

pytestmark = pytest.mark.subprocess

BIN = Path(sys.executable).parent
EKS_CONTEXT = "arn:aws:eks:us-east-1:123456789012:cluster/prod"
SHELL_TIMEOUT = 60

BASH_ASK = r"""
source "$1"
COMP_LINE="$2"
COMP_POINT=${#COMP_LINE}
COMPREPLY=()
_kubectl_fed_complete
printf '%s\n' "${COMPREPLY[@]}"
"""

ZSH_SETUP = r"""
PROMPT=''
RPROMPT=''
unsetopt prompt_sp
autoload -U compinit && compinit -u -D
source "$COMPLETION_SCRIPT"
bindkey '^I' complete-word
# Print every match the completion adds, then leave.
compadd() {
    local -a hits
    if (( ! ${@[(I)-[OAD]]} )); then
        builtin compadd -A hits "$@"
        (( ${#hits} )) && print -r -l -- "<<match>>"${^hits}
    fi
    builtin compadd "$@"
}
_capture_done() { print -r -- '<<end>>'; exit }
comppostfuncs=(_capture_done)
print -r -- '<<ready>>'
"""

ZSH_ASK = r"""
zmodload zsh/zpty
zpty capture zsh -f -i
zpty -w capture "source ${(q)1}"
zpty -r capture ready '*<<ready>>*' || exit 2
zpty -w -n capture "$2"$'\t'
zpty -r capture output '*<<end>>*' || exit 3
zpty -d capture
print -r -- "${output//$'\r'/}"
"""

FISH_ASK = r"""
source $argv[1]
complete -C "$argv[2]"
"""


def require(shell: str) -> str:
    found = shutil.which(shell)
    if found is None:
        pytest.skip(f"{shell} is not installed")
    return found


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """kubectl_complete-fed on PATH; a kubeconfig and membership file of our own."""
    if not (BIN / "kubectl_complete-fed").exists():
        pytest.skip("kubectl_complete-fed is not installed next to this Python")
    kubeconfig = tmp_path / "config"
    contexts = ["us-central1", "europe-west1", EKS_CONTEXT]
    kubeconfig.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:1"}}],
                "users": [{"name": "u", "user": {"token": "not-a-real-token"}}],
                "contexts": [
                    {"name": n, "context": {"cluster": "c", "user": "u"}} for n in contexts
                ],
            }
        )
    )
    environ = {key: value for key, value in os.environ.items() if not key.startswith("KUBECTL_FED")}
    environ.update(
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        HOME=str(tmp_path),
        KUBECONFIG=str(kubeconfig),
        KUBECTL_FED_CONFIG=str(tmp_path / "kubectl-fed.yaml"),
    )
    return environ


@pytest.fixture
def manifests(tmp_path: Path) -> Path:
    folder = tmp_path / "manifests"
    (folder / "more").mkdir(parents=True)
    for name in ("web.yaml", "rs.yml", "list.json", "notes.txt"):
        (folder / name).write_text("{}\n")
    return folder


def script_file(shell: str, tmp_path: Path) -> Path:
    path = tmp_path / f"kubectl-fed.{shell}"
    path.write_text(script(shell))
    return path


def ask(shell: str, line: str, env: dict[str, str], tmp_path: Path) -> list[str]:
    """The completions `shell` offers for `line` with our script loaded."""
    program = require(shell)
    source = script_file(shell, tmp_path)
    if shell == "bash":
        command = [program, "--norc", "-c", BASH_ASK, "bash", str(source), line]
    elif shell == "zsh":
        setup = tmp_path / "setup.zsh"
        setup.write_text(ZSH_SETUP)
        env = {**env, "COMPLETION_SCRIPT": str(source)}
        command = [program, "-f", "-c", ZSH_ASK, "zsh", str(setup), line]
    else:
        command = [program, "--no-config", "-c", FISH_ASK, str(source), line]
    done = run_process(command, env=env, timeout=SHELL_TIMEOUT, check=True)
    if shell == "zsh":
        return [
            line.split("<<match>>", 1)[1]
            for line in done.stdout.splitlines()
            if "<<match>>" in line
        ]
    return [line for line in done.stdout.splitlines() if line]


def values(lines: list[str]) -> list[str]:
    return [line.split("\t", 1)[0] for line in lines]


def test_completion_prints_the_packaged_scripts_also_found_in_completions() -> None:
    repo = Path(__file__).resolve().parents[2]
    for shell in SHELLS:
        shipped = (repo / "completions" / f"kubectl-fed.{shell}").read_text()
        assert script(shell) == shipped
        assert "kubectl_complete-fed" in shipped


def test_bash_registers_the_function_for_kubectl_fed(env: dict[str, str], tmp_path: Path) -> None:
    source = script_file("bash", tmp_path)
    command = [require("bash"), "--norc", "-c", 'source "$1" && complete -p kubectl-fed']
    done = run_process([*command, "bash", str(source)], env=env, timeout=SHELL_TIMEOUT, check=True)
    assert done.stdout.strip() == "complete -o nosort -F _kubectl_fed_complete kubectl-fed"


@pytest.mark.parametrize("shell", SHELLS)
def test_subcommands_and_kinds(shell: str, env: dict[str, str], tmp_path: Path) -> None:
    subcommands = values(ask(shell, "kubectl-fed ", env, tmp_path))
    assert {"join", "unjoin", "clusters", "create", "get", "delete", "completion"} <= set(
        subcommands
    )
    kinds = values(ask(shell, "kubectl-fed get in", env, tmp_path))
    assert sorted(kinds) == ["ing", "ingress", "ingresses"]


@pytest.mark.parametrize("shell", SHELLS)
def test_flags_and_their_values(shell: str, env: dict[str, str], tmp_path: Path) -> None:
    assert values(ask(shell, "kubectl-fed get ing --out", env, tmp_path)) == ["--output"]
    assert sorted(values(ask(shell, "kubectl-fed get ing -o y", env, tmp_path))) == ["yaml"]
    joined = values(ask(shell, "kubectl-fed get ing --output=j", env, tmp_path))
    # bash and zsh replace only the text after "="; fish replaces the whole word.
    formats = ["json", "jsonpath=", "jsonpath-file="]
    assert joined == ([f"--output={f}" for f in formats] if shell == "fish" else formats)


@pytest.mark.parametrize("shell", SHELLS)
def test_manifest_files_by_extension(
    shell: str, env: dict[str, str], tmp_path: Path, manifests: Path
) -> None:
    offered = values(ask(shell, f"kubectl-fed create -f {manifests}/", env, tmp_path))
    names = sorted(Path(path.rstrip("/")).name for path in offered)
    assert names == ["list.json", "more", "rs.yml", "web.yaml"]


@pytest.mark.parametrize("shell", SHELLS)
def test_contexts_with_colons(shell: str, env: dict[str, str], tmp_path: Path) -> None:
    offered = values(ask(shell, "kubectl-fed join arn:aws:e", env, tmp_path))
    # bash treats ":" as a word break: it replaces only what follows the last one typed.
    expected = EKS_CONTEXT.removeprefix("arn:aws:") if shell == "bash" else EKS_CONTEXT
    assert offered == [expected]


@pytest.mark.parametrize("shell", SHELLS)
def test_unknown_words_offer_nothing(shell: str, env: dict[str, str], tmp_path: Path) -> None:
    assert ask(shell, "kubectl-fed frobnicate ", env, tmp_path) == []
