"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for alert and
digest e-mail tests: the ``smtp_inbox`` fixture (tests/hq/conftest.py)."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Inbox:
    """Messages as they arrived, parsed; ``url`` is the --smtp-url that reaches it."""

    url: str = ""
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _arrived: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self._arrived = threading.Condition(self._lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._arrived:
            self.messages.append(parsed)
            self.envelopes.append((envelope.mail_from, tuple(envelope.rcpt_tos)))
            self._arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 20.0) -> list[EmailMessage]:
        """The first ``count`` messages, once that many have arrived (AssertionError if not
        within ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"{len(self.messages)} message(s) arrived, expected {count}"
                    )
                self._arrived.wait(left)
            return list(self.messages[:count])


def start_inbox(inbox: Inbox | None = None) -> tuple[Inbox, Controller]:
    """Serve ``inbox`` (a new one by default; a subclass may answer differently) on a free
    port of 127.0.0.1; stop the controller when done."""
    inbox = inbox or Inbox()
    # aiosmtpd checks that its server is up by connecting to the port it was given, so it
    # needs a real one, not 0.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{port}?from=hq@example.org"
    return inbox, controller
