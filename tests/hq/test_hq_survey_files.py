"""`ces-hq survey export` and `ces-hq survey import` as an operator runs them (the installed
console script): surveys go out as canonical JSON and come in only valid, new, or as a
higher version; a published version never changes."""

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


def export(folder: Path, survey_id: str, *options: str) -> subprocess.CompletedProcess[str]:
    return ces_hq("survey", "export", survey_id, "--surveys", str(folder), *options)


def import_(folder: Path, file: Path) -> subprocess.CompletedProcess[str]:
    return ces_hq("survey", "import", str(file), "--surveys", str(folder))


def shipped(name: str = "returns_desk") -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((surveys_dir() / f"{name}.json").read_bytes())
    return doc


def write(tmp_path: Path, doc: dict[str, Any], name: str = "edited.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


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
    assert "imported survey 'service_desk' version 1" in result.stdout
    assert (folder / "service_desk.json").is_file()
    assert json.loads(export(folder, "service_desk").stdout) == doc


def test_a_higher_version_replaces_the_lower(folder: Path, tmp_path: Path) -> None:
    doc = shipped()
    doc["version"] = 2
    doc["question"]["en"] = "How easy was returning your item?"
    result = import_(folder, write(tmp_path, doc))
    assert result.returncode == 0, result.stderr
    assert "replaces version 1" in result.stdout
    assert json.loads(export(folder, "returns_desk", "--version", "2").stdout) == doc
    assert "the versions there are: 2" in one_line_error(
        export(folder, "returns_desk", "--version", "1")
    )
    assert sorted(p.name for p in folder.iterdir()) == [p.name for p in SHIPPED]


def test_a_higher_version_replaces_the_file_that_holds_the_id(folder: Path, tmp_path: Path) -> None:
    (folder / "returns_desk.json").rename(folder / "returns.json")
    doc = shipped()
    doc["version"] = 2
    assert import_(folder, write(tmp_path, doc)).returncode == 0
    assert sorted(p.name for p in folder.iterdir()) == ["in_store_purchase.json", "returns.json"]
    assert json.loads((folder / "returns.json").read_bytes())["version"] == 2


def test_a_published_version_never_changes(folder: Path, tmp_path: Path) -> None:
    doc = shipped()
    doc["question"]["en"] = "Was returning your item easy?"
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
