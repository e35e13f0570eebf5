"""ces-kiosk as a user runs it: real processes, offscreen, on temporary folders."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from kiosk.cli import (
    enroll_parser,
    run_parser,
    screenshots_parser,
    simulate_parser,
    status_parser,
    sync_parser,
)

ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def ces_kiosk(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=timeout,
        check=False,
    )


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
    result = ces_kiosk("screenshots", "--out", str(out), "--size", "800x1280")
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.glob("*.png"))
    for screen in ("attract", "question", "why", "comment", "still-there", "thanks"):
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
