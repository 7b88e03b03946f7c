"""The official kubernetes client, for contexts `HttpTransport` does not serve.

Exec credential plugins, auth providers, socks proxies and any kubeconfig setting we do not
implement ourselves: the official client knows them all. Importing it costs about 0.3 s,
so this module is imported only when such a context is first called.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from kubectl_fed.backends.exec_plugins import supervise
from kubectl_fed.backends.memory_files import memory_file
from kubectl_fed.core.members.results import ClusterCallError, Reason

if TYPE_CHECKING:
    from kubernetes.client import ApiClient


def official_client(
    document: dict[str, Any],
    context: str,
    *,
    base_path: str,
    pool_size: int,
    user_agent: str,
    plugin_time_limit: float,
) -> ApiClient:
    """An ApiClient for `context` of the kubeconfig `document` (runs its exec plugin, if any).

    `base_path` is the folder of the kubeconfig file that defined the user: exec plugins
    run there, as kubectl runs them, and are killed after `plugin_time_limit` seconds.
    """
    from kubernetes.client import ApiClient, Configuration
    from kubernetes.config import exec_provider, kube_config

    _credentials_in_memory(kube_config)
    supervise(exec_provider, plugin_time_limit)
    loader_class: Any = kube_config.KubeConfigLoader  # the client is untyped here

    configuration = Configuration()
    with _captured_client_errors() as errors:
        try:
            loader = loader_class(
                config_dict=document, active_context=context, config_base_path=base_path
            )
            loader.load_and_set(configuration)
        except Exception as err:
            raise ClusterCallError(Reason.UNAUTHORIZED, f"credentials: {err}") from None
    if errors and not configuration.api_key and not configuration.cert_file:
        raise ClusterCallError(Reason.UNAUTHORIZED, f"credentials: {errors[-1]}")
    if not configuration.verify_ssl:
        from kubectl_fed.backends.http_pools import quiet_insecure_warnings

        quiet_insecure_warnings()
    configuration.connection_pool_maxsize = pool_size
    configuration.retries = False  # retries are ours (backends/kube.py), not urllib3's
    client = ApiClient(configuration)
    client.user_agent = user_agent
    return client


def _credentials_in_memory(kube_config: Any) -> None:
    """The client writes `*-data` (client keys among them) to temporary files that stay
    on disk when the process is killed: give it in-memory files instead."""

    def in_memory(content: str | bytes, *_args: Any, **_kwargs: Any) -> str:
        return memory_file(content.encode() if isinstance(content, str) else content)

    kube_config._create_temp_file_with_content = in_memory


class _ThreadErrors(logging.Handler):
    """Collects the kubernetes client's logged errors (it logs, not raises, exec failures)."""

    local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        sink = getattr(self.local, "sink", None)
        if sink is not None and record.levelno >= logging.ERROR:
            sink.append(record.getMessage().splitlines()[0])


_HANDLER = _ThreadErrors()


@contextmanager
def _captured_client_errors() -> Iterator[list[str]]:
    root = logging.getLogger()
    if _HANDLER not in root.handlers:
        root.addHandler(_HANDLER)
    sink: list[str] = []
    _ThreadErrors.local.sink = sink
    try:
        yield sink
    finally:
        _ThreadErrors.local.sink = None
