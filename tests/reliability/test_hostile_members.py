"""Hostile members: a member that answers what no API server would (redirects, endless or
huge bodies, JSON of the wrong shape, deep nesting, control characters, lone surrogates).

Each case runs a verb on a healthy sandbox member and the hostile one: the hostile member
is that member's error (exit 3, one line naming it), the healthy member's part is done and
printed, and nothing waits past the deadline.
"""

from __future__ import annotations

import http.server
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.helpers import World, run_checked
from tests.reliability.hostile import (
    HOSTILE,
    TOKEN_PLUGIN,
    exec_user,
    hostile_member,
    send,
    send_json,
    with_member,
)
from tests.support.cli import Run
from tests.support.manifests import service_yaml, write
from tests.support.members import US

pytestmark = pytest.mark.server

GOOD = US
Handler = http.server.BaseHTTPRequestHandler


def run_against(
    world: World,
    tmp_path: Path,
    answer: Callable[[Handler], None],
    *args: str,
    user: dict[str, Any] | None = None,
) -> Run:
    with hostile_member(answer) as (url, ca):
        kubeconfig = with_member(world, tmp_path, url, ca, user)
        return run_checked(
            [
                *args,
                "--clusters",
                f"{GOOD},{HOSTILE}",
                "--kubeconfig",
                kubeconfig,
                "--request-timeout",
                "3",
            ],
            world.env,
        )


def hostile_line(run: Run) -> str:
    lines = [line for line in run.err_lines if line.startswith(f"error: cluster {HOSTILE}:")]
    assert len(lines) == 1, run.err
    assert not any(GOOD in line for line in run.err_lines), run.err
    return lines[0]


@pytest.mark.parametrize("status", [300, 302, 307])
def test_a_redirect_is_an_invalid_response_for_every_verb(
    world: World, tmp_path: Path, status: int
) -> None:
    def answer(handler: Handler) -> None:
        send(handler, status, b"", {"Location": "https://127.0.0.1:1/elsewhere"})

    path = write(tmp_path, "svc.yaml", service_yaml("hostile-redirect", version="a"))
    created = run_against(world, tmp_path, answer, "create", "-f", path)
    assert created.status == 3, created.err
    assert created.out_lines == [f"{GOOD}: service/hostile-redirect created"]
    assert f"invalid response: HTTP {status}" in hostile_line(created)
    assert world.get(GOOD, "services", "hostile-redirect") is not None

    listed = run_against(world, tmp_path, answer, "get", "svc", "hostile-redirect")
    assert listed.status == 3 and "hostile-redirect" in listed.out, listed.err
    assert f"invalid response: HTTP {status}" in hostile_line(listed)

    deleted = run_against(world, tmp_path, answer, "delete", "svc", "hostile-redirect")
    assert deleted.status == 3, deleted.err
    assert deleted.out_lines == [f"{GOOD}: service/hostile-redirect deleted"]
    assert f"invalid response: HTTP {status}" in hostile_line(deleted)
    assert world.get(GOOD, "services", "hostile-redirect") is None


def endless_chunks(handler: Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    chunk = b"[" * 65536
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    while True:
        handler.wfile.write(frame)


def huge_length(handler: Handler) -> None:
    send(handler, 200, b'{"items": [', {"Content-Length": str(2 * 1024**3)})


def dribble(handler: Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Length", "1000000")
    handler.end_headers()
    for _ in range(1000):
        handler.wfile.write(b" ")
        handler.wfile.flush()
        time.sleep(0.5)


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (endless_chunks, "invalid response: answer larger than 64 MiB"),
        (huge_length, "invalid response: answer larger than 64 MiB"),
        (dribble, "timeout: no answer within 3s"),
    ],
    ids=["endless-chunked", "2GB-content-length", "one-byte-at-a-time"],
)
@pytest.mark.parametrize("client", ["token", "exec-plugin"])
def test_a_body_too_large_or_too_slow_is_that_members_error(
    world: World, tmp_path: Path, answer: Callable[[Handler], None], words: str, client: str
) -> None:
    """Both transports: our own HTTP client (token) and the official one (exec plugin)."""
    user = exec_user(TOKEN_PLUGIN) if client == "exec-plugin" else None
    run = run_against(world, tmp_path, answer, "get", "svc", user=user)
    assert run.status == 3, run.err
    assert words in hostile_line(run)
    assert run.seconds < 15


