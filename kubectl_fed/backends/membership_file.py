"""Reading and atomically writing the membership file (`$KUBECTL_FED_CONFIG`)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import yaml

from kubectl_fed.backends.local_files import InputError, read_regular_file
from kubectl_fed.core.members.membership import FederationConfig, parse_federation_config
from kubectl_fed.core.model.limits import MAX_INPUT_BYTES, expansion_problem
from kubectl_fed.errors import UsageError

ENV_VAR = "KUBECTL_FED_CONFIG"
DEFAULT_PATH = "~/.kube/kubectl-fed.yaml"
LOCK_WAIT = 10.0


def membership_path(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return os.path.expanduser(env.get(ENV_VAR) or DEFAULT_PATH)


def read_membership(path: str) -> FederationConfig:
    """The saved federations; a missing file means none yet."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it
    try:
        text = read_regular_file(path, MAX_INPUT_BYTES).decode("utf-8")
        document = yaml.load(text, Loader=loader)
        problem = expansion_problem(document)
        if problem:
            raise InputError(problem)
    except FileNotFoundError:
        return FederationConfig()
    except (OSError, ValueError, yaml.YAMLError) as err:  # UnicodeDecodeError, InputError
        first_line = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise UsageError(f"membership file {path}: {first_line}") from None
    return parse_federation_config(document, f"membership file {path}")


@contextmanager
def membership_lock(path: str, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Hold the membership file's lock (`FILE.lock` beside it): one writer at a time.

    Waits at most `wait` seconds for another run to finish its change.
    """
    import fcntl

    target = os.path.realpath(path)
    os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
    try:
        descriptor = os.open(target + ".lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError as err:
        raise UsageError(f"membership file {path}: cannot lock: {err.strerror}") from None
    try:
        end = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= end:
                    raise UsageError(
                        f"membership file {path}: another kubectl-fed run is changing it "
                        f"(waited {wait:g}s); try again"
                    ) from None
                time.sleep(0.02)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def write_membership(path: str, config: FederationConfig) -> None:
    """Replace the file in one step, so a crash never leaves half a file behind.

    A symlinked path is written through: the file it points to is replaced, the link kept.
    """
    import tempfile  # only joins and unjoins write: reads stay lighter without it

    path = os.path.realpath(path)
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    text = yaml.safe_dump(config.to_document(), sort_keys=False, default_flow_style=None)
    handle, temporary = tempfile.mkstemp(prefix=".kubectl-fed-", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
