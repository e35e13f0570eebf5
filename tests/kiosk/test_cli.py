"""ces-kiosk as a user runs it: real processes, offscreen, on temporary folders."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from ces.timestamps import MS_TIMESTAMP_RE
from kiosk.cli import (
    enroll_parser,
    run_parser,
    screenshots_parser,
    simulate_parser,
    status_parser,
    sync_parser,
)

ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "WAYLAND_SOCKET", "QT_QPA_PLATFORM")


def ces_kiosk(
    *args: str, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True,
        text=True,
        env=ENV if env is None else env,
        timeout=timeout,
        check=False,
    )


def without_a_display(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of an SSH login or a cron job: no display, no platform chosen."""
    env = {k: v for k, v in os.environ.items() if k not in DISPLAY_VARIABLES}
    # Nor a Wayland socket where a client would look for one by default.
    runtime = tmp_path / "runtime"
    runtime.mkdir(exist_ok=True)
    env["XDG_RUNTIME_DIR"] = str(runtime)
    return env | extra


def test_help_lists_the_subcommands_and_options() -> None:
    result = ces_kiosk("--help")
    assert result.returncode == 0
    for option in (
        "--windowed",
        "--size",
        "--data-dir",
        "--survey",
        "--lang",
        "simulate",
        "screenshots",
    ):
        assert option in result.stdout


