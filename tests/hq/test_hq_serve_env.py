"""Every `ces-hq serve` option from an EFFORTLESS_HQ_ variable, documented in one table
(issue 17); and `--log-format json` on a real started HQ: every stderr line is JSON."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import requests
from hqserver import CES_HQ, HQService

from hq import cli, serve_env

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cr3t-pw"


def _serve_parser() -> argparse.ArgumentParser:
    return serve_env.subcommand(cli.build_parser(), "serve")


def _docs_table() -> list[list[str]]:
    text = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    section = text.split("\n## HQ settings from the environment\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `--")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]


def test_every_serve_option_has_its_variable_in_one_docs_table() -> None:
    options = serve_env.options(_serve_parser())
    assert len(options) >= 18
    wanted = {(f"`{serve_env.long_option(a)}`", f"`{serve_env.variable(a)}`") for a in options}
    rows = _docs_table()
    documented = [(row[0], row[1]) for row in rows]
    assert len(documented) == len(set(documented)), "an option is in the table twice"
    assert set(documented) == wanted
    # Option, variable, default, meaning: none left empty.
    assert all(len(row) == 4 and all(row) for row in rows)


def test_each_variable_is_the_option_in_capitals() -> None:
    names = {
        serve_env.long_option(a): serve_env.variable(a) for a in serve_env.options(_serve_parser())
    }
    assert names["--max-connections"] == "EFFORTLESS_HQ_MAX_CONNECTIONS"
    assert names["--database-url"] == cli.DATABASE_URL_ENV
    assert all(re.fullmatch(r"EFFORTLESS_HQ_[A-Z0-9_]+", v) for v in names.values())
    assert len(set(names.values())) == len(names)


def test_variables_set_the_options_the_command_line_leaves_out() -> None:
    args = cli.parse_args(
        ["serve", "--port", "9001"],
        {
            "EFFORTLESS_HQ_PORT": "9002",
            "EFFORTLESS_HQ_MAX_CONNECTIONS": "7",
            "EFFORTLESS_HQ_HEADER_TIMEOUT": "2.5",
            "EFFORTLESS_HQ_LOG_FORMAT": "json",
            "EFFORTLESS_HQ_DIGEST_AT": "fri 18:30",
            "EFFORTLESS_HQ_ANSWER_RETENTION_DAYS": "0",
            "EFFORTLESS_HQ_SURVEYS": "/srv/surveys",
            "EFFORTLESS_HQ_PUBLIC_URL": "",  # empty: unset
            "EFFORTLESS_HQ_UNKNOWN": "ignored",
        },
    )
    assert args.port == 9001  # the command line wins
    assert args.max_connections == 7
    assert args.header_timeout == 2.5
    assert args.log_format == "json"
    assert (args.digest_at.weekday, args.digest_at.at.hour) == (4, 18)
    assert args.answer_retention_days is None
    assert args.surveys == Path("/srv/surveys")
    assert args.public_url is None
    assert set(args.from_environment.values()) == {
        "EFFORTLESS_HQ_MAX_CONNECTIONS",
        "EFFORTLESS_HQ_HEADER_TIMEOUT",
        "EFFORTLESS_HQ_LOG_FORMAT",
        "EFFORTLESS_HQ_DIGEST_AT",
        "EFFORTLESS_HQ_ANSWER_RETENTION_DAYS",
        "EFFORTLESS_HQ_SURVEYS",
    }


def test_the_command_line_wins_even_over_a_bad_variable() -> None:
    args = cli.parse_args(
        ["serve", "--max-connections", "5", "--log-level", "info"],
        {"EFFORTLESS_HQ_MAX_CONNECTIONS": "0", "EFFORTLESS_HQ_LOG_LEVEL": "loud"},
    )
    assert (args.max_connections, args.log_level) == (5, "info")


def test_one_database_option_on_the_command_line_silences_both_variables() -> None:
    environ = {"EFFORTLESS_HQ_DATABASE_URL": "sqlite:////tmp/x.db", "EFFORTLESS_HQ_DATA_DIR": "/d"}
    args = cli.parse_args(["serve", "--data-dir", "/cli"], environ)
    assert (args.data_dir, args.database_url) == (Path("/cli"), None)
    args = cli.parse_args(["serve"], {"EFFORTLESS_HQ_DATA_DIR": "/d"})
    assert (args.data_dir, args.database_url) == (Path("/d"), None)


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("EFFORTLESS_HQ_PORT", "http", "expected a port number, not 'http'"),
        ("EFFORTLESS_HQ_PORT", "70000", "port 70000 is outside 0..65535"),
        ("EFFORTLESS_HQ_PORT", "8080\nEFFORTLESS_HQ_HOST=0.0.0.0", "expected a port number"),
        ("EFFORTLESS_HQ_MAX_CONNECTIONS", "0", "must be at least 1: '0'"),
        ("EFFORTLESS_HQ_MAX_CONNECTIONS", "9" * 5000, "not a whole number"),
        ("EFFORTLESS_HQ_HEADER_TIMEOUT", "-1", "must be more than 0 and at most 3600"),
        ("EFFORTLESS_HQ_BODY_TIMEOUT", "nan", "must be more than 0"),
        ("EFFORTLESS_HQ_LOG_FORMAT", "xml", "invalid choice: 'xml' (choose from 'text', 'json')"),
        ("EFFORTLESS_HQ_LOG_LEVEL", "INFO", "invalid choice: 'INFO'"),
        ("EFFORTLESS_HQ_DIGEST_AT", "someday", "'someday'"),
        ("EFFORTLESS_HQ_COMMENT_RETENTION_DAYS", "0", "comments:"),
        ("EFFORTLESS_HQ_DIGEST_LANGUAGE", "xx\u202e", "invalid choice"),
    ],
)
def test_a_bad_variable_is_refused_like_a_bad_option_naming_the_variable(
    variable: str, value: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.parse_args(["serve"], {variable: value})
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: ces-hq serve")
    (line,) = [line for line in err.splitlines() if "error:" in line]
    assert line.startswith(f"ces-hq serve: error: {variable} (for --")
    assert said in line
    assert len(line) < 600  # a long value is cut


def test_two_database_variables_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.parse_args(
            ["serve"],
            {"EFFORTLESS_HQ_DATABASE_URL": "sqlite:////x", "EFFORTLESS_HQ_DATA_DIR": "/d"},
        )
    assert "EFFORTLESS_HQ_DATABASE_URL and EFFORTLESS_HQ_DATA_DIR are both set" in (
        capsys.readouterr().err
    )


def test_a_secret_value_is_never_repeated_in_an_error(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "EFFORTLESS_HQ_DATABASE_URL": "",
        "EFFORTLESS_HQ_DATA_DIR": str(tmp_path),
        "EFFORTLESS_HQ_SMTP_URL": f"ftp://hq:{SECRET}@mail.example.com",
        "EFFORTLESS_HQ_LOG_FORMAT": "json",
    }
    done = subprocess.run(
        [CES_HQ, "serve", "--port", "0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert SECRET not in done.stdout + done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    assert lines[-1]["level"] == "ERROR"
    assert lines[-1]["message"].startswith("EFFORTLESS_HQ_SMTP_URL: the SMTP URL must begin")


def _json_lines(text: str) -> list[dict[str, Any]]:
    lines = text.splitlines()
    assert lines
    parsed = [json.loads(line) for line in lines]  # every line, or this fails
    assert all(isinstance(p, dict) for p in parsed)
    return parsed


def test_a_started_hq_takes_its_settings_from_the_environment_and_logs_json(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "EFFORTLESS_HQ_DATABASE_URL": "",
        "EFFORTLESS_HQ_MAX_CONNECTIONS": "77",
        "EFFORTLESS_HQ_LOG_FORMAT": "json",
        "EFFORTLESS_HQ_LOG_LEVEL": "debug",
        "EFFORTLESS_HQ_SMTP_URL": f"smtp://hq:{SECRET}@127.0.0.1:1",
    }
    with HQService(tmp_path, env=env) as hq:
        assert requests.get(f"{hq.url}/readyz", timeout=30).status_code == 200
        assert requests.get(f"{hq.url}/no/such%0Apage?q=secret", timeout=30).status_code == 404
    log = hq.stderr()
    assert SECRET not in log
    lines = _json_lines(log)
    for line in lines:
        assert set(line) >= {"time", "level", "logger", "message"}
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])
    messages = [line["message"] for line in lines]
    assert any(m.startswith("at most 77 connections") for m in messages)
    assert any(
        "EFFORTLESS_HQ_MAX_CONNECTIONS" in m and "EFFORTLESS_HQ_SMTP_URL" in m
        for m in messages
        if m.startswith("settings from the environment: ")
    )
    # uvicorn's own lines come through the same way.
    assert any(line["logger"].startswith("uvicorn") for line in lines)
    access = [line for line in lines if line["logger"] == "effortless.hq.access"]
    ready = [a for a in access if a["path"] == "/readyz"]
    assert ready
    assert (ready[0]["method"], ready[0]["status"]) == ("GET", 200)
    assert isinstance(ready[0]["duration_ms"], float)
    assert re.fullmatch(r"[0-9a-f]{32}", ready[0]["request_id"])
    (missing,) = [a for a in access if a["status"] == 404]
    # As sent: the escape stays escaped (no line break), and no query.
    assert missing["path"] == "/no/such%0Apage"


def test_the_text_log_stays_the_default(tmp_path: Path) -> None:
    env = {**os.environ, "EFFORTLESS_HQ_DATABASE_URL": ""}
    with HQService(tmp_path, env=env) as hq:
        assert requests.get(f"{hq.url}/livez", timeout=30).status_code == 200
    first = hq.stderr().splitlines()[0]
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO effortless\.hq\.", first), first
