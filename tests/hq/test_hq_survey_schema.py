"""GET and HEAD /schemas/survey.json: HQ publishes the survey format's JSON Schema, without a
login, and every survey HQ serves passes it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests
from hq_helpers import serving
from jsonschema import Draft202012Validator

from ces.survey_schema import SCHEMA_FILE
from hq.db.database import HQDatabase
from hq.surveys import SurveyCatalog

PATH = "/schemas/survey.json"


@pytest.fixture
def hq_url(sqlite_database_url: str, surveys: SurveyCatalog) -> Iterator[str]:
    # The schema does not touch the database: SQLite alone is enough.
    opened = HQDatabase.open(sqlite_database_url)
    try:
        with serving(opened, surveys) as url:
            yield url
    finally:
        opened.close()


def test_hq_serves_the_schema_without_a_login(hq_url: str) -> None:
    reply = requests.get(hq_url + PATH, timeout=30)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "application/schema+json"
    assert "public" in reply.headers["Cache-Control"]
    assert "max-age=" in reply.headers["Cache-Control"]
    assert reply.content == SCHEMA_FILE.read_bytes()
    Draft202012Validator.check_schema(reply.json())


def test_head_answers_like_get_without_a_body(hq_url: str) -> None:
    got = requests.get(hq_url + PATH, timeout=30)
    head = requests.head(hq_url + PATH, timeout=30)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["Content-Type"] == "application/schema+json"
    assert head.headers["Content-Length"] == got.headers["Content-Length"]


def test_every_survey_hq_serves_passes_the_served_schema(
    hq_url: str, surveys: SurveyCatalog
) -> None:
    validator = Draft202012Validator(requests.get(hq_url + PATH, timeout=30).json())
    assert surveys.documents
    for document in surveys.documents:
        assert [e.message for e in validator.iter_errors(document)] == [], document["id"]
    broken = {**json.loads(json.dumps(surveys.documents[0])), "questoin": {}}
    assert not validator.is_valid(broken)
