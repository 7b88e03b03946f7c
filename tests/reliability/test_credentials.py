"""Credentials: recognisable secrets never printed, TLS verified, exec plugins, safe YAML,
no shell. Every output of every run here is checked for every registered secret (tokens,
client key, certificate data, exec-plugin output) by the helpers."""

from __future__ import annotations

import base64
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml

from tests.reliability.helpers import World, register_secret, run_checked
from tests.support.cli import Run
from tests.support.manifests import service_yaml, write
from tests.support.members import US

PACKAGE = Path(__file__).resolve().parents[2] / "kubectl_fed"
FIRST = US


def kubeconfig(world: World) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(world.sandbox.kubeconfig_path.read_text())
    return document


def run_with(world: World, tmp_path: Path, config: dict[str, Any], *args: str) -> Run:
    path = write(tmp_path, "kubeconfig", yaml.safe_dump(config))
    return run_checked([*args, "--kubeconfig", path], world.env)


def user(config: dict[str, Any], name: str) -> dict[str, Any]:
    entry: dict[str, Any] = next(u for u in config["users"] if u["name"] == name)["user"]
    return entry


def cluster(config: dict[str, Any], name: str) -> dict[str, Any]:
    entry: dict[str, Any] = next(c for c in config["clusters"] if c["name"] == name)["cluster"]
    return entry


def test_no_secret_in_any_verb_output_debug_or_json(world: World, tmp_path: Path) -> None:
    """Tokens and certificate data (registered by World) in nothing any verb prints."""
    path = write(tmp_path, "web.yaml", service_yaml("secret-web", version="a"))
    runs = [
        world.run("apply", "-f", path, "--debug"),
        world.run("get", "svc", "secret-web", "-o", "yaml", "--debug"),
        world.run("get", "svc", "-o", "json"),
        world.run("describe", "svc", "secret-web", "-o", "json", "--debug"),
        world.run("clusters", "-o", "yaml", "--debug"),
        world.run("doctor", "-o", "json", "--debug"),
        world.run("delete", "svc", "secret-web", "--debug"),
    ]
    assert [run.status for run in runs[:5]] == [0] * 5, [run.err for run in runs]
    assert runs[-1].status == 0, runs[-1].err
    assert any(line.startswith("debug: ") for line in runs[0].err_lines)  # --debug did log
    world.sandbox.cluster(FIRST).fail("unauthorized")
    try:
        refused = world.run("clusters", "-o", "json", "--debug")  # the 401 path, logged
    finally:
        world.sandbox.cluster(FIRST).heal()
    assert refused.status == 3 and f"error: cluster {FIRST}: unauthorized" in refused.err


def test_client_key_never_printed(world: World, tmp_path: Path) -> None:
    """A user with a client certificate and key (and the token the sandbox checks)."""
    issued = trustme.CA().issue_cert("kubectl-fed-user")
    key = issued.private_key_pem.bytes()
    register_secret(key)
    config = kubeconfig(world)
    for entry in config["users"]:
        entry["user"]["client-certificate-data"] = base64.b64encode(
            issued.cert_chain_pems[0].bytes()
        ).decode()
        entry["user"]["client-key-data"] = base64.b64encode(key).decode()
    for args in (["clusters", "-o", "json", "--debug"], ["get", "svc", "-o", "yaml", "--debug"]):
        run = run_with(world, tmp_path, config, *args)
        assert run.status == 0, run.err


def test_a_wrong_ca_fails_verification_with_a_clear_message(world: World, tmp_path: Path) -> None:
    config = kubeconfig(world)
    other_ca = trustme.CA().cert_pem.bytes()
    for entry in config["clusters"]:
        entry["cluster"]["certificate-authority-data"] = base64.b64encode(other_ca).decode()
    run = run_with(world, tmp_path, config, "clusters")
    assert run.status == 1
    for name in world.names:
        assert f"error: cluster {name}: unreachable: certificate verify failed: " in run.err


def test_tls_is_verified_unless_the_kubeconfig_says_insecure(world: World, tmp_path: Path) -> None:
    config = kubeconfig(world)
    for entry in config["clusters"]:  # no CA: the system's roots, which never signed it
        del entry["cluster"]["certificate-authority-data"]
    verified = run_with(world, tmp_path, config, "clusters")
    assert verified.status == 1 and "certificate verify failed" in verified.err
    cluster(config, FIRST)["insecure-skip-tls-verify"] = True
    insecure = run_with(world, tmp_path, config, "clusters", "-o", "json")
    assert insecure.status == 3, insecure.err  # only the member that says so skips it
    statuses = {item["cluster"]: item["status"] for item in insecure.json()["items"]}
    assert statuses[FIRST] == "Active"
    assert "InsecureRequestWarning" not in insecure.err


