"""Which survey the kiosk runs: the one asked for, else the last good one, else none.

A survey that loads is kept in the data dir as the last good survey, so a broken file
pushed later never takes a working kiosk out of service.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from ces.assets import default_survey_path
from ces.survey import Survey, SurveyError, load_survey, parse_survey

log = logging.getLogger("effortless.survey")

LAST_GOOD_FILENAME = "last_good_survey.json"


@dataclass(frozen=True)
class SurveyChoice:
    survey: Survey | None
    # What went wrong with the survey that was asked for, in plain words ("" if nothing).
    problem: str = ""


def remember_survey(survey: Survey, data_dir: Path) -> None:
    """Keep this survey as the last good one."""
    target = data_dir / LAST_GOOD_FILENAME
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(survey.raw)
    os.replace(tmp, target)


def choose_survey(requested: Path | None, data_dir: Path) -> SurveyChoice:
    path = requested or default_survey_path()
    try:
        survey = load_survey(path)
    except SurveyError as exc:
        log.error("survey refused: %s", exc)
        problem = str(exc)
    else:
        try:
            remember_survey(survey, data_dir)
        except OSError as exc:
            log.warning("could not keep %s as the last good survey: %s", path.name, exc)
        return SurveyChoice(survey)
    last_good = data_dir / LAST_GOOD_FILENAME
    if last_good.is_file():
        try:
            survey = parse_survey(last_good.read_bytes(), source=LAST_GOOD_FILENAME)
        except (SurveyError, OSError) as exc:
            log.error("the last good survey cannot be used either: %s", exc)
        else:
            log.warning("running the last good survey %s v%s instead", survey.id, survey.version)
            return SurveyChoice(survey, problem)
    return SurveyChoice(None, problem)
