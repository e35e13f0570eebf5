"""`ces-hq survey export` and `ces-hq survey import` as an operator runs them (the installed
console script): survey versions go out of HQ's database as canonical JSON and come in only
valid, new, or as a higher version; a published version never changes. The survey folder
only seeds the database (at HQ's first start, or the first of these commands)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hqserver import ces_hq

from ces.assets import surveys_dir
from ces.survey import MAX_SURVEY_BYTES
from hq import survey_versions
from hq.db.database import HQDatabase, sqlite_url

SHIPPED = sorted(surveys_dir().glob("*.json"))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A survey folder like the one `ces-hq serve --surveys DIR` reads."""
    served = tmp_path / "surveys"
    served.mkdir()
    for path in SHIPPED:
        shutil.copy(path, served / path.name)
    return served


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ces-hq: error: ")
    return lines[0]


def data_dir(folder: Path) -> Path:
    return folder.parent / "hq"


def export(folder: Path, survey_id: str, *options: str) -> subprocess.CompletedProcess[str]:
    where = ("--surveys", str(folder), "--data-dir", str(data_dir(folder)))
    return ces_hq("survey", "export", survey_id, *where, *options)


def import_(folder: Path, file: Path) -> subprocess.CompletedProcess[str]:
    where = ("--surveys", str(folder), "--data-dir", str(data_dir(folder)))
    return ces_hq("survey", "import", str(file), *where)


def shipped(name: str = "returns_desk") -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((surveys_dir() / f"{name}.json").read_bytes())
    return doc