def test_simulate_drives_the_ui_and_reports_numbers(tmp_path: Path) -> None:
    data = tmp_path / "sim"
    result = ces_kiosk("simulate", "--responses", "12", "--seed", "3", "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    conn = sqlite3.connect(data / "kiosk.db")
    stored = conn.execute("SELECT count(*) FROM responses WHERE outcome IS NOT NULL").fetchone()[0]
    conn.close()
    # The warm-up shoppers are in the file too; the summary counts the measured ones.
    assert stored == summary["rows_written"] + summary["warmup_rows"]
    assert summary["shoppers"] == 12
    assert 0 < summary["rows_written"] <= 12
    assert summary["completed"] + summary["timeout"] == summary["rows_written"]
    for key in ("p50", "p95", "p99"):
        assert summary["tap_to_screen_ms"][key] > 0
    for key in ("p50", "p99"):
        assert summary["commit_ms"][key] > 0
    assert {"start", "end", "growth"} <= set(summary["rss_mb"])


def test_simulate_with_the_same_seed_gives_the_same_shoppers() -> None:
    first = json.loads(ces_kiosk("simulate", "--responses", "15", "--seed", "9").stdout)
    second = json.loads(ces_kiosk("simulate", "--responses", "15", "--seed", "9").stdout)
    keys = ("rows_written", "completed", "timeout", "double_taps", "flagged_rapid")
    assert [first[k] for k in keys] == [second[k] for k in keys]
    assert first["data_dir"] is None  # a temporary folder, cleaned up


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["simulate", "--responses", "0"], "at least 1"),
        (["simulate", "--responses", "many"], "whole number"),
        (["simulate"], "--responses"),
        (["--size", "12x"], "1280x800"),
        (["--size", "99999x800"], "outside"),
        (["--lang", "klingon"], "unknown language"),
        (["screenshots"], "--out"),
    ],
)
def test_bad_arguments_get_a_clear_message(args: list[str], message: str) -> None:
    result = ces_kiosk(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_screenshots_renders_every_screen(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    # No display needed: the pictures are rendered offscreen.
    result = ces_kiosk(
        "screenshots", "--out", str(out), "--size", "800x1280", env=without_a_display(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    # Each picture shows the screen it is named for, checked as it was taken: the
    # out-of-order one is a set-up kiosk that cannot use its database, not the setup screen.
    assert "out-of-order-800x1280.png: outOfOrderScreen" in result.stderr
    assert "setup-800x1280.png: setupScreen" in result.stderr
    out_of_order = QImage(str(out / "out-of-order-800x1280.png"))
    assert out_of_order != QImage(str(out / "setup-800x1280.png"))
    names = sorted(p.name for p in out.glob("*.png"))
    for screen in ("attract", "question", "why", "comment", "still-there", "thanks", "closed"):
        assert any(
            "in_store_purchase-800x1280-" in n and n.endswith(f"-{screen}.png") for n in names
        ), screen
    assert "out-of-order-800x1280.png" in names
    for path in out.glob("*.png"):
        image = QImage(str(path))
        assert (image.width(), image.height()) == (800, 1280)
        # Not a blank frame: the screen has text and buttons in more than one colour.
        colours = {image.pixel(x, y) for x in range(0, 800, 40) for y in range(0, 1280, 40)}
        assert len(colours) > 2, path.name


def test_screenshots_of_a_refused_survey_say_why(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "x"}', encoding="utf-8")
    result = ces_kiosk("screenshots", "--out", str(tmp_path / "o"), "--survey", str(bad))
    assert result.returncode == 1
    assert "survey refused: bad.json" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_kiosk_starts_on_its_defaults_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    data = tmp_path / "kiosk-data"
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--windowed", "--data-dir", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    try:
        deadline = time.monotonic() + 60
        while not (data / "last_good_survey.json").exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the kiosk did not start"
            time.sleep(0.05)  # ok-sleep: polling another process's files
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert "kiosk stopped" in stderr
    assert (data / "kiosk.db").exists()
    # Only the kiosk's own log lines: nothing Qt printed past its filter (such as Qt
    # Multimedia's search for PipeWire when it was loaded before the application existed).
    stray = [line for line in stderr.splitlines() if not re.match(r"\d{4}-\d\d-\d\d ", line)]
    assert stray == [], stray


def test_every_option_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    parsers = (
        run_parser(),
        simulate_parser(),
        screenshots_parser(),
        enroll_parser(),
        sync_parser(),
        status_parser(),
    )
    for parser in parsers:
        assert parser.prog in readme
        for action in parser._actions:
            for option in action.option_strings:
                if option.startswith("--") and option not in ("--help", "--version"):
                    assert option in readme, f"{parser.prog} {option} is not in the README"


def test_status_of_a_kiosk_that_is_not_enrolled(tmp_path: Path) -> None:
    result = ces_kiosk("status", "--data-dir", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["enrolled"] is False
    assert status["pending"] == 0
    assert status["hq"] is None
    human = ces_kiosk("status", "--data-dir", str(tmp_path))
    assert "not enrolled" in human.stdout


def test_sync_without_enrolment_says_so(tmp_path: Path) -> None:
    result = ces_kiosk("sync", "--data-dir", str(tmp_path), "--until-empty", "--timeout", "5")
    assert result.returncode == 2
    assert "not enrolled" in result.stderr


def test_enroll_refuses_plain_http_to_another_host_without_connecting(tmp_path: Path) -> None:
    result = ces_kiosk(
        "enroll", "--hq", "http://hq.example", "--code", "ABCD-2345", "--data-dir", str(tmp_path)
    )
    assert result.returncode == 2
    assert "refusing plain http" in result.stderr
    assert not (tmp_path / "kiosk.db").exists()


def test_the_kiosk_without_a_display_says_so_in_one_line(tmp_path: Path) -> None:
    result = ces_kiosk("--data-dir", str(tmp_path / "data"), env=without_a_display(tmp_path))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "ces-kiosk: no display (DISPLAY and WAYLAND_DISPLAY are unset); run it in the "
        "kiosk's graphical session, or set QT_QPA_PLATFORM"
    ]


@pytest.mark.parametrize(
    "display",
    [
        # An SSH login: no display at all.
        {},
        # A desktop where a kiosk runs: simulate must not draw over it. (A display nobody
        # serves: a window would abort the command, offscreen never asks for it.)
        {"DISPLAY": ":93"},
    ],
    ids=["none", "a-running-kiosks"],
)
def test_simulate_runs_offscreen_by_itself(tmp_path: Path, display: dict[str, str]) -> None:
    result = ces_kiosk("simulate", "--responses", "3", env=without_a_display(tmp_path, **display))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["shoppers"] == 3


def _rows(data: Path) -> list[dict[str, str]]:
    conn = sqlite3.connect(data / "kiosk.db")
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM responses WHERE outcome IS NOT NULL")]
    finally:
        conn.close()


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_simulated_answers_have_real_dates_over_the_days_asked_for(tmp_path: Path) -> None:
    data = tmp_path / "sim"
    before = datetime.now(UTC)
    result = ces_kiosk(
        "simulate", "--responses", "60", "--days", "10", "--seed", "4", "--data-dir", str(data)
    )
    after = datetime.now(UTC)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    rows = _rows(data)
    assert len(rows) == summary["rows_written"] + summary["warmup_rows"]
    for row in rows:
        moments = [row["started_at"], row["answered_at"], row["finished_at"]]
        assert all(MS_TIMESTAMP_RE.fullmatch(m) for m in moments), moments
        started, answered, finished = (_moment(m) for m in moments)
        assert started <= answered <= finished
        assert before - timedelta(days=10) <= started
        assert finished <= after
    days = {_moment(r["answered_at"]).date() for r in rows}
    assert len(days) >= 6, f"answers on {len(days)} days only"
    first = min(_moment(r["answered_at"]) for r in rows)
    last = max(_moment(r["answered_at"]) for r in rows)
    assert last - first > timedelta(days=7)
    # Fewer rows than shoppers, and the summary says why.
    assert summary["left_before_scoring"] > 0
    assert summary["rows_written"] + summary["left_before_scoring"] == 60
    assert summary["why_fewer_rows"].startswith(
        f"{summary['rows_written']} rows for 60 shoppers: {summary['left_before_scoring']} "
        "walked away"
    )


def test_simulate_does_not_send_to_hq_unless_allowed(tmp_path: Path) -> None:
    from hqserver import HQService
    from sync_fixtures import enrol, hq_rows

    data = tmp_path / "kiosk"
    with HQService(tmp_path / "hq") as hq:
        kiosk_id = enrol(data, hq.url, hq.add_kiosk())
        refused = ces_kiosk("simulate", "--responses", "5", "--data-dir", str(data))
        assert refused.returncode == 2
        assert refused.stderr.splitlines() == [
            f"ces-kiosk simulate: {data} is an enrolled kiosk's data dir: its simulated "
            f"answers would be sent to HQ ({hq.url}); use another --data-dir, or --allow-upload"
        ]
        assert not (data / "kiosk.db").exists() or _rows(data) == []

        allowed = ces_kiosk(
            "simulate",
            "--responses",
            "20",
            "--days",
            "14",
            "--allow-upload",
            "--data-dir",
            str(data),
        )
        assert allowed.returncode == 0, allowed.stderr
        sent = ces_kiosk("sync", "--data-dir", str(data), "--until-empty", "--timeout", "60")
        assert sent.returncode == 0, sent.stderr
        at_hq = hq_rows(tmp_path / "hq", kiosk_id)
    summary = json.loads(allowed.stdout)
    assert len(at_hq) == summary["rows_written"] + summary["warmup_rows"]
    days = {_moment(str(r["answered_at"]).replace(" ", "T")).date() for r in at_hq}
    assert len(days) >= 5, f"HQ has answers on {len(days)} days only"


@pytest.mark.parametrize(
    ("option", "value", "problem"),
    [
        ("--config-poll", "0", "must be 1 to 86400 seconds, not 0"),
        ("--config-poll", "90000", "must be 1 to 86400 seconds, not 90000"),
        ("--heartbeat", "soon", "not a number of seconds: 'soon'"),
        ("--heartbeat", "nan", "must be 1 to 86400 seconds, not nan"),
    ],
)
def test_poll_and_heartbeat_intervals_out_of_range_are_refused(
    capsys: pytest.CaptureFixture[str], option: str, value: str, problem: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        run_parser().parse_args([option, value])
    assert exited.value.code == 2
    assert f"argument {option}: {problem}" in capsys.readouterr().err


def test_poll_and_heartbeat_default_to_the_sync_workers() -> None:
    args = run_parser().parse_args(["--config-poll", "2.5"])
    assert (args.config_poll, args.heartbeat) == (2.5, 60.0)


def test_screenshots_in_the_accessibility_mode_and_in_arabic(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    env = without_a_display(tmp_path)
    result = ces_kiosk("screenshots", "--out", str(out), "--accessible", env=env)
    assert result.returncode == 0, result.stderr
    result = ces_kiosk("screenshots", "--out", str(out), "--language", "ar", env=env)
    assert result.returncode == 0, result.stderr
    result = ces_kiosk(
        "screenshots", "--out", str(out), "--accessible", "--language", "ar", env=env
    )
    assert result.returncode == 0, result.stderr
    names = {p.name for p in out.glob("*.png")}
    tag = "in_store_purchase-1280x800"
    assert f"{tag}-accessible-2-question.png" in names
    assert f"{tag}-2-question-ar.png" in names
    assert f"{tag}-accessible-2-question-ar.png" in names
    assert "manager-1280x800-2-screen-ar.png" in names
    # The mode's picture is not the plain one: larger text, other colours.
    plain = QImage(str(out / f"{tag}-2-question-ar.png"))
    accessible = QImage(str(out / f"{tag}-accessible-2-question-ar.png"))
    assert plain != accessible


def test_screenshots_in_a_language_the_survey_lacks_say_so(tmp_path: Path) -> None:
    survey = "assets/surveys/returns_desk.json"
    for extra in ([], ["--accessible"]):
        result = ces_kiosk(
            "screenshots", "--out", str(tmp_path / "o"), "--survey", survey,
            "--language", "ar", *extra, env=without_a_display(tmp_path),
        )  # fmt: skip
        assert result.returncode == 1, result.stderr
        assert "has no 'ar'" in result.stderr
        assert "Traceback" not in result.stderr
