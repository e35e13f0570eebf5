"""The dashboard's SQL on SQLite and PostgreSQL, against answers whose figures are known."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
from dashboard_data import Spec, add, kiosk, many
from sqlalchemy import create_engine, event, inspect, select, text, update

from hq import actions, storeinfo
from hq.dashboard import insights
from hq.dashboard.filters import Filters
from hq.db.counts import COUNT_TABLES
from hq.db.database import HQDatabase
from hq.db.tables import SCHEMA_VERSION, daily_answers, meta, responses
from hq.moments import moment, stamp

DAY = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)  # a Tuesday
RANGE = Filters(start=date(2026, 11, 1), end=date(2026, 11, 30))


def _known(db: HQDatabase) -> None:
    """s001: the 20 answers of test_hq_stats (ces7), s002: 10 easy, s003 (returns): smileys."""
    a = kiosk(db, "s001")
    specs = [
        *many(DAY, 1, 2, "price"),
        *many(DAY, 2, 1, "price"),
        *many(DAY, 3, 1, None),
        *many(DAY, 4, 2, "service"),
        *many(DAY, 5, 2, "ease"),
        *many(DAY, 6, 4, "ease"),
        *many(DAY, 7, 8, "service"),
    ]
    add(db, a, specs)
    add(db, kiosk(db, "s002"), many(DAY + timedelta(days=7), 7, 10, "price"))
    add(
        db,
        kiosk(db, "s003", "returns_desk"),
        many(DAY, 5, 3, "waiting", scale="smiley5") + many(DAY, 1, 1, "staff", scale="smiley5"),
    )


def test_overview_counts_per_scale_and_never_mixes_them(db: HQDatabase) -> None:
    _known(db)
    found = {s.scale: s for s in insights.overview(db, RANGE)}
    assert set(found) == {"ces7", "smiley5"}
    ces = found["ces7"]
    assert ces.n == 30
    assert ces.easy == 24  # 14 + 10
    assert ces.counts[7] == 18
    assert found["smiley5"].n == 4
    assert found["smiley5"].easy == 3


def test_filters_narrow_what_is_counted(db: HQDatabase) -> None:
    _known(db)
    one = insights.overview(db, RANGE.narrowed(store="s001"))
    assert [(s.scale, s.n) for s in one] == [("ces7", 20)]
    assert one[0].pct_easy == pytest.approx(70.0)
    returns = insights.overview(db, RANGE.narrowed(touchpoint="returns_desk"))
    assert [(s.scale, s.n) for s in returns] == [("smiley5", 4)]
    survey = insights.overview(db, RANGE.narrowed(survey="in_store_purchase"))
    assert [(s.scale, s.n) for s in survey] == [("ces7", 30)]
    # The dates include both ends: s002's answers are on 17 November.
    assert insights.overview(db, RANGE.narrowed(start=date(2026, 11, 17)))[0].n == 10
    assert insights.overview(db, RANGE.narrowed(end=date(2026, 11, 16)))[0].n == 20
    assert (
        insights.overview(db, RANGE.narrowed(start=date(2026, 12, 1), end=date(2026, 12, 2))) == []
    )


def test_regions_come_from_the_store_table(db: HQDatabase) -> None:
    _known(db)
    storeinfo.set_store(db, "s001", region="north")
    storeinfo.set_store(db, "s003", region="north", name="Utrecht")
    north = insights.overview(db, RANGE.narrowed(region="north"))
    assert [(s.scale, s.n) for s in north] == [("ces7", 20), ("smiley5", 4)]
    groups = insights.compare_groups(db, RANGE, "region")
    assert {g.key: g.summary.n for g in groups["ces7"]} == {"north": 20, "": 10}
    chosen = insights.choices(db)
    assert chosen.regions == ["north"]
    assert ("s003", "s003 · Utrecht") in chosen.stores


def test_factors_and_priorities_from_sql(db: HQDatabase) -> None:
    _known(db)
    (view,) = [v for v in insights.factors(db, RANGE.narrowed(store="s001"))]
    rows = {r.factor: r for r in view.rows}
    assert (rows["price"].chosen, rows["price"].difficult) == (3, 3)
    assert (rows["service"].easy, rows["service"].neutral) == (8, 2)
    assert rows[""].chosen == 1  # the answer without a factor
    # Difficult: price 3, none 1 => price explains 75%.
    assert [(p.factor, p.share) for p in view.priorities] == [("price", 75.0)]


def test_trend_buckets_by_week_starting_monday_and_by_day(db: HQDatabase) -> None:
    k = kiosk(db)
    sunday = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    monday = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)
    add(db, k, many(sunday, 7, 3, "price") + many(monday, 1, 2, "price"))
    f = Filters(start=date(2026, 11, 16), end=date(2026, 11, 29))
    weeks = insights.trend(db, f, "week")["ces7"][""]
    assert [(p.start, p.summary.n, p.summary.easy) for p in weeks] == [
        (date(2026, 11, 16), 3, 3),
        (date(2026, 11, 23), 2, 0),
    ]
    days = insights.trend(db, f, "day")["ces7"][""]
    assert len(days) == 14  # every day in the range, empty ones included
    by_day = {p.start: p.summary.n for p in days}
    assert by_day[date(2026, 11, 22)] == 3
    assert by_day[date(2026, 11, 23)] == 2
    assert by_day[date(2026, 11, 24)] == 0


def test_side_by_side_per_store_and_touchpoint(db: HQDatabase) -> None:
    _known(db)
    stores_ = insights.compare_groups(db, RANGE, "store")["ces7"]
    # Best % easy first: s002 (100%) before s001 (70%); s002 has too few answers, which
    # sorts it after those with enough (none here), then by % easy.
    assert [(g.key, g.summary.n) for g in stores_] == [("s002", 10), ("s001", 20)]
    touchpoints = insights.compare_groups(db, RANGE, "touchpoint")
    assert [g.key for g in touchpoints["smiley5"]] == ["returns_desk"]
    with pytest.raises(ValueError, match="group by"):
        insights.compare_groups(db, RANGE, "kiosk_id; DROP TABLE responses")


def test_comments_are_filtered_and_search_is_literal(db: HQDatabase) -> None:
    k = kiosk(db)
    add(
        db,
        k,
        [
            Spec(DAY, 2, "price", "Lange rij bij de kassa"),
            Spec(DAY + timedelta(minutes=1), 7, "service", "Fijne KASSA-medewerker"),
            Spec(DAY + timedelta(minutes=2), 6, "ease", "100% tevreden_echt"),
            Spec(DAY + timedelta(minutes=3), 6, "ease", None),
            Spec(DAY + timedelta(minutes=4), 1, None, "'; DROP TABLE responses; --"),
        ],
    )
    found, total = insights.comments(db, RANGE)
    assert total == 4
    assert found[0].text.startswith("'; DROP")  # newest first, stored and shown as text
    kassa, n = insights.comments(db, RANGE, contains="kassa")
    assert n == 2 and {c.score for c in kassa} == {2, 7}  # noqa: PT018
    assert insights.comments(db, RANGE, contains="kassa", band="difficult")[1] == 1
    assert insights.comments(db, RANGE, factor="service")[1] == 1
    # % and _ are characters to find, not wildcards.
    assert insights.comments(db, RANGE, contains="100%")[1] == 1
    assert insights.comments(db, RANGE, contains="%")[1] == 1
    assert insights.comments(db, RANGE, contains="n_e")[1] == 1  # tevreden_echt
    assert insights.comments(db, RANGE, contains="r_e")[1] == 0  # not "medeweRKEr"
    assert insights.comments(db, RANGE, page=2) == ([], 4)
    assert db.count_answers() == 5


def test_a_kiosk_silent_when_it_usually_gets_answers_is_marked(db: HQDatabase) -> None:
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    quiet = kiosk(db, "s001")
    busy = kiosk(db, "s002")
    # One answer an hour for 26 days; s001's stop 10 hours ago, s002's an hour ago.
    hours = range(26 * 24)
    add(db, quiet, [Spec(now - timedelta(hours=10 + h), 6, "price") for h in hours])
    add(db, busy, [Spec(now - timedelta(hours=1 + h), 6, "price") for h in hours])
    rows = {r.store: r for r in insights.fleet(db, now)}
    assert rows["s001"].silent
    # The 10 silent hours of the week were each seen 3 times in the last 28 days (7, 14 and
    # 21 days ago); the first of them also today, at the last answer: 9 * 3/4 + 4/4.
    assert rows["s001"].expected_since == pytest.approx(7.75)
    assert not rows["s002"].silent
    assert rows["s001"].last_answer_at == now - timedelta(hours=10)


def test_a_kiosk_that_never_gets_answers_at_night_is_not_silent_at_night(db: HQDatabase) -> None:
    # Answers only 09:00-17:00 on weekdays; at 06:00 the last one was 14 hours ago.
    k = kiosk(db)
    now = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)  # Friday
    specs = []
    for day in range(1, 27):
        start = (now - timedelta(days=day)).replace(hour=9)
        if start.weekday() < 5:
            specs += [Spec(start + timedelta(hours=h), 6, "price") for h in range(8)]
    add(db, k, specs)
    (row,) = insights.fleet(db, now)
    # Only the hour of its last answer (16:00, one answer each Thursday) counts.
    assert row.expected_since == pytest.approx(1.0)
    assert not row.silent


def test_a_dead_kiosk_beside_a_working_twin_is_silent_with_its_own_last_answer(
    db: HQDatabase,
) -> None:
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    dead, twin = kiosk(db, "s001"), kiosk(db, "s001")
    # Both one answer an hour for 20 days; the dead one stopped 10 hours ago.
    hours = range(20 * 24)
    add(db, dead, [Spec(now - timedelta(hours=10 + h), 6, "price") for h in hours])
    add(db, twin, [Spec(now - timedelta(minutes=30 + 60 * h), 6, "price") for h in hours])
    rows = {r.id: r for r in insights.fleet(db, now)}
    assert rows[dead.id].last_answer_at == now - timedelta(hours=10)
    assert rows[twin.id].last_answer_at == now - timedelta(minutes=30)
    assert rows[dead.id].silent
    assert not rows[twin.id].silent
    # An older answer sent late does not move the last answer back.
    add(db, dead, [Spec(now - timedelta(days=30), 6, "price")])
    rows = {r.id: r for r in insights.fleet(db, now)}
    assert rows[dead.id].last_answer_at == now - timedelta(hours=10)


def test_a_kiosk_silent_for_40_days_keeps_its_last_answer_and_warning(db: HQDatabase) -> None:
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    k = kiosk(db, "s001")
    stopped = now - timedelta(days=40)
    add(db, k, [Spec(stopped - timedelta(hours=h), 6, "price") for h in range(20 * 24)])
    (row,) = insights.fleet(db, now)
    assert row.last_answer_at == stopped
    # One an hour as usual before it stopped: the last 7 days missed 7 * 24 of them.
    assert row.expected_since == pytest.approx(7 * 24 * 20 / 28)
    assert row.silent


def test_a_new_fleet_answering_after_the_profile_was_counted_is_read_at_once(
    db: HQDatabase,
) -> None:
    """The usual traffic is counted once every few minutes; stores that began answering
    since are not silent, and are not each counted again (a query per store made the fleet
    page of a new 1,000-kiosk chain take seconds: bench/fleet.py)."""
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    new = [kiosk(db, f"s{n:03d}") for n in range(1, 31)]
    assert all(not r.silent for r in insights.fleet(db, now - timedelta(minutes=5)))
    for k in new:
        add(db, k, [Spec(now - timedelta(minutes=m), 6, "price") for m in (1, 2, 3)])
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        rows = insights.fleet(db, now)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(rows) == 30
    assert all(r.last_answer_at == now - timedelta(minutes=1) for r in rows)
    assert not any(r.silent for r in rows)
    answer_reads = [s for s in statements if re.search(r"FROM\s+responses\b", s)]
    assert len(answer_reads) <= 1, answer_reads


def test_deleting_a_kiosks_newest_answer_moves_its_last_answer_back(db: HQDatabase) -> None:
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    k, other = kiosk(db, "s001"), kiosk(db, "s002")
    add(db, k, [Spec(now - timedelta(hours=h), 6, "price") for h in (1, 2, 30)])
    add(db, other, [Spec(now - timedelta(hours=3), 6, "price")])
    by_time = {a["answered_at"]: a["id"] for a in db.answers(k.id)}

    def last(kiosk_id: str) -> datetime | None:
        return {r.id: r.last_answer_at for r in insights.fleet(db, now)}[kiosk_id]

    with db.writing() as conn:
        assert db.delete_answers(conn, [by_time[now - timedelta(hours=2)]]) == 1
    assert last(k.id) == now - timedelta(hours=1)  # an older one: nothing moves
    with db.writing() as conn:
        assert db.delete_answers(conn, [by_time[now - timedelta(hours=1)]]) == 1
    assert last(k.id) == now - timedelta(hours=30)
    assert last(other.id) == now - timedelta(hours=3)
    with db.writing() as conn:
        assert db.delete_answers(conn, [by_time[now - timedelta(hours=30)]]) == 1
    assert last(k.id) is None


def test_an_action_shows_before_and_after_on_its_stores(db: HQDatabase) -> None:
    a, b = kiosk(db, "s001"), kiosk(db, "s002")
    start = date(2026, 10, 1)
    at = datetime(2026, 10, 1, 12, tzinfo=UTC)
    # s001: 60% easy in the 28 days before, 75% after. s002 (not in the action) is worse
    # after, which must not count.
    add(
        db,
        a,
        many(at - timedelta(days=10), 6, 60, "price")
        + many(at - timedelta(days=9), 2, 40, "price"),
    )
    add(
        db,
        a,
        many(at + timedelta(days=5), 6, 75, "price") + many(at + timedelta(days=6), 2, 25, "price"),
    )
    add(db, b, many(at + timedelta(days=5), 1, 100, "price"))
    action_id = actions.record(
        db,
        title="Returns labels printed at the desk",
        started_on=start,
        created_by="anna",
        stores=["s001"],
        touchpoint="in_store_purchase",
    )
    (found,) = actions.all_actions(db)
    assert found.id == action_id and found.stores == ("s001",)  # noqa: PT018
    effect = actions.effect(db, found, today=date(2026, 11, 20))
    (change,) = effect.changes
    assert (change.before.n, change.after.n) == (100, 100)
    assert change.change == pytest.approx(15.0)
    assert change.significant
    assert effect.after == (start, date(2026, 10, 28))
    # An action dated in the future has no "after" yet.
    later = actions.effect(db, found, today=date(2026, 9, 30))
    assert later.after is None


def test_messages_reach_the_kiosks_of_their_stores_in_their_period(db: HQDatabase) -> None:
    start = date(2026, 11, 1)
    actions.record(
        db,
        title="Extra till",
        started_on=start,
        created_by="anna",
        stores=["s001"],
        message={"nl": "Jij zei: lange rij. Wij deden: extra kassa.", "en": "You said: queue."},
        message_until=date(2026, 11, 10),
    )
    actions.record(
        db,
        title="Chain-wide",
        started_on=start,
        created_by="anna",
        touchpoint="returns_desk",
        message={"en": "Faster returns"},
    )
    actions.record(db, title="No message", started_on=start, created_by="anna")
    day = date(2026, 11, 5)
    s001 = actions.messages_for(db, "s001", "in_store_purchase", day)
    assert s001 == [
        {"text": {"nl": "Jij zei: lange rij. Wij deden: extra kassa.", "en": "You said: queue."}}
    ]
    assert actions.messages_for(db, "s002", "in_store_purchase", day) == []
    assert actions.messages_for(db, "s002", "returns_desk", day) == [
        {"text": {"en": "Faster returns"}}
    ]
    # s001's action names no touchpoint: its returns desk shows both, newest first.
    assert len(actions.messages_for(db, "s001", "returns_desk", day)) == 2
    assert actions.messages_for(db, "s001", "in_store_purchase", date(2026, 11, 11)) == []
    assert actions.messages_for(db, "s001", "in_store_purchase", date(2026, 10, 31)) == []
    # The chain-wide message shows for 30 days by default.
    assert actions.messages_for(db, "s009", "returns_desk", date(2026, 11, 30)) != []
    assert actions.messages_for(db, "s009", "returns_desk", date(2026, 12, 1)) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"stores": ["s 1"]}, "stores"),
        ({"stores": ["<script>"]}, "stores"),
        ({"touchpoint": "../etc"}, "touchpoint"),
        ({"message": {"nl": "x" * 281}}, "message_nl"),
        ({"message": {"xx": "hoi"}}, "message"),
        ({"message": {"nl": "hoi"}, "message_until": date(2026, 10, 1)}, "message_until"),
    ],
)
def test_bad_actions_are_refused_with_the_field(
    db: HQDatabase, changes: dict[str, object], field: str
) -> None:
    args: dict[str, object] = {
        "title": "Better signs",
        "started_on": date(2026, 11, 1),
        "created_by": "anna",
    }
    args.update(changes)
    with pytest.raises(actions.ActionError) as refused:
        actions.record(db, **args)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert actions.all_actions(db) == []


def test_a_schema_1_database_is_upgraded_with_the_dashboard_indexes(database_url: str) -> None:
    db = HQDatabase.open(database_url)
    add(db, kiosk(db), many(DAY, 6, 5, "price") + many(DAY + timedelta(days=1), 2, 3))
    with db.engine.begin() as conn:
        for index in responses.indexes:
            conn.execute(text(f"DROP INDEX {index.name}"))
        for table in (
            "action_stores",
            "actions",
            "user_stores",
            "user_sessions",
            "users",
            "stores",
            "daily_answers",
            "audit_log",
            *(t.name for t in COUNT_TABLES if t.name != "daily_answers"),
        ):
            conn.execute(text(f"DROP TABLE {table}"))
        conn.execute(text("ALTER TABLE kiosks DROP COLUMN redacted_comments"))
        conn.execute(text("ALTER TABLE kiosks DROP COLUMN rejected_answers"))
        conn.execute(text("ALTER TABLE kiosks DROP COLUMN last_answer_at"))
        conn.execute(text("CREATE INDEX responses_store_time ON responses (store_id, answered_at)"))
        conn.execute(update(meta).where(meta.c.key == "schema_version").values(value="1"))
    db.close()
    upgraded = HQDatabase.open(database_url)
    upgraded.close()
    engine = create_engine(upgraded.url)
    try:
        with engine.connect() as conn:
            names = {i["name"] for i in inspect(conn).get_indexes("responses")}
            assert {i.name for i in responses.indexes} <= names
            assert inspect(conn).has_table("actions")
            version = conn.execute(text("SELECT value FROM hq_meta WHERE key = 'schema_version'"))
            assert version.scalar_one() == str(SCHEMA_VERSION)
            # The answers already stored are counted into daily_answers and per store.
            for table in COUNT_TABLES:
                counted = conn.execute(text(f"SELECT sum(n) FROM {table.name}")).scalar_one()
                assert counted == 8
            # Each kiosk's last answer is filled from the answers already stored.
            last = conn.execute(text("SELECT last_answer_at FROM kiosks")).scalar_one()
            assert moment(last) == DAY + timedelta(days=1, seconds=2)
    finally:
        engine.dispose()


def test_trend_split_per_touchpoint_and_store(db: HQDatabase) -> None:
    _known(db)
    per_touchpoint = insights.trend(db, RANGE, "week", "touchpoint")
    assert list(per_touchpoint["ces7"]) == ["in_store_purchase"]
    assert list(per_touchpoint["smiley5"]) == ["returns_desk"]
    per_store = insights.trend(db, RANGE, "week", "store")["ces7"]
    # Most answers first; each line has every week of the range.
    assert list(per_store) == ["s001", "s002"]
    weeks = {p.start: p.summary.n for p in per_store["s002"]}
    assert weeks[date(2026, 11, 16)] == 10
    assert sum(weeks.values()) == 10
    storeinfo.set_store(db, "s001", region="north")
    per_region = insights.trend(db, RANGE, "week", "region")["ces7"]
    assert set(per_region) == {"north", ""}


def test_a_store_split_draws_only_the_busiest_stores(db: HQDatabase) -> None:
    for i in range(insights.SPLIT_LINES + 2):
        add(db, kiosk(db, f"s{i:03d}"), many(DAY, 6, 1 + i, "price"))
    lines = insights.trend(db, RANGE, "week", "store")["ces7"]
    assert len(lines) == insights.SPLIT_LINES
    assert "s000" not in lines and "s001" not in lines  # noqa: PT018 (the two smallest)


def _daily(db: HQDatabase) -> dict[tuple[object, ...], int]:
    with db.reading() as conn:
        rows = conn.execute(
            select(
                daily_answers.c.day,
                daily_answers.c.touchpoint,
                daily_answers.c.scale,
                daily_answers.c.score,
                daily_answers.c.factor,
                daily_answers.c.n,
            )
        )
        return {tuple(str(v) for v in r[:-1]): int(r[-1]) for r in rows}


def _from_answers(db: HQDatabase) -> dict[tuple[object, ...], int]:
    counted: dict[tuple[object, ...], int] = {}
    for a in db.answers():
        key = (
            a["answered_at"].date().isoformat(),
            a["touchpoint"],
            a["scale"],
            str(a["score"]),
            a["factor"] or "",
        )
        counted[key] = counted.get(key, 0) + 1
    return counted


def test_daily_counts_agree_with_the_answers_through_resends_and_conflicts(
    db: HQDatabase,
) -> None:
    k = kiosk(db)
    late = datetime(2026, 11, 10, 23, 59, 59, tzinfo=UTC)
    specs = many(DAY, 6, 4, "price") + many(late, 2, 3) + many(late + timedelta(seconds=2), 7, 2)
    batch = [
        {
            "id": f"00000000-0000-4000-8000-{i:012d}",
            "seq": i + 1,
            "survey_id": "in_store_purchase",
            "survey_version": 1,
            "locale": "nl",
            "scale": "ces7",
            "score": spec.score,
            "factor": spec.factor,
            "comment": None,
            "outcome": "completed" if spec.factor else "timeout",
            "flags": "[]",
            "started_at": stamp(spec.at - timedelta(seconds=4)),
            "answered_at": stamp(spec.at),
            "finished_at": stamp(spec.at + timedelta(seconds=3)),
        }
        for i, spec in enumerate(specs)
    ]
    db.ingest(k, [dict(a) for a in batch[:5]])
    # A resend of all (5 duplicates, 4 new), with one answer twice in the batch, and an
    # answer whose id is taken by other content (rejected): only the 4 new count.
    conflict = dict(batch[0], score=1)
    results = db.ingest(k, [dict(a) for a in batch] + [dict(batch[6]), conflict])
    assert [r.status for r in results].count("new") == 4
    assert _daily(db) == _from_answers(db)
    assert sum(_daily(db).values()) == 9
    # 23:59:59 UTC is still 10 November; 2 s later is the 11th.
    assert ("2026-11-11", "in_store_purchase", "ces7", "7", "service") not in _daily(db)
    assert _daily(db)[("2026-11-11", "in_store_purchase", "ces7", "7", "")] == 2
    before = _daily(db)
    db.rebuild_daily_answers()
    assert _daily(db) == before


def test_concurrent_batches_are_all_counted(db: HQDatabase) -> None:
    k = kiosk(db)

    def send(n: int) -> None:
        for _ in range(5):
            add(db, k, many(DAY, 6, 40, "price"))

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(send, range(4)))
    assert sum(_daily(db).values()) == 800
    assert _daily(db) == _from_answers(db)


def test_all_stores_and_one_region_covering_them_give_the_same_figures(db: HQDatabase) -> None:
    _known(db)
    for store_id in ("s001", "s002", "s003"):
        storeinfo.set_store(db, store_id, region="all")
    # All stores: counted from daily_answers; a region: from the answers themselves.
    assert insights.overview(db, RANGE) == insights.overview(db, RANGE.narrowed(region="all"))
    assert insights.factors(db, RANGE) == insights.factors(db, RANGE.narrowed(region="all"))
    assert insights.trend(db, RANGE, "day") == insights.trend(
        db, RANGE.narrowed(region="all"), "day"
    )
    assert insights.compare_groups(db, RANGE, "touchpoint") == insights.compare_groups(
        db, RANGE.narrowed(region="all"), "touchpoint"
    )
