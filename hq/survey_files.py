"""`ces-hq survey export/import`: surveys in and out of HQ's survey folder, for version control.

Until HQ keeps survey versions in its database, the folder `ces-hq serve --surveys DIR` reads
is the store: one file per survey id, one version each. The rule of versions holds already:
a published version never changes, so a file only replaces a lower version of its survey.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ces.survey import Survey, SurveyError, load_survey
from hq.surveys import SurveyCatalog


class SurveyFileError(ValueError):
    """An import or export that cannot be done; ``str(e)`` is one line for the operator."""


def canonical_json(survey: Survey) -> str:
    """The survey as one stable text (sorted keys, two-space indent, UTF-8, final line
    break), so the same survey exports the same bytes and diffs stay small."""
    doc = _document(survey)
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _document(survey: Survey) -> Any:
    return json.loads(survey.raw.decode("utf-8-sig"))


def exported(catalog: SurveyCatalog, survey_id: str, version: int | None) -> str:
    survey = catalog.by_id.get(survey_id)
    if survey is None:
        known = ", ".join(sorted(catalog.by_id))
        raise SurveyFileError(
            f"no survey {survey_id!r} in {catalog.folder}; the surveys there are: {known}"
        )
    if version is not None and version != survey.version:
        raise SurveyFileError(
            f"survey {survey_id!r} has no version {version} in {catalog.folder}; "
            f"the versions there are: {survey.version}"
        )
    return canonical_json(survey)


@dataclass(frozen=True)
class Imported:
    survey: Survey
    path: Path
    replaced: int | None  # the version it replaced; None for a new survey
    unchanged: bool  # the same version with the same content was there already


def import_survey(catalog: SurveyCatalog, source: Path) -> Imported:
    """Check ``source`` as the kiosk would and copy it into the catalog's folder as
    <id>.json (or over the file that holds that id now)."""
    try:
        survey = load_survey(source)
    except SurveyError as e:
        raise SurveyFileError(f"{source}: {e.field}: {e.problem}") from None
    folder = catalog.folder
    present = catalog.by_id.get(survey.id)
    if present is None:
        target = folder / f"{survey.id}.json"
        if target.exists():
            # A file of that name holding another survey (or none HQ loads) is not ours to replace.
            raise SurveyFileError(f"{target} exists and does not hold survey {survey.id!r}")
        _write(target, canonical_json(survey))
        return Imported(survey, target, replaced=None, unchanged=False)
    target = folder / present.source
    if survey.version < present.version:
        raise SurveyFileError(
            f"{target} has version {present.version} of {survey.id!r}, newer than version "
            f"{survey.version} in {source}; a lower version never replaces a higher one"
        )
    if survey.version == present.version:
        if _document(survey) != _document(present):
            raise SurveyFileError(
                f"version {survey.version} of {survey.id!r} is in {target} with different "
                f'content; a published version never changes: raise "version" in {source}'
            )
        return Imported(survey, target, replaced=present.version, unchanged=True)
    _write(target, canonical_json(survey))
    return Imported(survey, target, replaced=present.version, unchanged=False)


def _write(target: Path, text: str) -> None:
    # Whole or not at all: HQ or a kiosk reading the folder never sees half a survey. The
    # temporary name does not end in .json, so no reader takes it for a survey.
    try:
        # A replaced file keeps its mode; a new one is readable by the user HQ runs as.
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
        fd, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                os.fchmod(handle.fileno(), mode)
                handle.write(text)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as e:
        raise SurveyFileError(f"cannot write {target}: {e.strerror or e}") from None
