"""`make demo` on a fresh clone: it says what it installs before the silent minute of pip, and
its walkthrough (scripts/demo.sh) sends no escape codes to a pipe or a file.

The walkthrough runs for real with the installed venv first on PATH (about half a minute: it
starts and stops a 3-cluster sandbox); the install itself is only shown by `make -n`.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.support.processes import run_process

pytestmark = pytest.mark.subprocess

ROOT = Path(__file__).parents[2]
ANNOUNCEMENT = "installing kubectl-fed and its test tools into"


def test_make_demo_on_a_fresh_clone_announces_the_install_first(tmp_path: Path) -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not on PATH")
    venv = tmp_path / "fresh-venv"
    # Under `make test` the parent make's variables would make this one print "Entering directory".
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    command = [make, "--no-print-directory", "-n", "demo", f"VENV={venv}"]
    ran = run_process([*command, f"PYTHON={sys.executable}"], env=env, cwd=ROOT, timeout=30)
    assert ran.returncode == 0, ran.stderr
    lines = ran.stdout.splitlines()
    assert lines[0].startswith(f'echo "{ANNOUNCEMENT} {venv}'), lines[:2]
    assert any("-m venv" in line for line in lines[1:]) and "scripts/demo.sh" in lines[-1]
    assert not venv.exists()


@pytest.mark.timeout(300)
def test_the_walkthrough_through_a_pipe_has_no_escape_codes(tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    env["TMPDIR"] = str(tmp_path)
    env["HOME"] = str(tmp_path / "home")
    for name in ("KUBECONFIG", "KUBECTL_FED_CONFIG", "KUBECTL_FED_SANDBOX_DIR", "TERM"):
        env.pop(name, None)
    # stdout and stderr are pipes, never a terminal
    ran = run_process(["bash", "scripts/demo.sh"], env=env, cwd=ROOT, timeout=280)
    out, err = ran.stdout, ran.stderr
    assert ran.returncode == 0, err[-2000:]
    assert "\x1b" not in out and "\x1b" not in err
    prompts = [line for line in out.splitlines() if line.startswith("$ ")]
    assert prompts[:2] == [
        '$ eval "$(kubectl fed sandbox up --clusters 3)"',
        "$ kubectl fed clusters",
    ]
    assert prompts[-1] == "$ kubectl fed sandbox down"
    assert "myingress" in out and err.splitlines()[-1].startswith("sandbox: stopped")
    assert list(tmp_path.glob("kubectl-fed-demo.*")) == []  # its files removed