PLUGIN = """import json, sys
mode, token_file = sys.argv[1], sys.argv[2]
token = open(token_file).read().strip()
if mode == "fail":
    sys.stderr.write("login required: run the login command first\\n")
    sys.exit(1)
if mode == "garbage":
    print('{"status": {"token": "' + token)
    sys.exit(0)
print(json.dumps({"apiVersion": "client.authentication.k8s.io/v1beta1",
                  "kind": "ExecCredential", "status": {"token": token}}))
"""


def exec_config(world: World, tmp_path: Path, mode: str) -> dict[str, Any]:
    """The first member's user gets its token from an exec plugin run in `mode`."""
    plugin = write(tmp_path, "plugin.py", PLUGIN)
    token_file = write(tmp_path, "token", world.sandbox.cluster(FIRST).token)
    config = kubeconfig(world)
    entry = user(config, FIRST)
    del entry["token"]
    entry["exec"] = {
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "command": sys.executable,
        "args": [plugin, mode, token_file],
        "interactiveMode": "Never",
    }
    return config


def test_an_exec_credential_plugin_works(world: World, tmp_path: Path) -> None:
    run = run_with(world, tmp_path, exec_config(world, tmp_path, "ok"), "clusters", "--debug")
    assert run.status == 0, run.err
    assert re.search(rf"^{FIRST} .* Active ", run.out, re.MULTILINE)


@pytest.mark.parametrize(("mode", "words"), [("fail", "exec"), ("garbage", "exec")])
def test_a_failing_exec_plugin_is_reported_for_its_member(
    world: World, tmp_path: Path, mode: str, words: str
) -> None:
    run = run_with(world, tmp_path, exec_config(world, tmp_path, mode), "clusters", "-o", "json")
    assert run.status == 3, run.err
    errors = [line for line in run.err_lines if line.startswith("error: ")]
    assert len(errors) == 1 and errors[0].startswith(f"error: cluster {FIRST}: "), run.err
    assert words in errors[0]
    items = {item["cluster"]: item["status"] for item in json.loads(run.out)["items"]}
    assert items[FIRST] != "Active" and list(items.values()).count("Active") == 2


def test_a_broken_token_line_is_not_echoed(world: World, tmp_path: Path) -> None:
    """A kubeconfig that does not parse at the token's line: the error quotes no token."""
    text = world.sandbox.kubeconfig_path.read_text()
    token = world.sandbox.cluster(FIRST).token
    broken = text.replace(f"token: {token}", f'token: "{token}', 1)
    assert broken != text
    path = write(tmp_path, "kubeconfig", broken)
    run = run_checked(["clusters", "--kubeconfig", path], world.env)
    assert run.status == 2 and run.err.startswith("error: invalid kubeconfig")


def product_sources() -> dict[str, str]:
    return {str(path): path.read_text() for path in PACKAGE.rglob("*.py")}


def test_yaml_is_only_ever_loaded_safely() -> None:
    unsafe = re.compile(r"yaml\.(unsafe_load|full_load)|Loader=yaml\.(Loader|FullLoader|Unsafe)")
    plain_load = re.compile(r"yaml\.load(_all)?\((?![^)]*Loader=(loader|yaml\.C?SafeLoader))")
    for path, text in product_sources().items():
        assert not unsafe.search(text), path
        assert not plain_load.search(text), path


def test_no_shell_is_ever_invoked() -> None:
    shell = re.compile(r"shell\s*=\s*True|os\.system\(|os\.popen\(|commands\.getoutput|pty\.spawn")
    for path, text in product_sources().items():
        assert not shell.search(text), path


def test_a_password_in_the_server_url_is_never_shown(world: World, tmp_path: Path) -> None:
    password = "s3cret-in-the-url-0123456789"
    register_secret(password)  # every output below is checked not to hold it
    config = kubeconfig(world)
    entry = cluster(config, FIRST)
    entry["server"] = entry["server"].replace("https://", f"https://admin:{password}@")
    run = run_with(world, tmp_path, config, "clusters")
    assert re.search(rf"^{FIRST} +https://\*\*\*@127\.0\.0\.1:", run.out, re.MULTILINE), run.out
    entry["server"] += "0000000"  # an invalid port: the usage error names the server
    refused = run_with(world, tmp_path, config, "clusters")
    assert refused.status == 2 and "***@127.0.0.1" in refused.err, refused.err
