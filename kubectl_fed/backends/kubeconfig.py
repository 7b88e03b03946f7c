"""Kubeconfig: parsed once per run, one transport per member context.

Files: `--kubeconfig PATH`, else `$KUBECONFIG` (colon-separated, merged as kubectl does:
the first file defining a name, or setting current-context, wins; missing files are
skipped), else ~/.kube/config. Contexts are checked up front (cluster and user entries,
referenced files) so a broken kubeconfig is a usage error before any request; credentials
(tokens, exec plugins, client certificates) are only evaluated when a member is first
called.

A context whose credentials are plain data is served by `HttpTransport` (urllib3, see
`kube_http.py`), directly or through an http(s) proxy; any other (exec plugins, auth
providers, socks proxies, settings we do not know) by the official client, which
implements them all. docs/membership-and-fanout.md lists which context takes which path.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kubectl_fed import __version__
from kubectl_fed.backends.local_files import read_regular_file
from kubectl_fed.core.escaping import escaped
from kubectl_fed.core.members.selection import unknown_context
from kubectl_fed.core.model.limits import MAX_INPUT_BYTES, expansion_problem
from kubectl_fed.core.settings import DEFAULT_REQUEST_TIMEOUT
from kubectl_fed.errors import UsageError

if TYPE_CHECKING:
    from kubernetes.client import ApiClient

    from kubectl_fed.backends.kube_http import HttpTarget
    from kubectl_fed.backends.kube_transport import ClosableTransport

DEFAULT_KUBECONFIG = "~/.kube/config"
USER_AGENT = f"kubectl-fed/{__version__}"
_KINDS = ("cluster", "user", "context")
_FILE_KEYS = {
    "cluster": ("certificate-authority",),
    "user": ("client-certificate", "client-key", "tokenFile"),
}
# Settings HttpTransport implements; a context with any other goes to the official client.
_PLAIN_CLUSTER_KEYS = {
    "server",
    "certificate-authority",
    "certificate-authority-data",
    "insecure-skip-tls-verify",
    "tls-server-name",
    "proxy-url",
    "extensions",
}
_PLAIN_USER_KEYS = {
    "token",
    "tokenFile",
    "client-certificate",
    "client-certificate-data",
    "client-key",
    "client-key-data",
    "username",
    "password",
    "extensions",
}


@dataclass(frozen=True)
class ContextInfo:
    name: str
    cluster: str
    server: str
    namespace: str | None
    user: str | None = None


# What the kubeconfig errors suggest to someone without clusters.
SANDBOX_UP = 'eval "$(kubectl fed sandbox up)"'


def kubeconfig_paths(explicit: str | None, environ: Mapping[str, str]) -> list[str]:
    if explicit:
        path = os.path.expanduser(explicit)
        if not os.path.exists(path):
            raise UsageError(f"kubeconfig {explicit}: no such file")
        return [path]
    listed = environ.get("KUBECONFIG", "")
    if listed:
        paths = [os.path.expanduser(p) for p in listed.split(os.pathsep) if p]
        found = [p for p in paths if os.path.isfile(p)]
        if paths and not found:
            named = ", ".join(escaped(p) for p in paths)
            raise UsageError(
                f"no kubeconfig found: $KUBECONFIG names {named}, which does not exist "
                f"(for a local federation to try, run: {SANDBOX_UP})"
            )
        return found
    default = os.path.expanduser(DEFAULT_KUBECONFIG)
    return [default] if os.path.isfile(default) else []


@dataclass(frozen=True)
class _Entry:
    body: dict[str, Any]  # the entry's `cluster`, `user` or `context` mapping
    path: str  # the kubeconfig file that defined it: relative file names start there


class KubeConfig:
    """The merged kubeconfig of this run; `contexts` keeps kubeconfig order."""

    def __init__(self, documents: list[tuple[str, dict[str, Any]]]) -> None:
        self.paths = [path for path, _ in documents]
        self.current_context: str | None = next(
            (str(doc["current-context"]) for _, doc in documents if doc.get("current-context")),
            None,
        )
        self._entries: dict[str, dict[str, _Entry]] = {kind: {} for kind in _KINDS}
        for path, document in documents:
            for kind in _KINDS:
                for raw in document.get(f"{kind}s") or []:
                    self._entries[kind].setdefault(_name(raw), _Entry(_inner(raw, kind), path))
        self.contexts: dict[str, ContextInfo] = {}
        for name, entry in self._entries["context"].items():
            cluster = str(entry.body.get("cluster", ""))
            self.contexts[name] = ContextInfo(
                name=name,
                cluster=cluster,
                server=str(self._body("cluster", cluster).get("server", "")),
                namespace=entry.body.get("namespace") or None,
                user=entry.body.get("user") or None,
            )

    def check_context(self, name: str) -> ContextInfo:
        """The context, or a UsageError naming what is wrong with it."""
        info = self.contexts.get(name)
        if info is None:
            raise UsageError(unknown_context(name, list(self.contexts)))
        if info.cluster not in self._entries["cluster"]:
            raise UsageError(f"context {name!r}: no cluster {info.cluster!r} in kubeconfig")
        if not info.server:
            raise UsageError(f"context {name!r}: cluster {info.cluster!r} has no server")
        _check_server(name, info.server)
        if info.user is not None and info.user not in self._entries["user"]:
            raise UsageError(f"context {name!r}: no user {info.user!r} in kubeconfig")
        self._check_files(name, "cluster", info.cluster)
        if info.user is not None:
            self._check_files(name, "user", info.user)
        return info

    def _body(self, kind: str, name: str | None) -> dict[str, Any]:
        entry = self._entries[kind].get(name or "")
        return dict(entry.body) if entry is not None else {}

    def _check_files(self, context: str, kind: str, entry_name: str) -> None:
        """Files an entry names exist, relative to the kubeconfig file that defines it."""
        for key, path in self._files(kind, entry_name).items():
            if not os.path.isfile(path):
                value = self._body(kind, entry_name)[key]
                raise UsageError(f"context {context!r}: {kind} {key} {value}: no such file")

    def _files(self, kind: str, name: str | None) -> dict[str, str]:
        """The entry's file settings (those without `-data`), as absolute paths."""
        entry = self._entries[kind].get(name or "")
        if entry is None:
            return {}
        base = os.path.dirname(entry.path)
        return {
            key: os.path.join(base, os.path.expanduser(str(entry.body[key])))
            for key in _FILE_KEYS[kind]
            if entry.body.get(key) and not entry.body.get(f"{key}-data")
        }

    # -- transports ---------------------------------------------------------------------

    def transport(
        self,
        context: str,
        *,
        pool_size: int,
        environ: Mapping[str, str],
        plugin_time_limit: float = DEFAULT_REQUEST_TIMEOUT,
    ) -> ClosableTransport:
        """How requests reach `context`'s API server; nothing is evaluated until the first.

        An exec credential plugin that runs longer than `plugin_time_limit` is killed.
        """
        from kubectl_fed.backends.kube_http import HttpTransport
        from kubectl_fed.backends.kube_transport import ApiClientTransport

        target = self.http_target(context, environ)
        if target is not None:
            return HttpTransport(target, pool_size=pool_size, user_agent=USER_AGENT)
        return ApiClientTransport(
            lambda: self.api_client(
                context, pool_size=pool_size, plugin_time_limit=plugin_time_limit
            )
        )

    def http_target(self, context: str, environ: Mapping[str, str]) -> HttpTarget | None:
        """The context as plain data, or None when it needs the official client."""
        from kubectl_fed.backends.kube_http import FileOrData, HttpTarget, server_url
        from kubectl_fed.backends.proxies import env_proxy, supported

        info = self.contexts[context]
        cluster, user = self._body("cluster", info.cluster), self._body("user", info.user)
        if set(cluster) - _PLAIN_CLUSTER_KEYS or set(user) - _PLAIN_USER_KEYS:
            return None
        proxy = _text(cluster.get("proxy-url")) or env_proxy(server_url(info.server), environ)
        if proxy is not None and not supported(proxy):
            return None
        files = {**self._files("cluster", info.cluster), **self._files("user", info.user)}

        def source(entry: dict[str, Any], key: str) -> FileOrData:
            return FileOrData(files.get(key), _text(entry.get(f"{key}-data")))

        return HttpTarget(
            server=info.server,
            ca=source(cluster, "certificate-authority"),
            insecure=str(cluster.get("insecure-skip-tls-verify", "")).lower() == "true",
            tls_server_name=_text(cluster.get("tls-server-name")),
            token=_text(user.get("token")),
            token_file=files.get("tokenFile"),
            client_certificate=source(user, "client-certificate"),
            client_key=source(user, "client-key"),
            username=_text(user.get("username")),
            password=_text(user.get("password")),
            proxy=proxy,
        )

    def api_client(
        self,
        context: str,
        *,
        pool_size: int,
        plugin_time_limit: float = DEFAULT_REQUEST_TIMEOUT,
    ) -> ApiClient:
        """A new official ApiClient for `context` (evaluates its credentials: may run a plugin)."""
        from kubectl_fed.backends.kube_official import official_client

        return official_client(
            self._single_context(context),
            context,
            base_path=self._base_path(context),
            pool_size=pool_size,
            user_agent=USER_AGENT,
            plugin_time_limit=plugin_time_limit,
        )

    def _single_context(self, context: str) -> dict[str, Any]:
        """A kubeconfig of just `context`, its files made absolute, for the official loader."""
        info = self.contexts[context]
        document: dict[str, Any] = {
            "current-context": context,
            "contexts": [{"name": context, "context": self._body("context", context)}],
            "clusters": [],
            "users": [],
        }
        for kind, name in (("cluster", info.cluster), ("user", info.user)):
            if name is not None and name in self._entries[kind]:
                body = {**self._body(kind, name), **self._files(kind, name)}
                document[f"{kind}s"].append({"name": name, kind: body})
        return document

    def portable(self, contexts: Sequence[str]) -> dict[str, Any]:
        """A kubeconfig of only `contexts` and their cluster and user entries, with every file
        they name read into it (`x` becomes `x-data`, `tokenFile` becomes `token`): one that
        works on another machine or in a pod. Nothing else of the merged kubeconfig is kept.
        `exec` and `auth-provider` settings are kept as they are (they run there)."""
        document: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": "Config",
            "current-context": contexts[0] if contexts else "",
            "contexts": [],
            "clusters": [],
            "users": [],
        }
        for context in dict.fromkeys(contexts):
            info = self.check_context(context)
            document["contexts"].append(
                {"name": context, "context": self._body("context", context)}
            )
            for kind, name in (("cluster", info.cluster), ("user", info.user)):
                listed = document[f"{kind}s"]
                if name is None or any(entry["name"] == name for entry in listed):
                    continue
                listed.append({"name": name, kind: self._inlined(kind, name)})
        return document

    def _inlined(self, kind: str, name: str) -> dict[str, Any]:
        body = self._body(kind, name)
        files = self._files(kind, name)
        for key in _FILE_KEYS[kind]:
            body.pop(key, None)
        for key, path in files.items():
            with open(path, "rb") as handle:
                content = handle.read()
            if key == "tokenFile":
                body.setdefault("token", content.decode("utf-8").strip())
            else:
                body[f"{key}-data"] = base64.b64encode(content).decode("ascii")
        return body

    def _base_path(self, context: str) -> str:
        """Where the user's entry was defined: the official client runs exec plugins there."""
        info = self.contexts[context]
        entry = self._entries["user"].get(info.user or "") or self._entries["context"][context]
        return os.path.dirname(entry.path)


