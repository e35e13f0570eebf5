"""`ces-hq survey export/import`: survey versions in and out of HQ's database, for version
control.

Export prints a stored version (the newest published one unless ``--version`` says which)
as canonical JSON. Import checks a file as the kiosk would and stores it as a published
version: a new survey, or a version above every one of its survey. A published version
never changes, so the same version with other content is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ces.survey import Survey, SurveyError, load_survey


class SurveyFileError(ValueError):
    """An import or export that cannot be done; ``str(e)`` is one line for the operator."""


def canonical_json(survey: Survey) -> str:
    """The survey as one stable text (sorted keys, two-space indent, UTF-8, final line
    break), so the same survey exports the same bytes and diffs stay small."""
    doc = _document(survey)
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _document(survey: Survey) -> Any:
    return json.loads(survey.raw.decode("utf-8-sig"))


@dataclass(frozen=True)
class Imported:
    survey: Survey
    replaced: int | None  # the newest published version before; None for a new survey
    unchanged: bool  # the same version with the same content was there already


def read_survey(source: Path) -> Survey:
    """The file checked as the kiosk checks a survey, or SurveyFileError naming the problem."""
    try:
        return load_survey(source)
    except SurveyError as e:
        raise SurveyFileError(f"{source}: {e.field}: {e.problem}") from None
