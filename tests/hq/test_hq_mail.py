"""E-mail from HQ: the SMTP URL of --smtp-url, and a message as a real SMTP server gets it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hqserver import ces_hq
from smtp_inbox import Inbox

from hq.mail import Mail, Mailer, MailError, check_address


def test_a_message_arrives_with_its_text_and_html_parts(smtp_inbox: Inbox) -> None:
    mailer = Mailer.from_url(smtp_inbox.url)
    mailer.send(
        Mail(
            to=("anna@example.org", "bert@example.org"),
            subject="Effortless: % easy fell in Centrum",
            text="71% easy (n=212)",
            html="<p>71% easy (<i>n</i>=212)</p>",
        )
    )
    (message,) = smtp_inbox.wait_for(1)
    assert message["Subject"] == "Effortless: % easy fell in Centrum"
    assert message["From"] == "hq@example.org"
    assert smtp_inbox.envelopes == [("hq@example.org", ("anna@example.org", "bert@example.org"))]
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    assert text.get_content().strip() == "71% easy (n=212)"
    assert "<i>n</i>=212" in html.get_content()


def test_a_server_that_does_not_answer_is_an_os_error_not_a_hang() -> None:
    import socket

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    mailer = Mailer.from_url(f"smtp://127.0.0.1:{port}")
    with pytest.raises(ConnectionRefusedError):
        mailer.send(Mail(("a@example.org",), "s", "t"))


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://mail.example.org", "must begin smtp://"),
        ("smtp://", "names no host"),
        ("smtp://mail.example.org:99999", "port"),
        ("smtp://mail.example.org?from=not-an-address", "not an e-mail address"),
        ("smtp://mail.example.org?from=a@b.nl%0d%0aBcc:%20x@evil.example", "not an e-mail"),
    ],
)
def test_an_unusable_smtp_url_is_refused_with_the_reason(url: str, problem: str) -> None:
    with pytest.raises(MailError, match=problem):
        Mailer.from_url(url)


def test_the_password_is_never_shown() -> None:
    mailer = Mailer.from_url("smtp+starttls://hq%40example.org:s3cr%3At@mail.example.org")
    assert (mailer.user, mailer.password, mailer.port) == ("hq@example.org", "s3cr:t", 587)
    assert "s3cr" not in mailer.shown
    assert "s3cr" not in repr(mailer)
    assert mailer.shown == "smtp+starttls://hq@example.org@mail.example.org:587"


@pytest.mark.parametrize(
    "address", ["", "anna", "anna@", "@example.org", "anna@localhost", "a b@example.org", "x" * 300]
)
def test_check_address_refuses_what_is_not_an_address(address: str) -> None:
    with pytest.raises(MailError):
        check_address(address)


def test_check_address_keeps_an_address() -> None:
    assert check_address("  anna.de.vries@winkel.example.nl ") == "anna.de.vries@winkel.example.nl"


def test_serve_refuses_an_unusable_smtp_url_in_one_line_and_never_shows_the_password(
    tmp_path: Path,
) -> None:
    result = ces_hq(
        "serve",
        "--data-dir",
        str(tmp_path),
        "--port",
        "0",
        "--smtp-url",
        "smtp://hq:sup3rsecret@mail.example.org:70000",
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "ces-hq: error: --smtp-url: the SMTP URL's port is not a number from 1 to 65535"
    ]
    assert "sup3rsecret" not in result.stdout + result.stderr
