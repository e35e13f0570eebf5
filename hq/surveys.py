"""The survey definitions HQ serves: a folder's (the seed of HQ's database, hq.survey_versions).

The same files and the same validator as the kiosk (ces.survey), so HQ accepts
exactly the answers a kiosk running these surveys can give.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ces.assets import surveys_dir
from ces.survey import Survey, SurveyError, load_survey
from hq.validate import SurveyRules, survey_rules


class SurveyFolderError(ValueError):
    """The survey folder cannot be used; ``str(e)`` is one line naming file and problem."""


@dataclass(frozen=True)
class SurveyCatalog:
    # The newest published version of each survey.
    by_id: Mapping[str, Survey]
    rules: Mapping[str, SurveyRules]
    # Each survey's JSON as it is sent to kiosks in /api/v1/config, sorted by id.
    documents: tuple[dict[str, Any], ...]
    # The folder the surveys came from (from the database: the folder it was seeded from).
    folder: Path
    # From the database (hq.survey_versions): every published version, what answers to each
    # may hold, and the version each journey touchpoint runs.
    versions: Mapping[tuple[str, int], Survey] = field(default_factory=dict)
    version_rules: Mapping[tuple[str, int], SurveyRules] = field(default_factory=dict)
    touchpoints: Mapping[str, Survey] = field(default_factory=dict)
    # hq_meta's surveys_generation this was read at (-1: read from a folder).
    generation: int = -1


def default_folder() -> Path:
    return surveys_dir()


def load_surveys(folder: Path | None = None) -> SurveyCatalog:
    folder = folder or default_folder()
    if not folder.is_dir():
        raise SurveyFolderError(f"the survey folder does not exist: {folder}")
    by_id: dict[str, Survey] = {}
    files: dict[str, Path] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            survey = load_survey(path)
        except SurveyError as e:
            raise SurveyFolderError(f"{folder / e.source}: {e.field}: {e.problem}") from None
        if survey.id in by_id:
            raise SurveyFolderError(
                f"{path}: id: survey id '{survey.id}' is also used by {files[survey.id].name}"
            )
        by_id[survey.id] = survey
        files[survey.id] = path
    if not by_id:
        raise SurveyFolderError(f"no survey files (*.json) in {folder}")
    documents = tuple(json.loads(by_id[key].raw.decode("utf-8-sig")) for key in sorted(by_id))
    return SurveyCatalog(by_id=by_id, rules=survey_rules(by_id), documents=documents, folder=folder)