def load_kubeconfig(explicit: str | None, environ: Mapping[str, str] | None = None) -> KubeConfig:
    """Parse the kubeconfig once; missing or broken files are a UsageError."""
    paths = kubeconfig_paths(explicit, os.environ if environ is None else environ)
    if not paths:
        raise UsageError(
            "no kubeconfig found: set --kubeconfig or $KUBECONFIG "
            f"(for a local federation to try, run: {SANDBOX_UP})"
        )
    try:
        return KubeConfig([(path, read_kubeconfig_file(path)) for path in paths])
    except Exception as err:
        raise UsageError(f"invalid kubeconfig {os.pathsep.join(paths)}: {_short(err)}") from None


def read_kubeconfig_file(path: str) -> dict[str, Any]:
    """One kubeconfig file, with libyaml's loader when PyYAML has it (about 50x faster)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    text = read_regular_file(path, MAX_INPUT_BYTES).decode("utf-8")
    document = yaml.load(text, Loader=loader)
    problem = expansion_problem(document)
    if problem:
        raise ValueError(f"{path}: {problem}")
    if document is None:
        raise ValueError(f"{path} is empty")
    if not isinstance(document, dict):
        raise ValueError(f"{path} is not a kubeconfig mapping")
    return document


def _check_server(context: str, server: str) -> None:
    from kubectl_fed.backends.kube_http import server_url

    try:
        server_url(server)
    except ValueError as err:
        raise UsageError(f"context {context!r}: {err}") from None


def _name(raw: Any) -> str:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise ValueError("every cluster, user and context needs a name")
    return str(raw["name"])


def _inner(raw: dict[str, Any], kind: str) -> dict[str, Any]:
    body = raw.get(kind) or {}
    if not isinstance(body, dict):
        raise ValueError(f"{kind} {raw['name']!r} is not a mapping")
    return body


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _short(err: Exception) -> str:
    return str(err).splitlines()[0] if str(err) else type(err).__name__
