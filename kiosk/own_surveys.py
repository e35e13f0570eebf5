"""The surveys a kiosk has without HQ: those a manager may pick a touchpoint from.

An enrolled kiosk runs what HQ offers; one set up without HQ runs one of these. The
touchpoint is picked from this list (never typed), so it always names a survey the kiosk
can run, spelt as HQ spells it should the kiosk be connected to HQ later.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ces.assets import surveys_dir
from ces.survey import Survey, SurveyError, load_survey

log = logging.getLogger("effortless.survey")


def own_surveys(requested: Path | None = None) -> tuple[Survey, ...]:
    """The survey the kiosk was started with (``--survey``), else those it ships with,
    sorted by id; a file that does not load is left out (and logged)."""
    paths = [requested] if requested is not None else sorted(surveys_dir().glob("*.json"))
    found: dict[str, Survey] = {}
    for path in paths:
        try:
            survey = load_survey(path)
        except SurveyError as exc:
            log.warning("survey %s left out of the touchpoints: %s", path.name, exc)
            continue
        found.setdefault(survey.id, survey)
    return tuple(found[key] for key in sorted(found))


def own_survey(survey_id: str | None, requested: Path | None = None) -> Survey | None:
    """The kiosk's own survey with this id (the one picked at setup), or None."""
    if not survey_id:
        return None
    return next((s for s in own_surveys(requested) if s.id == survey_id), None)