def write(tmp_path: Path, doc: dict[str, Any], name: str = "edited.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, object]:
    """The folder's files and every survey version in HQ's database."""
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    if not data_dir(folder).exists():
        return {"files": files, "stored": None}
    db = HQDatabase.open(sqlite_url(data_dir(folder)))
    try:
        stored = {
            (v.survey_id, v.version, v.state): survey_versions.document(db, s.survey_id, v.version)
            for s in survey_versions.surveys(db)
            for v in survey_versions.versions(db, s.survey_id)
        }
    finally:
        db.close()
    return {"files": files, "stored": stored}


# --- export --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_export_prints_the_survey_as_canonical_json(folder: Path, path: Path) -> None:
    result = export(folder, path.stem)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert json.loads(result.stdout) == json.loads(path.read_bytes())
    # The documented form (docs/survey-format.md): sorted keys, two-space indent, UTF-8.
    doc = json.loads(path.read_bytes())
    assert result.stdout == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert export(folder, path.stem).stdout == result.stdout


def test_export_keeps_non_ascii_text_readable(folder: Path, tmp_path: Path) -> None:
    doc = shipped()
    doc["version"] = 2
    doc["thanks"]["nl"] = "Bedankt — tot ziens!"
    assert import_(folder, write(tmp_path, doc)).returncode == 0
    result = export(folder, "returns_desk")
    assert "Bedankt — tot ziens!" in result.stdout


def test_export_of_the_version_there_is(folder: Path) -> None:
    result = export(folder, "returns_desk", "--version", "1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["version"] == 1


def test_export_of_another_version_names_the_versions_there_are(folder: Path) -> None:
    line = one_line_error(export(folder, "returns_desk", "--version", "3"))
    assert "has no version 3" in line
    assert "the versions there are: 1" in line


def test_export_of_an_unknown_survey_names_the_surveys_there_are(folder: Path) -> None:
    line = one_line_error(export(folder, "service_desk"))
    assert "no survey 'service_desk'" in line
    assert "in_store_purchase, returns_desk" in line


def test_export_from_a_folder_that_is_not_there(tmp_path: Path) -> None:
    line = one_line_error(export(tmp_path / "nowhere", "returns_desk"))
    assert "does not exist" in line


# --- import --------------------------------------------------------------------------------


def test_an_exported_survey_imports_back_unchanged(folder: Path, tmp_path: Path) -> None:
    exported = tmp_path / "returns_desk.json"
    exported.write_text(export(folder, "returns_desk").stdout, encoding="utf-8")
    before = snapshot(folder)
    result = import_(folder, exported)
    assert result.returncode == 0, result.stderr
    assert "nothing changed" in result.stdout
    assert snapshot(folder) == before


def test_a_new_survey_is_copied_in_under_its_id(folder: Path, tmp_path: Path) -> None:
    doc = shipped()
    doc["id"] = "service_desk"
    doc["touchpoint"] = "service_desk"
    result = import_(folder, write(tmp_path, doc, "anything.json"))
    assert result.returncode == 0, result.stderr
    assert "imported survey 'service_desk' version 1 as a published version" in result.stdout
    assert not (folder / "service_desk.json").exists()  # the folder only seeds the database
    assert json.loads(export(folder, "service_desk").stdout) == doc


def test_a_higher_version_replaces_the_lower(folder: Path, tmp_path: Path) -> None:
    doc = shipped()
    doc["version"] = 2
    doc["question"]["en"] = "How easy was returning your item?"
    result = import_(folder, write(tmp_path, doc))
    assert result.returncode == 0, result.stderr
    assert "newest published was version 1" in result.stdout
    assert json.loads(export(folder, "returns_desk").stdout) == doc
    assert json.loads(export(folder, "returns_desk", "--version", "2").stdout) == doc
    # The older version stays as it was: answers to it keep its words.
    assert json.loads(export(folder, "returns_desk", "--version", "1").stdout) == shipped()
    assert "the versions there are: 1, 2" in one_line_error(
        export(folder, "returns_desk", "--version", "5")
    )
    assert sorted(p.name for p in folder.iterdir()) == [p.name for p in SHIPPED]


def test_an_import_waits_for_the_surveys_draft(folder: Path, tmp_path: Path) -> None:
    assert export(folder, "returns_desk").returncode == 0  # the database is seeded
    db = HQDatabase.open(sqlite_url(data_dir(folder)))
    try:
        assert survey_versions.new_draft_from(db, "returns_desk", "ann") == 2
    finally:
        db.close()
    doc = shipped()
    doc["version"] = 3
    before = snapshot(folder)
    line = one_line_error(import_(folder, write(tmp_path, doc)))
    assert "has a draft (version 2)" in line
    assert snapshot(folder) == before


def test_export_of_a_hostile_id_is_refused_in_one_short_line(folder: Path) -> None:
    line = one_line_error(export(folder, "'; DROP TABLE survey_versions; --" + "x" * 5000))
    assert "no survey" in line
    assert len(line) < 300
    assert json.loads(export(folder, "returns_desk").stdout) == shipped()


def test_a_published_version_never_changes(folder: Path, tmp_path: Path) -> None:
    doc = shipped()
    doc["question"]["en"] = "Was returning your item easy?"
    assert export(folder, "returns_desk").returncode == 0  # the database is seeded
    before = snapshot(folder)
    line = one_line_error(import_(folder, write(tmp_path, doc)))
    assert "version 1 of 'returns_desk'" in line
    assert "a published version never changes" in line
    assert snapshot(folder) == before


def test_a_lower_version_never_replaces_a_higher(folder: Path, tmp_path: Path) -> None:
    doc = shipped()
    doc["version"] = 3
    assert import_(folder, write(tmp_path, doc, "v3.json")).returncode == 0
    doc["version"] = 2
    before = snapshot(folder)
    line = one_line_error(import_(folder, write(tmp_path, doc, "v2.json")))
    assert "has version 3 of 'returns_desk', newer than version 2" in line
    assert snapshot(folder) == before


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b'{"id": "x"', "is not valid JSON"),
        (json.dumps({**shipped(), "questoin": {}}).encode(), "unknown field 'questoin'"),
        (json.dumps({**shipped(), "scale": "ces10"}).encode(), "unknown scale 'ces10'"),
        (b"\xff\xfe{\x00}\x00", "NUL bytes"),
        (b'{"id": "caf\xe9"}', "is not valid UTF-8 text"),
        (b" " * (MAX_SURVEY_BYTES + 1), "larger than the limit of 262,144 bytes"),
        (b"", "is empty"),
    ],
    ids=["broken json", "unknown field", "bad scale", "utf-16", "latin-1", "oversized", "empty"],
)
def test_an_invalid_file_is_refused_in_one_line(
    folder: Path, tmp_path: Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    before = snapshot(folder)
    line = one_line_error(import_(folder, path))
    assert str(path) in line
    assert problem in line
    assert snapshot(folder) == before


def test_a_missing_file_or_a_folder_is_refused_in_one_line(folder: Path, tmp_path: Path) -> None:
    assert "file not found" in one_line_error(import_(folder, tmp_path / "nope.json"))
    assert "is a folder" in one_line_error(import_(folder, tmp_path))
