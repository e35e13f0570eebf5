"""Alert rules evaluated at a moment (hq.alerts.inbox.evaluate), on SQLite and PostgreSQL:
noise raises nothing, a real drop or run raises one alert, kiosks are judged by their own
usual traffic and the store's opening hours, and one bad afternoon is one alert."""

from __future__ import annotations

from datetime import timedelta

from alert_data import NOW, answers, rule, store, target

from hq.alerts import rules
from hq.alerts.inbox import evaluate, inbox
from hq.db.database import HQDatabase
from hq.validate import Heartbeat

HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


def titles(db: HQDatabase) -> list[str]:
    return [a.title for a in inbox(db, None)]


def test_two_bad_answers_raise_nothing(db: HQDatabase) -> None:
    target(db)
    till = store(db)
    rule(db, rules.EASY_BELOW_TARGET)
    rule(db, rules.EASY_BELOW_BASELINE)
    answers(db, till, [1, 2], start=NOW - HOUR, every=MINUTE)
    done = evaluate(db, NOW)
    assert done.opened == []
    assert inbox(db, None) == []


def test_a_dip_within_noise_raises_nothing(db: HQDatabase) -> None:
    target(db)
    till = store(db)
    rule(db, rules.EASY_BELOW_TARGET)
    # 75% easy of 40: below the 80% target, but not beyond noise at 95%.
    answers(db, till, [6] * 30 + [2] * 10, start=NOW - 2 * 24 * HOUR, every=10 * MINUTE)
    assert evaluate(db, NOW).opened == []


def test_a_true_drop_below_target_raises_one_alert_however_often_checked(
    db: HQDatabase,
) -> None:
    target(db)
    till = store(db)
    rule(db, rules.EASY_BELOW_TARGET)
    answers(db, till, [6] * 20 + [2] * 40, start=NOW - 3 * 24 * HOUR, every=10 * MINUTE)
    assert len(evaluate(db, NOW).opened) == 1
    for minutes in (5, 10, 15):
        assert evaluate(db, NOW + minutes * MINUTE).opened == []
    [alert] = inbox(db, None)
    assert alert.title == (
        "s001 Centrum · in_store_purchase: 33% easy over the last 7 days, below the target of 80%"
    )
    assert "20 of 60 answers easy (ces7)" in alert.detail
    assert alert.count == 4
    assert alert.store == "s001"
    assert alert.is_open


def test_below_own_baseline_needs_a_real_drop(db: HQDatabase) -> None:
    till = store(db)
    other = store(db, "s002", name="Noord")
    rule(db, rules.EASY_BELOW_BASELINE)
    weeks_ago = NOW - 50 * 24 * HOUR
    # Eight weeks of 90% easy at both stores ...
    answers(db, till, ([6] * 9 + [2]) * 20, start=weeks_ago, every=3 * HOUR)
    answers(db, other, ([6] * 9 + [2]) * 20, start=weeks_ago, every=3 * HOUR)
    # ... then half easy at s001 this week, and as usual at s002.
    answers(db, till, [6, 2] * 30, start=NOW - 5 * 24 * HOUR, every=HOUR)
    answers(db, other, ([6] * 9 + [2]) * 6, start=NOW - 5 * 24 * HOUR, every=HOUR)
    evaluate(db, NOW)
    [alert] = inbox(db, None)
    assert alert.store == "s001"
    assert "50% easy over the last 7 days, down from 90% in the 8 weeks before" in alert.title


def test_scopes_limit_what_a_rule_watches(db: HQDatabase) -> None:
    target(db)
    till = store(db, region="north")
    other = store(db, "s002", name="Zuid", region="south")
    for where in (till, other):
        answers(db, where, [2] * 40, start=NOW - 24 * HOUR, every=10 * MINUTE)
    rule(db, rules.EASY_BELOW_TARGET, "region:south")
    rule(db, rules.EASY_BELOW_TARGET, "store:s001")
    rule(db, rules.EASY_BELOW_TARGET, "touchpoint:returns_desk")
    evaluate(db, NOW)
    assert sorted(a.store or "" for a in inbox(db, None)) == ["s001", "s002"]


