"""`ces-hq footfall import`: door-counter files as Excel and counters write them, checked
whole before anything is stored; a bad file names its line and loads nothing."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hqserver import ces_hq
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hq import footfall
from hq.db.database import HQDatabase
from hq.db.tables import footfall as footfall_table

HEADER = "store,date,hour,visitors\n"
# A day the checks take (dates after tomorrow are refused as typos).
DAY = date(2026, 11, 23)


def stored(url: str) -> dict[tuple[str, date, int], int]:
    db = HQDatabase.open(url)
    try:
        with db.reading() as conn:
            return {
                (r.store_id, r.day, r.hour): r.visitors
                for r in conn.execute(select(footfall_table))
            }
    finally:
        db.close()


def write(tmp_path: Path, data: str | bytes, name: str = "footfall.csv") -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


def week(store: str, visitors: int = 100, days: int = 7, hours: range = range(9, 21)) -> str:
    return "".join(
        f"{store},{(DAY + timedelta(days=d)).isoformat()},{h},{visitors}\n"
        for d in range(days)
        for h in hours
    )


# --- through the command line, on SQLite and PostgreSQL ---------------------------------------


def test_a_file_loads_and_says_how_many_rows_stores_and_days(
    database_url: str, tmp_path: Path
) -> None:
    path = write(tmp_path, HEADER + week("s001") + week("s002", 50, days=2))
    done = ces_hq("footfall", "import", str(path), "--database-url", database_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "loaded 108 rows of footfall: 2 stores, 7 days (2026-11-23 .. 2026-11-29)"
    )
    rows = stored(database_url)
    assert len(rows) == 108
    assert rows[("s001", DAY, 9)] == 100
    assert rows[("s002", DAY + timedelta(days=1), 20)] == 50


def test_loading_a_corrected_file_replaces_those_hours_and_keeps_the_rest(
    database_url: str, tmp_path: Path
) -> None:
    first = write(tmp_path, HEADER + week("s001"), "first.csv")
    assert ces_hq("footfall", "import", str(first), "--database-url", database_url).returncode == 0
    # The counter was wrong on Monday: the same hours again, with other numbers.
    corrected = write(tmp_path, HEADER + week("s001", 80, days=1), "corrected.csv")
    done = ces_hq("footfall", "import", str(corrected), "--database-url", database_url)
    assert done.returncode == 0, done.stderr
    assert "loaded 12 rows of footfall: 1 store, 1 day (2026-11-23)" in done.stdout
    assert "12 of them replaced hours loaded before" in done.stdout
    rows = stored(database_url)
    assert len(rows) == 84  # no hour twice
    assert rows[("s001", DAY, 9)] == 80
    assert rows[("s001", DAY + timedelta(days=1), 9)] == 100  # Tuesday untouched


def test_a_bad_line_loads_nothing_and_leaves_what_was_there(
    database_url: str, tmp_path: Path
) -> None:
    good = write(tmp_path, HEADER + week("s001", days=1), "good.csv")
    assert ces_hq("footfall", "import", str(good), "--database-url", database_url).returncode == 0
    before = stored(database_url)
    # 84 good rows (some replacing), then one bad one at the very end.
    bad = write(tmp_path, HEADER + week("s001", 999) + "s001,2026-11-30,25,10\n", "bad.csv")
    done = ces_hq("footfall", "import", str(bad), "--database-url", database_url)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "ces-hq: error: line 86: hour '25' is not an hour of the day (0-23)"
    )
    assert done.stdout == ""
    assert stored(database_url) == before


def test_dry_run_says_what_would_load_and_changes_nothing(
    database_url: str, tmp_path: Path
) -> None:
    good = write(tmp_path, HEADER + week("s001", days=1), "good.csv")
    assert ces_hq("footfall", "import", str(good), "--database-url", database_url).returncode == 0
    more = write(tmp_path, HEADER + week("s001", 7, days=2), "more.csv")
    done = ces_hq("footfall", "import", str(more), "--dry-run", "--database-url", database_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "would load 24 rows of footfall: 1 store, 2 days (2026-11-23 .. 2026-11-24); "
        "12 of them replace hours loaded before; nothing was changed (--dry-run)"
    )
    assert set(stored(database_url).values()) == {100}


def test_a_file_too_big_is_refused_before_it_is_read(
    sqlite_database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:
        f.write(HEADER.encode())
        f.truncate(footfall.MAX_FILE_BYTES + 1)  # sparse: no disk, same size
    done = ces_hq("footfall", "import", str(path), "--database-url", sqlite_database_url)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert "larger than 32 MiB; split it" in done.stderr
    assert stored(sqlite_database_url) == {}


def test_a_missing_file_is_one_line(sqlite_database_url: str, tmp_path: Path) -> None:
    done = ces_hq(
        "footfall", "import", str(tmp_path / "nope.csv"), "--database-url", sqlite_database_url
    )
    assert done.returncode == 1
    assert done.stderr.startswith("ces-hq: error: cannot read ")
    assert done.stderr.count("\n") == 1


# --- what a file may look like ---------------------------------------------------------------


def test_dutch_excel_csv_utf8_with_bom_semicolons_and_day_first_dates() -> None:
    data = (
        "\ufeffWinkel;Datum;Uur;Bezoekers\r\n"
        "s001;23-11-2026;09;120\r\n"
        "s001;23/11/2026;10:00;95\r\n"
        ";;;\r\n"  # Excel's empty rows
    ).encode()
    assert footfall.parse(data, today=DAY) == [
        footfall.Row("s001", DAY, 9, 120),
        footfall.Row("s001", DAY, 10, 95),
    ]


def test_columns_in_any_order_quoted_and_other_columns_left_alone() -> None:
    data = (
        b'Visitors,Door,Hour,Date,Store\n"120",main,9,2026-11-23,"s001"\n7,side,0,2026-11-23,s-2\n'
    )
    # In the order they are stored: by store, date and hour.
    assert footfall.parse(data, today=DAY) == [
        footfall.Row("s-2", DAY, 0, 7),
        footfall.Row("s001", DAY, 9, 120),
    ]


def test_tab_separated_works_too() -> None:
    data = b"store\tdate\thour\tvisitors\ns001\t2026-11-23\t23\t4\n"
    assert footfall.parse(data, today=DAY) == [footfall.Row("s001", DAY, 23, 4)]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        # Formula injection in a store field: refused, never stored, shown escaped.
        (
            "\"=cmd|' /C calc'!A0\",2026-11-23,9,3\n",
            "line 2: \"=cmd|' /C calc'!A0\" is not a store id",
        ),
        ("+s001,2026-11-23,9,3\n", "line 2: '+s001' is not a store id"),
        ("@SUM(1+1),2026-11-23,9,3\n", "line 2: '@SUM(1+1)' is not a store id"),
        ("s001,2026-11-23,9,=1+2\n", "line 2: visitors '=1+2' is not a whole number"),
        ("s001,11/23/2026,9,3\n", "line 2: '11/23/2026' is not a date in the calendar"),
        ("s001,2026-02-30,9,3\n", "line 2: '2026-02-30' is not a date in the calendar"),
        ("s001,yesterday,9,3\n", "line 2: 'yesterday' is not a date (YYYY-MM-DD"),
        ("s001,1999-12-31,9,3\n", "line 2: 1999-12-31 is outside 2000-01-01 .. 2026-11-24"),
        ("s001,2027-01-01,9,3\n", "line 2: 2027-01-01 is outside 2000-01-01 .. 2026-11-24"),
        ("s001,2026-11-23,24,3\n", "line 2: hour '24' is not an hour of the day (0-23)"),
        ("s001,2026-11-23,-1,3\n", "line 2: hour '-1' is not an hour of the day (0-23)"),
        ("s001,2026-11-23,9.5,3\n", "line 2: hour '9.5' is not an hour of the day (0-23)"),
        ("s001,2026-11-23,9,-3\n", "line 2: visitors '-3' is negative"),
        ("s001,2026-11-23,9,3.5\n", "line 2: visitors '3.5' is not a whole number"),
        ("s001,2026-11-23,9,1e3\n", "line 2: visitors '1e3' is not a whole number"),
        ("s001,2026-11-23,9,\n", "line 2: no visitors"),
        ("s001,2026-11-23\n", "line 2: 2 fields, expected 4 or more"),
        ("s001,2026-11-23,9,250000\n", "line 2: 250000 visitors in one hour is more than"),
        ("s001,2026-11-23,9,99999999999999\n", "line 2: visitors '99999999999999' is not a"),
        ("s001,2026-11-23,9,3\ns002,2026-11-23,9,3\ns001,2026-11-23,09,4\n", "line 4: s001"),
        ('s001,2026-11-23,9,"3\n', "line 2: not readable as CSV"),
        ("s" * 65 + ",2026-11-23,9,3\n", "line 2: the store is too long"),
        ("", "the file has a header but no rows"),
    ],
)
def test_bad_lines_are_named(body: str, error: str) -> None:
    with pytest.raises(footfall.FootfallError) as e:
        footfall.parse((HEADER + body).encode(), today=DAY)
    assert str(e.value).startswith(error), str(e.value)
    assert "\n" not in str(e.value)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", "line 1: no header"),
        (b"store,date,visitors\ns001,2026-11-23,3\n", "line 1: missing column hour"),
        (b"shop;day;n\n", "line 1: missing columns store, hour, visitors"),
        (b"store,winkel,date,hour,visitors\n", "line 1: the column 'store' is named twice"),
        (b"s001,2026-11-23,9,3\n", "line 1: missing columns store, date, hour, visitors"),
        (HEADER.encode() + b"s001,2026-11-23,9,3\n\x89PNG\r\n\x1a\n\0\0\0", "line 5: not a text"),
        (HEADER.encode() + b"s001,2026-11-23,9,3\ns\xe9001,2026-11-23,9,3\n", "line 3: not UTF-8"),
        ("store,date,hour,visitors\n".encode("utf-16"), "line 1: not a text file"),
    ],
)
def test_bad_files_are_refused_whole(data: bytes, error: str) -> None:
    with pytest.raises(footfall.FootfallError) as e:
        footfall.parse(data, today=DAY)
    assert str(e.value).startswith(error), str(e.value)


def test_a_repeated_hour_says_both_lines() -> None:
    data = HEADER + "s001,2026-11-23,2,10\ns001,2026-11-23,3,10\ns001,23-11-2026,2,12\n"
    with pytest.raises(footfall.FootfallError) as e:
        footfall.parse(data.encode(), today=DAY)
    assert str(e.value).startswith("line 4: s001 2026-11-23 hour 2 is on line 2 too")


# --- storing, in one transaction ---------------------------------------------------------------


def test_load_is_all_or_nothing_when_the_database_refuses(db: HQDatabase) -> None:
    footfall.load(db, [footfall.Row("s001", DAY, 9, 10)])
    # More rows than one batch, then one the database refuses (no visitors: NOT NULL), last
    # in the order they are written: the batches written before it are undone too.
    rows = [
        footfall.Row("s001", DAY - timedelta(days=d), h, 20) for d in range(100) for h in range(24)
    ]
    rows.append(footfall.Row("s999", DAY, 9, None))  # type: ignore[arg-type]
    with pytest.raises(IntegrityError):
        footfall.load(db, rows)
    with db.reading() as conn:
        assert [tuple(r) for r in conn.execute(select(footfall_table))] == [("s001", DAY, 9, 10)]
