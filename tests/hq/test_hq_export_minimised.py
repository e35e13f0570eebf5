"""The minimised export (issue 12): no kiosk_id, every time rounded down to the hour, and
within an hour no time order, so a comment cannot be tied to a till receipt or a camera
image. The dashboard's default, with full=1 for the full one; `ces-hq export --minimised`."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hq_helpers import HQ, log_in, make_answer

from hq import cli, erasure
from hq.dashboard.export import COLUMNS, MINIMISED_COLUMNS, TIMES

HOUR = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=3)
DAY = f"from={HOUR.date().isoformat()}&to={(HOUR + timedelta(hours=4)).date().isoformat()}"
# Ids falling as the answers' times rise, so id order and time order are opposite.
IDS = [f"{c * 8}-{c * 4}-4{c * 3}-8{c * 3}-{c * 12}" for c in "fedcb"]
HOUR_TEXT = HOUR.strftime("%Y-%m-%dT%H:00:00.000Z")


def seed(hq: HQ) -> tuple[str, list[dict[str, Any]]]:
    """Five answers within one hour (minutes 7 to 47), their ids falling; one an hour on."""
    kiosk_id, token = hq.kiosk("s001")
    answers = [
        make_answer(
            id=answer_id,
            seq=i + 1,
            at=HOUR + timedelta(minutes=7 + 10 * i, seconds=13),
            comment=f"opmerking {i}",
        )
        for i, answer_id in enumerate(IDS)
    ]
    answers.append(make_answer(seq=6, at=HOUR + timedelta(hours=1, minutes=5), comment="later"))
    assert {r["status"] for r in hq.results(token, answers)} == {"new"}
    return kiosk_id, answers


def read(content: bytes, fmt: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The export's column names (header row or keys) and its rows."""
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
        rows = list(reader)
        return list(reader.fieldnames or []), rows
    rows = json.loads(content)
    keys = {tuple(row) for row in rows}
    assert len(keys) == 1, "every row has the same keys"
    return list(keys.pop()), rows


def check_minimised(content: bytes, fmt: str, kiosk_id: str) -> None:
    names, rows = read(content, fmt)
    assert names == list(MINIMISED_COLUMNS)
    assert "kiosk_id" not in names
    assert kiosk_id not in content.decode("utf-8-sig")
    assert len(rows) == 6
    first_hour = rows[:5]
    for row in rows:
        for key in TIMES:
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:00:00\.000Z", row[key]), (key, row[key])
    for row in first_hour:
        for key in ("started_at", "answered_at", "finished_at"):
            assert row[key] == HOUR_TEXT, (key, row[key])
    # Within the hour by id, not by time: the shoppers' order is not given away.
    assert [r["id"] for r in first_hour] == sorted(IDS)
    assert [r["comment"] for r in first_hour] == [f"opmerking {i}" for i in (4, 3, 2, 1, 0)]
    assert rows[5]["comment"] == "later"
    assert rows[5]["answered_at"].endswith(":00:00.000Z")


def check_full(content: bytes, fmt: str, kiosk_id: str) -> None:
    names, rows = read(content, fmt)
    assert names == list(COLUMNS)
    assert {r["kiosk_id"] for r in rows} == {kiosk_id}
    assert [r["comment"] for r in rows] == [*(f"opmerking {i}" for i in range(5)), "later"]
    assert rows[0]["answered_at"] == (HOUR + timedelta(minutes=7, seconds=13)).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z"
    )


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_dashboards_export_is_minimised_unless_full_is_asked_for(hq: HQ, fmt: str) -> None:
    kiosk_id, _ = seed(hq)
    session = log_in(hq)
    minimised = session.get(f"{hq.url}/export.{fmt}?{DAY}", timeout=30)
    assert minimised.status_code == 200
    assert "-minimised." in minimised.headers["content-disposition"]
    check_minimised(minimised.content, fmt, kiosk_id)
    # Anything but full=1 is the minimised export too.
    other = session.get(f"{hq.url}/export.{fmt}?{DAY}&full=yes", timeout=30)
    check_minimised(other.content, fmt, kiosk_id)
    full = session.get(f"{hq.url}/export.{fmt}?{DAY}&full=1", timeout=30)
    assert full.status_code == 200
    assert "-full." in full.headers["content-disposition"]
    check_full(full.content, fmt, kiosk_id)
    # Only the full export is in the audit log: who, how many answers, which days.
    (line,) = erasure.audit_entries(hq.db)
    assert (line["actor"], line["action"], line["count"]) == ("anna", "export_full", 6)
    assert line["detail"].startswith(fmt)


def test_every_page_links_both_exports(hq_sqlite: HQ) -> None:
    seed(hq_sqlite)
    page = log_in(hq_sqlite).get(f"{hq_sqlite.url}/comments?{DAY}", timeout=30).text
    query = DAY.replace("&", "&amp;")
    assert f'id="export-csv" href="/export.csv?{query}"' in page
    assert f'id="export-full-csv" href="/export.csv?{query}&amp;full=1"' in page
    assert f'id="export-full-json" href="/export.json?{query}&amp;full=1"' in page
    assert "Full, with kiosk and exact times" in page


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_export_command_is_full_unless_minimised(
    hq: HQ, database_url: str, tmp_path: Path, fmt: str
) -> None:
    kiosk_id, _ = seed(hq)
    when = [
        "--from",
        HOUR.date().isoformat(),
        "--to",
        (HOUR + timedelta(hours=4)).date().isoformat(),
    ]
    full = tmp_path / f"full.{fmt}"
    args = ["export", "--format", fmt, *when, "--database-url", database_url, "--progress", "never"]
    assert cli.main([*args, "--output", str(full)]) == 0
    check_full(full.read_bytes(), fmt, kiosk_id)
    minimised = tmp_path / f"minimised.{fmt}"
    assert cli.main([*args, "--minimised", "--output", str(minimised)]) == 0
    check_minimised(minimised.read_bytes(), fmt, kiosk_id)


def test_an_empty_minimised_export_has_the_minimised_header(hq_sqlite: HQ) -> None:
    session = log_in(hq_sqlite)
    reply = session.get(f"{hq_sqlite.url}/export.csv?from=2020-01-01&to=2020-01-02", timeout=30)
    assert reply.content.decode("utf-8-sig").splitlines() == [",".join(MINIMISED_COLUMNS)]
