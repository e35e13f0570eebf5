"""E-mail from HQ (alerts, the weekly digest) over SMTP, configured by one URL.

``--smtp-url`` forms: ``smtp://HOST[:PORT]`` (plain, port 25), ``smtp+starttls://…``
(STARTTLS, port 587), ``smtps://…`` (TLS from the start, port 465); a user and password
as ``smtp://USER:PASSWORD@HOST``; the sender as ``?from=hq@example.com`` (default
``effortless@<host>``). The password is never logged or shown: ``Mailer.shown`` leaves it out.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

log = logging.getLogger(__name__)

SMTP_TIMEOUT_S = 20.0
_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
MAX_ADDRESS_CHARS = 254


class MailError(ValueError):
    """An SMTP URL or address HQ cannot use; ``str(e)`` says why (never the password)."""


def check_address(address: str) -> str:
    """An e-mail address as typed, stripped; MailError if it is not one."""
    address = address.strip()
    if len(address) > MAX_ADDRESS_CHARS or any(c.isspace() or ord(c) < 32 for c in address):
        raise MailError(f"{address[:80]!r} is not an e-mail address")
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or domain.startswith("."):
        raise MailError(f"{address[:80]!r} is not an e-mail address")
    try:
        Address(addr_spec=address)
    except (ValueError, IndexError):
        raise MailError(f"{address[:80]!r} is not an e-mail address") from None
    return address


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]
    subject: str
    text: str
    html: str | None = None


@dataclass(frozen=True)
class Mailer:
    scheme: str
    host: str
    port: int
    user: str | None
    password: str | None = field(repr=False)
    sender: str = ""

    @classmethod
    def from_url(cls, url: str) -> Mailer:
        parts = urlsplit(url.strip())
        if parts.scheme not in _PORTS:
            raise MailError(
                "the SMTP URL must begin smtp://, smtp+starttls:// or smtps:// "
                f"(not {parts.scheme[:20]!r})"
            )
        try:
            port = parts.port or _PORTS[parts.scheme]
        except ValueError:
            raise MailError("the SMTP URL's port is not a number from 1 to 65535") from None
        if not parts.hostname:
            raise MailError("the SMTP URL names no host")
        query = parse_qs(parts.query)
        sender = query.get("from", [f"effortless@{parts.hostname}"])[-1]
        return cls(
            scheme=parts.scheme,
            host=parts.hostname,
            port=port,
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            sender=check_address(sender),
        )

    @property
    def shown(self) -> str:
        """The server as logs and messages name it (no password)."""
        user = f"{self.user}@" if self.user else ""
        return f"{self.scheme}://{user}{self.host}:{self.port}"

    def message(self, mail: Mail) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = ", ".join(mail.to)
        msg["Subject"] = mail.subject
        msg["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2])
        msg.set_content(mail.text)
        if mail.html is not None:
            msg.add_alternative(mail.html, subtype="html")
        return msg

    def send(self, mail: Mail) -> None:
        """Send one message; OSError or smtplib.SMTPException if the server did not take it."""
        msg = self.message(mail)
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if self.scheme == "smtps":
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT_S, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_S)
        with client:
            if self.scheme == "smtp+starttls":
                client.starttls(context=context)
            if self.user is not None:
                client.login(self.user, self.password or "")
            client.send_message(msg)
        log.info("sent %r to %d recipient(s) via %s", mail.subject[:80], len(mail.to), self.shown)