def test_a_run_of_difficult_answers(db: HQDatabase) -> None:
    till = store(db)
    rule(db, rules.DIFFICULT_RUN, settings={"k": 5, "minutes": 30})
    # Five difficult answers, but over two hours: no run.
    answers(db, till, [1] * 5, start=NOW - 3 * HOUR, every=25 * MINUTE)
    assert evaluate(db, NOW).opened == []
    # Four in ten minutes: not yet.
    answers(db, till, [2, 6, 1, 3, 2], start=NOW - 10 * MINUTE, every=2 * MINUTE)
    assert evaluate(db, NOW).opened == []
    answers(db, till, [1], start=NOW - MINUTE, every=MINUTE)
    opened = evaluate(db, NOW).opened
    assert [f.title for _, f in opened] == [
        "s001 Centrum · in_store_purchase: 5 difficult answers in the last 30 minutes"
    ]


def test_one_bad_afternoon_gives_one_alert_not_fifty(db: HQDatabase) -> None:
    till = store(db)
    rule(db, rules.DIFFICULT_RUN)
    start = NOW - HOUR  # 15:00 in Amsterdam
    # A difficult answer every four minutes for four hours, among easy ones; with a lull
    # of an hour in between, after which it goes on.
    scores = [1, 6, 2, 7] * 30
    answers(db, till, scores[:60], start=start, every=2 * MINUTE)
    answers(db, till, scores[60:], start=start + 3 * HOUR, every=2 * MINUTE)
    opened = 0
    at = start
    while at <= start + 6 * HOUR:
        opened += len(evaluate(db, at).opened)
        at += 5 * MINUTE
    assert opened == 1
    [alert] = inbox(db, None)
    assert alert.count > 10


def test_an_alert_closes_when_its_condition_clears_and_cools_down(db: HQDatabase) -> None:
    till = store(db)
    rule(db, rules.DIFFICULT_RUN, cooldown_minutes=120)
    answers(db, till, [1] * 5, start=NOW, every=MINUTE)
    assert len(evaluate(db, NOW + 5 * MINUTE).opened) == 1
    done = evaluate(db, NOW + HOUR)
    assert [subject for _, subject in done.closed] == ["run:s001:in_store_purchase"]
    # A new run an hour after it closed: still cooling down, so no alert.
    answers(db, till, [1] * 5, start=NOW + 2 * HOUR, every=MINUTE)
    done = evaluate(db, NOW + 2 * HOUR + 5 * MINUTE)
    assert done.opened == []
    assert len(done.cooling) == 1
    # Once the cool-down is over, the same store may alert again.
    answers(db, till, [1] * 5, start=NOW + 4 * HOUR, every=MINUTE)
    assert len(evaluate(db, NOW + 4 * HOUR + 5 * MINUTE).opened) == 1
    assert [a.is_open for a in inbox(db, None)] == [True, False]


def test_a_dry_run_changes_nothing(db: HQDatabase) -> None:
    till = store(db)
    rule(db, rules.DIFFICULT_RUN)
    answers(db, till, [1] * 5, start=NOW - 5 * MINUTE, every=MINUTE)
    assert len(evaluate(db, NOW, dry_run=True).opened) == 1
    assert inbox(db, None) == []


def test_a_disabled_rule_raises_nothing_and_closes_its_alerts(db: HQDatabase) -> None:
    till = store(db)
    made = rule(db, rules.DIFFICULT_RUN)
    answers(db, till, [1] * 5, start=NOW - 5 * MINUTE, every=MINUTE)
    assert len(evaluate(db, NOW).opened) == 1
    assert rules.set_enabled(db, made.id, False, now=NOW + MINUTE)
    assert [a.is_open for a in inbox(db, None)] == [False]
    assert evaluate(db, NOW + 2 * MINUTE).opened == []
    assert not rules.set_enabled(db, made.id + 1, False)


def _usual_traffic(db: HQDatabase, per_hour: int) -> None:
    """Four weeks of Wednesdays with ``per_hour`` answers an hour from 13:00 to 16:00 local."""
    till = store(db)
    for week in range(1, 5):
        start = NOW - timedelta(weeks=week) - 2 * HOUR  # 13:00 in Amsterdam
        answers(db, till, [6] * (3 * per_hour), start=start, every=HOUR / per_hour)
    # Today's last answer, at 14:00 local.
    answers(db, till, [6], start=NOW - HOUR, every=MINUTE)


