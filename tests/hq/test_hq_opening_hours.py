"""Stores' opening hours at HQ: set and listed with ces-hq, kept through a schema upgrade,
and sent to the store's kiosks in their config."""

from __future__ import annotations

import json
import subprocess

import pytest
from hq_helpers import HQ, mark_schema_version, stored_schema_version
from hqserver import ces_hq
from sqlalchemy import text

from hq import storeinfo
from hq.db.database import HQDatabase
from hq.db.tables import SCHEMA_VERSION
from sync.remote_config import parse_config

HOURS = "mon-fri 09:00-21:00; sat 09:00-18:00; sun closed"


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def listed(where: list[str]) -> dict[str, dict[str, str | None]]:
    result = ces_hq("store", "list", "--json", *where)
    assert result.returncode == 0, result.stderr
    return {s["store"]: s for s in json.loads(result.stdout)["stores"]}


def test_store_set_hours_lists_them_canonical_and_clears_them(database_url: str) -> None:
    where = ["--database-url", database_url]
    done = ces_hq("store", "set", "s001", "--hours", "Sat 9:00-18:00; MA-VR 09:00-21:00", *where)
    assert done.returncode == 0, done.stderr
    assert listed(where)["s001"]["opening_hours"] == HOURS
    table = ces_hq("store", "list", *where).stdout
    assert "OPENING HOURS" in table
    assert HOURS in table
    # Other settings leave the hours alone; '' clears them.
    assert ces_hq("store", "set", "s001", "--region", "north", *where).returncode == 0
    assert listed(where)["s001"]["opening_hours"] == HOURS
    assert ces_hq("store", "set", "s001", "--hours", "", *where).returncode == 0
    assert listed(where)["s001"]["opening_hours"] is None
    assert listed(where)["s001"]["region"] == "north"


@pytest.mark.parametrize(
    ("hours", "problem"),
    [
        ("mon 25:00-26:00", "opening hours 'mon 25:00-26:00': 25:00 is not a time of day"),
        ("fri 22:00-02:00", "past midnight"),
        ("mon 09:00-12:00,11:00-13:00", "time ranges overlap"),
        ("mon closed; mon 09:00-10:00", "mon is named twice"),
        ("mon \u0661\u0660:00-12:00", "is not a time"),
        ("mon 09:00-17:00\x01", "control characters"),
        ("mon " + "09:00-10:00," * 100, "longer than 500 characters"),
        ("whenever", "give days and then hours"),
    ],
)
def test_store_set_refuses_bad_hours_in_one_line_and_keeps_the_old(
    sqlite_database_url: str, hours: str, problem: str
) -> None:
    where = ["--database-url", sqlite_database_url]
    assert ces_hq("store", "set", "s001", "--hours", HOURS, *where).returncode == 0
    assert problem in one_line_error(ces_hq("store", "set", "s001", "--hours", hours, *where))
    assert listed(where)["s001"]["opening_hours"] == HOURS


def test_a_schema_6_database_gets_the_opening_hours_column(database_url: str) -> None:
    db = HQDatabase.open(database_url)
    storeinfo.set_store(db, "s001", name="Centrum", time_zone="Europe/Amsterdam")
    with db.engine.begin() as conn:
        conn.execute(text("ALTER TABLE stores DROP COLUMN opening_hours"))
        mark_schema_version(conn, 6)
    db.close()
    upgraded = HQDatabase.open(database_url)
    try:
        with upgraded.reading() as conn:
            assert stored_schema_version(conn) == str(SCHEMA_VERSION)
        (store,) = storeinfo.store_list(upgraded)
        assert (store.name, store.time_zone, store.opening_hours) == (
            "Centrum",
            "Europe/Amsterdam",
            None,
        )
        storeinfo.set_store(upgraded, "s001", opening_hours="sun 10:00-17:00")
        (store,) = storeinfo.store_list(upgraded)
        assert store.opening_hours == "mon-sat closed; sun 10:00-17:00"
    finally:
        upgraded.close()


def test_the_config_carries_the_stores_hours_and_zone_only_when_set(hq: HQ) -> None:
    _, token = hq.kiosk(store="s042")
    plain = hq.get("/api/v1/config", token)
    assert "opening_hours" not in plain.json()
    assert "time_zone" not in plain.json()
    assert parse_config(plain.json()).opening_hours is None

    storeinfo.set_store(hq.db, "s042", opening_hours="sat 09:00-18:00; mon-fri 09:00-21:00")
    storeinfo.set_chain_zone(hq.db, "Europe/Amsterdam")
    with_hours = hq.get("/api/v1/config", token, headers={"If-None-Match": plain.headers["etag"]})
    assert with_hours.status_code == 200  # new hours, new ETag
    body = with_hours.json()
    assert body["opening_hours"] == HOURS
    assert body["time_zone"] == "Europe/Amsterdam"  # the chain's: the store has none
    kiosk_side = parse_config(body)
    assert kiosk_side.opening_hours is not None
    assert kiosk_side.opening_hours.text() == HOURS
    assert kiosk_side.time_zone == "Europe/Amsterdam"

    storeinfo.set_store(hq.db, "s042", time_zone="Europe/Lisbon")
    assert hq.get("/api/v1/config", token).json()["time_zone"] == "Europe/Lisbon"

    # Another store's kiosk gets none of it.
    _, other = hq.kiosk(store="s043")
    assert "opening_hours" not in hq.get("/api/v1/config", other).json()

    storeinfo.set_store(hq.db, "s042", opening_hours="")
    cleared = hq.get("/api/v1/config", token).json()
    assert "opening_hours" not in cleared
    assert "time_zone" not in cleared
