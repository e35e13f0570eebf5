"""Alerts delivered: e-mail to a real SMTP server on loopback, webhooks to a real HTTP
receiver as plain JSON, Slack and Teams bodies; a failing receiver retried with a back-off;
quiet hours hold the sending back, never the inbox."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from alert_data import NOW, answers, rule, store
from smtp_inbox import Inbox
from webhook_receiver import receiving

from hq.alerts import rules
from hq.alerts.delivery import MAX_ATTEMPTS, Sender, deliver_due
from hq.alerts.inbox import evaluate, inbox
from hq.db.database import HQDatabase
from hq.mail import Mailer

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
PUBLIC = "https://hq.example.org/"


def bad_run(db: HQDatabase, at: object = NOW) -> None:
    till = store(db)
    answers(db, till, [1] * 5, start=at - 10 * MINUTE, every=MINUTE)  # type: ignore[operator]


def test_an_alert_arrives_by_e_mail(db: HQDatabase, smtp_inbox: Inbox) -> None:
    bad_run(db)
    rule(db, rules.DIFFICULT_RUN, emails=["manager@example.org", "area@example.org"])
    sender = Sender(Mailer.from_url(smtp_inbox.url), PUBLIC)
    evaluate(db, NOW)
    assert deliver_due(db, NOW, sender).sent == 1
    [message] = smtp_inbox.wait_for(1)
    assert message["Subject"] == (
        "Effortless alert: s001 Centrum · in_store_purchase: 5 difficult answers in the last "
        "30 minutes"
    )
    assert message["To"] == "manager@example.org, area@example.org"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "5 answers in the difficult band since 2026-11-25 14:50 (Europe/Amsterdam)" in text
    [alert] = inbox(db, None)
    assert f"https://hq.example.org/alerts#alert-{alert.id}" in text
    assert alert.deliveries == (("email", "sent", 1),)


def test_without_a_mailer_e_mail_is_skipped_and_the_inbox_has_it(db: HQDatabase) -> None:
    bad_run(db)
    rule(db, rules.DIFFICULT_RUN, emails=["manager@example.org"])
    evaluate(db, NOW)
    assert deliver_due(db, NOW, Sender(None, PUBLIC)).skipped == 1
    [alert] = inbox(db, None)
    assert alert.deliveries == (("email", "skipped", 1),)


@pytest.mark.parametrize("fmt", ["json", "slack", "teams"])
def test_webhook_bodies(sqlite_database_url: str, fmt: str) -> None:
    db = HQDatabase.open(sqlite_database_url)
    try:
        bad_run(db)
        with receiving() as receiver:
            rule(db, rules.DIFFICULT_RUN, webhook_url=receiver.url, webhook_format=fmt)
            evaluate(db, NOW)
            assert deliver_due(db, NOW, Sender(None, PUBLIC)).sent == 1
            [(path, headers, body)] = receiver.received
        [alert] = inbox(db, None)
    finally:
        db.close()
    assert path == "/hooks/T000/SECRET-TOKEN"
    assert headers["Content-Type"] == "application/json"
    title = "s001 Centrum · in_store_purchase: 5 difficult answers in the last 30 minutes"
    link = f"https://hq.example.org/alerts#alert-{alert.id}"
    if fmt == "json":
        assert body["type"] == "effortless.alert"
        assert body["alert"]["title"] == title
        assert body["alert"]["store"] == "s001"
        assert body["alert"]["url"] == link
    elif fmt == "slack":
        assert body["text"] == title
        assert body["blocks"][0]["text"]["text"].startswith(f"*{title}*\n5 answers")
        assert f"<{link}|Open the alert inbox>" in body["blocks"][1]["elements"][0]["text"]
    else:
        assert body["@type"] == "MessageCard"
        assert body["title"] == title
        assert body["potentialAction"][0]["targets"][0]["uri"] == link


def test_a_failing_receiver_is_retried_with_a_back_off(db: HQDatabase, expect_log: Any) -> None:
    expect_log("effortless.hq.alerts", r"webhook to 127\.0\.0\.1: HTTP 500; try 1 of")
    bad_run(db)
    with receiving([500]) as receiver:
        rule(db, rules.DIFFICULT_RUN, webhook_url=receiver.url)
        sender = Sender(None, PUBLIC)
        evaluate(db, NOW)
        assert deliver_due(db, NOW, sender).retrying == 1
        # Not again before the back-off is over ...
        assert deliver_due(db, NOW + 30 * timedelta(seconds=1), sender).sent == 0
        # ... then once more, and it arrives.
        assert deliver_due(db, NOW + 2 * MINUTE, sender).sent == 1
        assert len(receiver.bodies()) == 2
        # Sent is sent: later looks send nothing.
        assert deliver_due(db, NOW + HOUR, sender).sent == 0
        assert len(receiver.bodies()) == 2
    [alert] = inbox(db, None)
    assert alert.deliveries == (("webhook", "sent", 2),)


def test_a_receiver_that_never_takes_it_is_given_up_on(
    sqlite_database_url: str, expect_log: Any
) -> None:
    expect_log("effortless.hq.alerts", r"HTTP 503; try \d of")
    expect_log("effortless.hq.alerts", r"HTTP 503; given up after \d+ tries")
    db = HQDatabase.open(sqlite_database_url)
    try:
        bad_run(db)
        with receiving([503] * 50) as receiver:
            rule(db, rules.DIFFICULT_RUN, webhook_url=receiver.url)
            evaluate(db, NOW)
            sender = Sender(None, PUBLIC)
            at = NOW
            for _ in range(20):
                deliver_due(db, at, sender)
                at += 2 * HOUR
            assert len(receiver.bodies()) == MAX_ATTEMPTS
        [alert] = inbox(db, None)
        assert alert.deliveries == (("webhook", "failed", MAX_ATTEMPTS),)
    finally:
        db.close()


def test_webhook_urls_are_logged_by_host_only(
    sqlite_database_url: str, caplog: pytest.LogCaptureFixture, expect_log: Any
) -> None:
    expect_log("effortless.hq.alerts", "webhook to 127.0.0.1")
    caplog.set_level("DEBUG")
    db = HQDatabase.open(sqlite_database_url)
    try:
        bad_run(db)
        with receiving([500]) as receiver:
            rule(db, rules.DIFFICULT_RUN, webhook_url=receiver.url)
            evaluate(db, NOW)
            deliver_due(db, NOW, Sender(None, PUBLIC))
    finally:
        db.close()
    assert '"POST /... HTTP/1.1" 500' in caplog.text  # urllib3's own line, path hidden
    assert "SECRET-TOKEN" not in caplog.text


def test_quiet_hours_hold_the_sending_not_the_inbox(db: HQDatabase, smtp_inbox: Inbox) -> None:
    late = NOW + 8 * HOUR  # 23:00 in Amsterdam
    bad_run(db, late)
    with receiving() as receiver:
        rule(
            db,
            rules.DIFFICULT_RUN,
            emails=["manager@example.org"],
            webhook_url=receiver.url,
            webhook_format="slack",
            quiet_hours="22:00-07:00",
        )
        sender = Sender(Mailer.from_url(smtp_inbox.url), PUBLIC)
        evaluate(db, late)
        deliver_due(db, late, sender)
        [alert] = inbox(db, None)
        assert alert.is_open
        assert receiver.bodies() == []
        # 06:55 the next morning: still quiet.
        assert deliver_due(db, NOW + 16 * HOUR - 5 * MINUTE, sender).sent == 0
        # 07:00: both go.
        assert deliver_due(db, NOW + 16 * HOUR, sender).sent == 2
        assert len(receiver.bodies()) == 1
    smtp_inbox.wait_for(1)


def test_one_bad_afternoon_sends_one_message_per_channel(db: HQDatabase, smtp_inbox: Inbox) -> None:
    till = store(db)
    answers(db, till, [1, 2, 6] * 60, start=NOW, every=2 * MINUTE)
    with receiving() as receiver:
        rule(
            db,
            rules.DIFFICULT_RUN,
            emails=["manager@example.org"],
            webhook_url=receiver.url,
            webhook_format="teams",
        )
        sender = Sender(Mailer.from_url(smtp_inbox.url), PUBLIC)
        at = NOW
        while at <= NOW + 6 * HOUR:
            evaluate(db, at)
            deliver_due(db, at, sender)
            at += 5 * MINUTE
        assert len(receiver.bodies()) == 1
    assert len(smtp_inbox.wait_for(1)) == 1
    assert len(smtp_inbox.messages) == 1