def deep_json(handler: Handler) -> None:
    send(handler, 200, b"[" * 100_000 + b"]" * 100_000)


def deep_object(handler: Handler) -> None:
    body = '{"items": [' + '{"a": ' * 150 + "1" + "}" * 150 + "]}"
    send(handler, 200, body.encode())


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ([{"kind": "Service"}], "expected a JSON object, got list"),
        ({"kind": "ServiceList", "items": [None, 3]}, "a list whose items are not all objects"),
        ({"kind": "ServiceList", "items": {"a": 1}}, "a list whose items are not all objects"),
        ("just a string", "expected a JSON object, got str"),
    ],
    ids=["list-for-object", "null-and-int-items", "items-a-map", "string"],
)
def test_json_of_the_wrong_shape_is_an_invalid_response(
    world: World, tmp_path: Path, document: object, words: str
) -> None:
    run = run_against(world, tmp_path, lambda h: send_json(h, 200, document), "get", "svc")
    assert run.status == 3, run.err
    assert f"invalid response: {words}" in hostile_line(run)


@pytest.mark.parametrize(
    ("answer", "words"),
    [(deep_json, "JSON nested too deeply"), (deep_object, "nested more than 100 levels deep")],
    ids=["100k-deep", "150-deep"],
)
def test_deep_nesting_is_an_invalid_response(
    world: World, tmp_path: Path, answer: Callable[[Handler], None], words: str
) -> None:
    run = run_against(world, tmp_path, answer, "get", "svc")
    assert run.status == 3, run.err
    assert f"invalid response: {words}" in hostile_line(run)


def test_an_empty_200_is_an_invalid_response(world: World, tmp_path: Path) -> None:
    run = run_against(world, tmp_path, lambda h: send(h, 200, b""), "get", "svc", "x")
    assert run.status in (1, 3), run.err
    assert "invalid response: the server answered with non-JSON" in hostile_line(run)


def test_a_status_body_without_status_is_still_read(world: World, tmp_path: Path) -> None:
    """A JSON object that is not a Status on a 500: the status code speaks."""
    run = run_against(world, tmp_path, lambda h: send_json(h, 500, {"x": 1}), "get", "svc")
    assert run.status == 3 and "server error: HTTP 500" in hostile_line(run), run.err


def service(name: str) -> dict[str, object]:
    return {
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": None},
        "spec": {"type": "ClusterIP", "clusterIP": "10.0.0.9", "ports": [{"port": 80}]},
    }


HOSTILE_NAMES = ["bad\ud800name", "\x1b]0;pwned\x07title", "red\x1b[31mtext\x1b[2J", "two\nlines"]


@pytest.mark.parametrize("output", ["table", "wide", "json", "yaml", "name"])
def test_hostile_strings_are_shown_escaped_and_the_others_rows_printed(
    world: World, tmp_path: Path, output: str
) -> None:
    """Lone surrogates, escape sequences and newlines in names from a member."""
    document = {"kind": "ServiceList", "items": [service(name) for name in HOSTILE_NAMES]}
    body = json.dumps(document).encode()  # ensure_ascii: the surrogate travels as \ud800

    run = run_against(world, tmp_path, lambda h: send(h, 200, body), "get", "svc", "-o", output)
    assert run.status == 0, run.err
    assert "\x1b" not in run.out and "\x07" not in run.out, run.out
    assert "kubernetes" in run.out  # the healthy member's Service
    if output in ("table", "wide"):
        assert "bad\\ud800name" in run.out
        assert "red\\x1b[31mtext\\x1b[2J" in run.out
        assert "two\\nlines" in run.out
        # the header, then each name on each member (<missing> where absent): one line each
        assert len(run.out_lines) == 1 + 2 * (1 + len(HOSTILE_NAMES)), run.out
    if output == "json":
        names = [item["object"]["metadata"]["name"] for item in json.loads(run.out)["items"]]
        assert sorted(names) == sorted([*HOSTILE_NAMES, "kubernetes"])
    if output == "name":
        assert "service/red\\x1b[31mtext\\x1b[2J" in run.out_lines