def test_a_busy_kiosk_silent_for_an_hour_while_open_alerts(db: HQDatabase) -> None:
    _usual_traffic(db, per_hour=6)
    rule(db, rules.KIOSK_SILENT)
    [(_, found)] = evaluate(db, NOW).opened
    assert "silent for 60 minutes while open" in found.title
    assert "usually got 6.0 answers in such a stretch" in found.detail


def test_a_quiet_kiosk_silent_for_an_hour_is_as_usual(db: HQDatabase) -> None:
    _usual_traffic(db, per_hour=1)
    rule(db, rules.KIOSK_SILENT)
    assert evaluate(db, NOW).opened == []


def test_a_silent_kiosk_in_a_closed_store_raises_nothing(db: HQDatabase) -> None:
    _usual_traffic(db, per_hour=6)
    rule(db, rules.KIOSK_SILENT)
    # 22:00 in Amsterdam: closed since 21:00.
    assert evaluate(db, NOW + 7 * HOUR).opened == []
    # The next morning the silence counts from opening, not from yesterday's last answer:
    # at 09:30 (Thursdays are usually quiet here anyway) nothing.
    assert evaluate(db, NOW + 18 * HOUR + 30 * MINUTE).opened == []


def _beat(db: HQDatabase, where: object, **kw: object) -> None:
    values: dict[str, object] = {
        "queue_depth": 0,
        "oldest_unsent_at": None,
        "app_version": "0.1.0",
        "survey_id": "in_store_purchase",
        "survey_version": 1,
        "kiosk_time": "2026-11-25T13:00:00.000Z",
        "last_sync_error": None,
    }
    values.update(kw)
    at = values.pop("at")
    db.heartbeat(where, Heartbeat(**values), now=at)  # type: ignore[arg-type]


def test_a_kiosk_not_seen_while_open_alerts_but_not_while_closed(db: HQDatabase) -> None:
    till = store(db)
    rule(db, rules.KIOSK_SYNC, settings={"minutes": 30})
    _beat(db, till, at=NOW - 2 * HOUR)
    [(_, found)] = evaluate(db, NOW).opened
    assert "not seen for 120 minutes while open" in found.title
    # The kiosk is back: the alert closes.
    _beat(db, till, at=NOW + 4 * MINUTE)
    assert len(evaluate(db, NOW + 5 * MINUTE).closed) == 1
    # Switched off at closing time (21:00 local): nothing overnight.
    _beat(db, till, at=NOW + 6 * HOUR)
    assert evaluate(db, NOW + 10 * HOUR).opened == []


def test_a_kiosk_failing_to_sync_alerts(db: HQDatabase) -> None:
    till = store(db)
    rule(db, rules.KIOSK_SYNC, settings={"minutes": 30})
    _beat(
        db,
        till,
        at=NOW - MINUTE,
        queue_depth=42,
        oldest_unsent_at="2026-11-25T12:30:00.000Z",
        last_sync_error="HTTP 503 from HQ",
    )
    [(_, found)] = evaluate(db, NOW).opened
    assert found.title.endswith("failing to sync: 42 answers waiting")
    assert "HTTP 503 from HQ" in found.detail


def test_serve_runs_the_check_once_per_five_minutes(db: HQDatabase) -> None:
    from hq.jobs import run_due
    from hq.scheduled import Outgoing, scheduled_jobs

    [job] = [j for j in scheduled_jobs(Outgoing(None, "http://127.0.0.1/")) if j.name == "alerts"]
    till = store(db)
    rule(db, rules.DIFFICULT_RUN)
    answers(db, till, [1] * 5, start=NOW - 5 * MINUTE, every=MINUTE)
    assert run_due(db, job, NOW)
    # The same five minutes, from this process or any other: already done.
    assert not run_due(db, job, NOW + 4 * MINUTE)
    assert run_due(db, job, NOW + 5 * MINUTE)
    [alert] = inbox(db, None)
    assert alert.count == 2
