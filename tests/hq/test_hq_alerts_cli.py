"""`ces-hq alert ...`: rules added, listed and removed; `alert check` evaluates now and
sends by e-mail and webhook; bad input is one line on stderr."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta

import pytest
from alert_data import answers, store
from hqserver import ces_hq
from smtp_inbox import Inbox
from webhook_receiver import receiving

from hq.db.database import HQDatabase
from hq.moments import utcnow


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_rules_are_added_listed_and_removed(database_url: str) -> None:
    where = ["--database-url", database_url]
    added = ces_hq(
        "alert", "rule", "add", "--kind", "easy-below-baseline", "--scope", "store:s001",
        "--set", "baseline_weeks=6", "--email", "manager@example.org",
        "--webhook", "https://outlook.office.com/webhook/abc/IncomingWebhook/SECRET",
        "--format", "teams", "--quiet-hours", "22:00-07:00", *where,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.stdout == "rule 1 added\n"
    listed = ces_hq("alert", "rule", "list", *where)
    assert "easy-below-baseline  store s001" in listed.stdout
    assert "teams webhook outlook.office.com" in listed.stdout
    assert "SECRET" not in listed.stdout
    [rule] = json.loads(ces_hq("alert", "rule", "list", "--json", *where).stdout)["rules"]
    assert rule["settings"]["baseline_weeks"] == 6
    assert rule["webhook_host"] == "outlook.office.com"
    assert rule["quiet_hours"] == "22:00-07:00"
    assert rule["created_by"].startswith("cli:")
    assert ces_hq("alert", "rule", "disable", "1", *where).stdout == "rule 1 disabled\n"
    assert ces_hq("alert", "rule", "remove", "1", *where).stdout == "rule 1 removed\n"
    assert one_line_error(ces_hq("alert", "rule", "remove", "1", *where)) == (
        "ces-hq: error: no rule 1"
    )


@pytest.mark.parametrize(
    ("options", "error"),
    [
        (["--kind", "all"], "kind 'all': expected one of easy-below-target, "),
        (["--scope", "galaxy:far"], "scope 'galaxy:far': expected chain, region:ID"),
        (["--scope", "store:../../etc"], "scope store: '../../etc' is not an id"),
        (["--webhook", "file:///etc/passwd"], "the webhook URL must begin https://"),
        (["--webhook", "javascript:alert(1)"], "the webhook URL must begin https://"),
        (["--webhook", "https://" + "x" * 5000], "at most 2000 printable characters"),
        (["--name", "n" * 10_000], "a rule's name is at most 100 printable characters"),
        (["--set", "k=NaN"], "k: expected a whole number from 2 to 1000"),
        (["--set", "window_days=7"], "difficult-run has no setting 'window_days'"),
        (["--email", "x@y"], "'x@y' is not an e-mail address"),
        (["--format", "xml", "--webhook", "https://example.org/h"], "webhook format 'xml'"),
    ],
)
def test_hostile_rules_are_refused_in_one_line(
    sqlite_database_url: str, options: list[str], error: str
) -> None:
    where = ["--database-url", sqlite_database_url]
    if "--kind" not in options:
        options = ["--kind", "difficult-run", *options]
    line = one_line_error(ces_hq("alert", "rule", "add", *options, *where))
    assert error in line
    assert json.loads(ces_hq("alert", "rule", "list", "--json", *where).stdout) == {"rules": []}


def test_check_raises_and_sends_once(database_url: str, smtp_inbox: Inbox) -> None:
    where = ["--database-url", database_url]
    db = HQDatabase.open(database_url)
    try:
        till = store(db)
        answers(
            db, till, [1] * 6, start=utcnow() - timedelta(minutes=10), every=timedelta(minutes=1)
        )
    finally:
        db.close()
    with receiving() as receiver:
        added = ces_hq(
            "alert", "rule", "add", "--kind", "difficult-run", "--email", "ops@example.org",
            "--webhook", receiver.url, "--format", "slack", *where,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        dry = ces_hq("alert", "check", "--dry-run", *where)
        assert dry.returncode == 0, dry.stderr
        assert "would open: rule 1: s001 Centrum · in_store_purchase: 6 difficult" in dry.stdout
        assert json.loads(ces_hq("alert", "list", "--json", *where).stdout) == {"alerts": []}
        send = ["--smtp-url", smtp_inbox.url, "--public-url", "https://hq.example.org"]
        checked = ces_hq("alert", "check", *send, *where)
        assert checked.returncode == 0, checked.stderr
        assert "opened: rule 1:" in checked.stdout
        assert "sent 2, to retry 0, failed 0" in checked.stdout
        again = ces_hq("alert", "check", *send, *where)
        assert "0 opened, 1 still open" in again.stdout
        assert "sent 0" in again.stdout
        [slack] = receiver.bodies()
    assert slack["text"].startswith("s001 Centrum · in_store_purchase: 6 difficult answers")
    [mail] = smtp_inbox.wait_for(1)
    assert mail["Subject"].startswith("Effortless alert: s001 Centrum")
    [alert] = json.loads(ces_hq("alert", "list", "--json", *where).stdout)["alerts"]
    assert alert["count"] == 2
    assert alert["deliveries"] == [
        {"channel": "email", "status": "sent", "attempts": 1},
        {"channel": "webhook", "status": "sent", "attempts": 1},
    ]
    listed = ces_hq("alert", "list", *where)
    assert "open" in listed.stdout
    assert "6 difficult answers" in listed.stdout


def test_check_with_a_bad_smtp_url_is_one_line(sqlite_database_url: str) -> None:
    line = one_line_error(
        ces_hq("alert", "check", "--smtp-url", "ftp://x", "--database-url", sqlite_database_url)
    )
    assert line.startswith("ces-hq: error: --smtp-url: the SMTP URL must begin smtp://")
