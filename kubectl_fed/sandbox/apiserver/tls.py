"""The sandbox's certificate authority and the server TLS context it signs."""

from __future__ import annotations

import ssl
from functools import cached_property

import trustme


class SandboxCA:
    """One CA per sandbox; every cluster serves the same certificate for 127.0.0.1/localhost."""

    def __init__(self) -> None:
        self._ca = trustme.CA(organization_name="kubectl-fed sandbox")
        self._server_cert = self._ca.issue_cert("127.0.0.1", "localhost")

    @property
    def ca_pem(self) -> bytes:
        return bytes(self._ca.cert_pem.bytes())

    @cached_property
    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._server_cert.configure_cert(context)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A client context trusting this CA (for tests and the control channel)."""
        context = ssl.create_default_context()
        self._ca.configure_trust(context)
        return context
