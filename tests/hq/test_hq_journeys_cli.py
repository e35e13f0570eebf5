"""`ces-hq journey ...` as a script runs it: the real console script, on SQLite and
PostgreSQL; every refusal one line on stderr with a non-zero exit status."""

from __future__ import annotations

import json
import subprocess

import pytest
from hqserver import ces_hq


def journey(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return ces_hq("journey", *args, "--database-url", url)


def listed(url: str) -> list[dict[str, object]]:
    done = journey(url, "list", "--json")
    assert done.returncode == 0, done.stderr
    found: list[dict[str, object]] = json.loads(done.stdout)
    return found


def refusal(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_a_script_builds_a_journey(database_url: str) -> None:
    # The first use makes the shipped journeys.
    assert [j["id"] for j in listed(database_url)] == ["shopping", "returns"]
    steps = [
        ("add", "collect", "--name", "en=Collecting an order", "--name", "nl=Bestelling ophalen"),
        ("touchpoint", "add", "collect", "pickup", "--survey", "in_store_purchase",
         "--target", "75", "--name", "en=Pick-up desk", "--name", "nl=Afhaalbalie"),
        ("touchpoint", "add", "collect", "parking", "--survey", "returns_desk",
         "--name", "en=Parking", "--name", "nl=Parkeren"),
        ("touchpoint", "move", "collect", "parking", "--to", "1"),
        ("touchpoint", "set", "collect", "pickup", "--target", "90"),
        ("set", "collect", "--name", "de=Abholung"),
        ("remove", "returns"),
    ]  # fmt: skip
    for step in steps:
        done = journey(database_url, *step)
        assert done.returncode == 0, done.stderr
    assert listed(database_url) == [
        {
            "id": "shopping",
            "names": {"en": "Shopping in the store", "nl": "Winkelen in de winkel"},
            "touchpoints": [
                {
                    "id": "in_store_purchase",
                    "names": {"en": "Buying in the store", "nl": "Kopen in de winkel"},
                    "survey": "in_store_purchase",
                    "target": 80,
                }
            ],
        },
        {
            "id": "collect",
            "names": {"de": "Abholung", "en": "Collecting an order", "nl": "Bestelling ophalen"},
            "touchpoints": [
                {
                    "id": "parking",
                    "names": {"en": "Parking", "nl": "Parkeren"},
                    "survey": "returns_desk",
                    "target": 80,
                },
                {
                    "id": "pickup",
                    "names": {"en": "Pick-up desk", "nl": "Afhaalbalie"},
                    "survey": "in_store_purchase",
                    "target": 90,
                },
            ],
        },
    ]
    table = journey(database_url, "list").stdout
    assert "collect" in table
    assert "parking" in table
    assert "90%" in table
    # The removed shipped journey stays removed.
    assert [j["id"] for j in listed(database_url)] == ["shopping", "collect"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "Bad!", "--name", "en=x", "--name", "nl=y"), "id: “Bad!” is not an id"),
        (("add", "fine", "--name", "en=only English"), "name_nl: a name is needed"),
        (("add", "fine", "--name", "en", "--name", "nl=y"), "expected LOC=TEXT"),
        (("add", "fine", "--name", f"en={'x' * 81}", "--name", "nl=y"), "at most 80 characters"),
        (("touchpoint", "add", "shopping", "desk", "--survey", "nope", "--name", "en=a",
          "--name", "nl=b"), "survey: HQ serves no survey “nope”"),
        (("touchpoint", "add", "shopping", "desk", "--survey", "returns_desk", "--target", "0",
          "--name", "en=a", "--name", "nl=b"), "target: a whole percentage from 1 to 100"),
        (("touchpoint", "add", "shopping", "desk", "--survey", "returns_desk", "--target",
          "101", "--name", "en=a", "--name", "nl=b"), "target: a whole percentage"),
        (("touchpoint", "add", "shopping", "desk", "--survey", "returns_desk", "--target",
          "abc", "--name", "en=a", "--name", "nl=b"), "target: a whole percentage"),
        (("touchpoint", "add", "returns", "in_store_purchase", "--survey", "returns_desk",
          "--name", "en=a", "--name", "nl=b"), "is in journey “shopping” already"),
        (("touchpoint", "add", "shopping", "desk", "--name", "en=a"), "--survey ID"),
        (("touchpoint", "move", "shopping", "in_store_purchase", "--to", "2"),
         "position: a position from 1 to 1"),
        (("touchpoint", "remove", "shopping", "returns_desk"), "has no touchpoint"),
        (("remove", "nope"), "there is no journey “nope”"),
        (("set", "shopping"), "say what to set"),
        (("bogus",), "invalid choice: 'bogus'"),
        (("touchpoint", "add"), "the following arguments are required"),
    ],
)  # fmt: skip
def test_refusals_are_one_line(
    sqlite_database_url: str, args: tuple[str, ...], message: str
) -> None:
    line = refusal(journey(sqlite_database_url, *args))
    assert line.startswith("ces-hq: error: ")
    assert message in line
    # Nothing changed.
    found = listed(sqlite_database_url)
    assert [j["id"] for j in found] == ["shopping", "returns"]
    assert [len(j["touchpoints"]) for j in found] == [1, 1]  # type: ignore[arg-type]
