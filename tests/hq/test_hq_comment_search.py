"""The comments page's search at chain scale: a count that stops at a cap ("more than"), and
PostgreSQL's trigram index of the comments' words (made when pg_trgm can be had)."""

from __future__ import annotations

import logging
import re
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
import requests
from dashboard_data import Spec, add, kiosk
from hq_helpers import HQ, log_in
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from hq.dashboard import insights
from hq.dashboard.filters import Filters
from hq.db import comment_words
from hq.db.database import HQDatabase

START = datetime(2026, 11, 2, 9, tzinfo=UTC)
RANGE = {"from": "2026-11-01", "to": "2026-11-30"}
# Seven comments name the till, newest first by their minute; two do not.
TILL = [f"De kassa was traag ({i})" for i in range(7)]
OTHER = ["Fijne winkel", "Mooie Ümlaut-zaak"]


def _fill(db: HQDatabase) -> None:
    texts = [*TILL, *OTHER]
    specs = [
        Spec(START + timedelta(minutes=i), 2, "checkout", comment=words)
        for i, words in enumerate(texts)
    ]
    add(db, kiosk(db), specs)


def _shown(page: str) -> list[str]:
    return re.findall(r'<td class="comment">([^<]*)</td>', page)


def test_a_count_past_the_cap_says_more_than_and_every_page_stays_reachable(
    hq: HQ, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(hq.db)
    monkeypatch.setattr(insights, "COMMENTS_PAGE", 2)
    monkeypatch.setattr(insights, "COMMENTS_COUNT_CAP", 3)
    session = log_in(hq, "bert")

    def page(number: int) -> str:
        query = urlencode({**RANGE, "q": "KASSA", "page": str(number)})
        reply = session.get(f"{hq.url}/comments?{query}", timeout=30)
        assert reply.status_code == 200
        return reply.text

    first = page(1)
    assert 'id="comment-count">Comments: more than 3</p>' in first
    assert "<span>1 / 3 or more</span>" in first
    assert _shown(first) == [TILL[6], TILL[5]]
    assert 'id="c-next"' in first
    # Page 3 counts to 2 * 2 + 3 = 7: all seven are known, and the last page is 4.
    third = page(3)
    assert 'id="comment-count">Comments: 7</p>' in third
    assert "<span>3 / 4</span>" in third
    assert _shown(third) == [TILL[2], TILL[1]]
    last = page(4)
    assert _shown(last) == [TILL[0]]
    assert 'id="comment-count">Comments: 7</p>' in last
    assert "<span>4 / 4</span>" in last
    # Past the end (a comment deleted meanwhile): its last page.
    beyond = page(9)
    assert _shown(beyond) == [TILL[0]]
    assert "<span>4 / 4</span>" in beyond
    assert 'id="c-next"' not in last
    # Every matching comment was on exactly one page, and nothing else was.
    seen = [c for n in range(1, 5) for c in _shown(page(n))]
    assert seen == TILL[::-1]


def test_the_search_finds_the_same_comments_with_or_without_a_trigram_index(
    db: HQDatabase,
) -> None:
    """Any letters, case folded, LIKE's own characters taken literally."""
    _fill(db)
    add(
        db,
        kiosk(db, "s002"),
        [
            Spec(START + timedelta(hours=2), 6, "staff", comment="100% goed_zo"),
            Spec(START + timedelta(hours=3), 6, "staff", comment="1000 goedzo"),
            Spec(START + timedelta(hours=4), 2, "staff", comment="ÜBERALL ZU VOLL, ŁADNIE NIE"),
        ],
    )
    f = Filters(start=datetime(2026, 11, 1).date(), end=datetime(2026, 11, 30).date())

    def found(words: str) -> list[str]:
        return [c.text for c in insights.comments(db, f, contains=words)[0]]

    assert found("kassa") == TILL[::-1]
    assert found("ümlaut") == ["Mooie Ümlaut-zaak"]
    loud = ["ÜBERALL ZU VOLL, ŁADNIE NIE"]
    assert found("überall zu") == loud
    assert found("ładnie") == loud
    assert found("zu voll") == loud  # ASCII words in a comment with other letters
    assert found("100%") == ["100% goed_zo"]
    assert found("d_z") == ["100% goed_zo"]
    assert found("ka") == TILL[::-1]  # shorter than a trigram
    assert found("nergens") == []


def test_postgresql_indexes_the_comments_words(pg_database: str) -> None:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_database, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = f"{pg_database}?options=-csearch_path%3D{schema}"
        db = HQDatabase.open(url)
        try:
            _fill(db)
            with db.engine.connect() as conn:
                definition = conn.execute(
                    text(
                        "SELECT indexdef FROM pg_indexes WHERE indexname = :n AND schemaname = :s"
                    ),
                    {"n": comment_words.INDEX_NAME, "s": schema},
                ).scalar_one()
                assert "USING gin (lower(comment)" in definition
                assert "WHERE (comment IS NOT NULL)" in definition
                # With statistics of the lowered comments, so a common word is not taken
                # for a rare one.
                assert (
                    conn.execute(
                        text(
                            "SELECT count(*) FROM pg_statistic_ext e "
                            "JOIN pg_namespace n ON n.oid = e.stxnamespace "
                            "WHERE e.stxname = :n AND n.nspname = :s"
                        ),
                        {"n": comment_words.STATISTICS_NAME, "s": schema},
                    ).scalar_one()
                    == 1
                )
        finally:
            db.close()
        # A second start finds it there and leaves it.
        HQDatabase.open(url).close()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_without_pg_trgm_the_search_works_and_hq_says_why_once(
    pg_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A role that may not create extensions in the database (not its owner): no index, the
    same comments found, one line in the log saying what a database owner can do."""
    admin = create_engine(pg_database, isolation_level="AUTOCOMMIT")
    suffix = uuid.uuid4().hex[:8]
    role, name = f"hq_{suffix}", f"effortless_hq_notrgm_{suffix}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    own = make_url(pg_database).set(database=name)
    owner = create_engine(own, isolation_level="AUTOCOMMIT")
    try:
        with owner.connect() as conn:
            conn.execute(text(f"CREATE SCHEMA hq AUTHORIZATION {role}"))
        url = own.set(username=role).render_as_string(hide_password=False)
        caplog.set_level(logging.INFO, logger="effortless.hq.db")
        db = HQDatabase.open(f"{url}?options=-csearch_path%3Dhq")
        try:
            _fill(db)
            f = Filters(start=datetime(2026, 11, 1).date(), end=datetime(2026, 11, 30).date())
            found, total = insights.comments(db, f, contains="Kassa")
            assert [c.text for c in found] == TILL[::-1]
            assert total == 7
            with db.engine.connect() as conn:
                assert (
                    conn.execute(
                        text("SELECT to_regclass(:n)"), {"n": comment_words.INDEX_NAME}
                    ).scalar_one()
                    is None
                )
        finally:
            db.close()
        said = [r.getMessage() for r in caplog.records if "trigram" in r.getMessage()]
        assert len(said) == 1
        assert "permission denied" in said[0]
        assert "CREATE EXTENSION pg_trgm" in said[0]
    finally:
        owner.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        admin.dispose()


def test_a_hostile_search_is_only_words(hq: HQ) -> None:
    _fill(hq.db)
    session: requests.Session = log_in(hq, "bert")
    cases = {
        "' OR 1=1 --": [],
        "%": [],
        "_": [],
        "\\": [],
        "ä" * 5000: [],
        "\x00kassa\x1b": TILL[::-1],  # control characters are in no comment
        "<script>x</script>": [],
    }
    for words, expected in cases.items():
        reply = session.get(f"{hq.url}/comments?{urlencode({**RANGE, 'q': words})}", timeout=30)
        assert reply.status_code == 200, words
        assert _shown(reply.text) == expected, words
        assert "<script>x</script>" not in reply.text