def test_a_status_message_cannot_forge_a_line_for_another_member(
    world: World, tmp_path: Path
) -> None:
    message = f"gone\nerror: cluster {GOOD}: forbidden: \x1b[31mfake"
    status = {"kind": "Status", "status": "Failure", "message": message, "code": 403}
    run = run_against(world, tmp_path, lambda h: send_json(h, 403, status), "get", "svc")
    assert run.status == 3, run.err
    assert run.err_lines == [
        f"error: cluster {HOSTILE}: forbidden: gone\\nerror: cluster {GOOD}: forbidden: "
        "\\x1b[31mfake"
    ]


def versioned(handler: Handler) -> None:
    """A member whose version, zones and objects carry escape sequences and newlines."""
    if handler.path.startswith("/version"):
        send_json(handler, 200, {"gitVersion": "v1.29\x1b[2J\nus-central1 forged"})
    elif "/services/" in handler.path:
        obj = service("web")
        obj["metadata"]["annotations"] = {"note": "web\x1b]0;title\x07\nForged: yes"}  # type: ignore[index]
        send_json(handler, 200, obj)
    else:
        send_json(handler, 200, {"kind": "List", "items": []})


@pytest.mark.parametrize(
    "args", [("clusters",), ("describe", "svc", "web"), ("doctor",)], ids=lambda a: a[0]
)
def test_member_strings_are_escaped_in_clusters_describe_and_doctor(
    world: World, tmp_path: Path, args: tuple[str, ...]
) -> None:
    run = run_against(world, tmp_path, versioned, *args)
    for text in (run.out, run.err):
        assert "\x1b" not in text and "\x07" not in text, text
    assert not any(line.startswith(("us-central1 forged", "Forged:")) for line in run.out_lines)
    if args[0] == "clusters":
        assert "v1.29\\x1b[2J\\nus-central1 forged" in run.out, run.out
    if args[0] == "describe":
        assert "web\\x1b]0;title\\x07\\nForged: yes" in run.out, run.out


def test_a_write_without_answer_is_reported_as_of_unknown_outcome(
    world: World, tmp_path: Path
) -> None:
    """A member that holds a DELETE past the deadline (and may well do it afterwards)."""

    def holds_writes(handler: Handler) -> None:
        if handler.command == "DELETE":
            time.sleep(6)
        send_json(handler, 200, {"kind": "Status", "status": "Success"})

    run = run_against(world, tmp_path, holds_writes, "delete", "svc", "nowhere")
    assert run.status == 1, run.err  # not found on the healthy member, unknown on this one
    assert run.err_lines == [
        f'error: cluster {GOOD}: service default/nowhere: not found: services "nowhere" not found',
        f"error: cluster {HOSTILE}: timeout: no answer within 3s: the request was sent; "
        "its outcome is unknown",
    ]


def test_a_long_list_page_is_no_problem(world: World, tmp_path: Path) -> None:
    """A page of 500 objects holds far more values than any one manifest may: fine."""
    items = [service(f"many-{i}") for i in range(500)]
    for item in items:
        item["metadata"]["labels"] = {f"k{j}": "v" for j in range(250)}  # type: ignore[index]
    body = json.dumps({"kind": "ServiceList", "items": items}).encode()
    run = run_against(world, tmp_path, lambda h: send(h, 200, body), "get", "svc", "-o", "name")
    assert run.status == 0, run.err
    assert "service/many-499" in run.out_lines
