"""Reading and atomically writing the membership file (`$KUBECTL_FED_CONFIG`)."""

from __future__ import annotations

import os
from collections.abc import Mapping

import yaml

from kubectl_fed.backends.local_files import InputError, read_regular_file
from kubectl_fed.core.limits import MAX_INPUT_BYTES, expansion_problem
from kubectl_fed.core.membership import FederationConfig, parse_federation_config
from kubectl_fed.errors import UsageError

ENV_VAR = "KUBECTL_FED_CONFIG"
DEFAULT_PATH = "~/.kube/kubectl-fed.yaml"


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


def write_membership(path: str, config: FederationConfig) -> None:
    """Replace the file in one step, so a crash never leaves half a file behind."""
    import tempfile  # only joins and unjoins write: reads stay lighter without it

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
