"""Which surveys a kiosk is assigned: those HQ offers it in /api/v1/config, and no others.

A kiosk is enrolled for a store and a touchpoint, and HQ files every answer it sends under
them. So it is offered the surveys of its touchpoint (those whose ``touchpoint`` or id is
the kiosk's touchpoint, as the kiosk itself matches them), and only answers to those are
stored; an answer to another touchpoint's survey would be filed under the wrong one. A
touchpoint no survey names is offered every survey (the store manager picks one on the
kiosk), and then answers to any of them are accepted.

The rule is the survey folder HQ runs with now, so it holds for answers queued before a
change too: HQ never moves an enrolled kiosk to another touchpoint (a kiosk that moves is
enrolled again), so answers it recorded are for its touchpoint's survey, or would be
misfiled. A rejected answer stays on the kiosk, set aside with the reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from hq.surveys import SurveyCatalog


def rejection(survey_id: str, touchpoint: str) -> str:
    """The error of a rejected answer (docs/protocol.md)."""
    return f"survey_id: '{survey_id}' is not a survey of this kiosk's touchpoint '{touchpoint}'"


def served_touchpoints(catalog: SurveyCatalog) -> list[str]:
    """The touchpoints a survey is meant for (its ``touchpoint``, else its id), sorted: the
    ones a kiosk may be enrolled for (``ces-hq kiosk add``)."""
    return sorted({survey.served_touchpoint for survey in catalog.by_id.values()})


def is_served(catalog: SurveyCatalog, touchpoint: str) -> bool:
    """Whether a survey names this touchpoint, by the rule ``Assignments`` offers them."""
    return any(survey.serves(touchpoint) for survey in catalog.by_id.values())


@dataclass
class Assignments:
    """The surveys offered per touchpoint, worked out once per touchpoint."""

    catalog: SurveyCatalog
    _ids: dict[str, frozenset[str]] = field(default_factory=dict)
    _json: dict[str, str] = field(default_factory=dict)

    def survey_ids(self, touchpoint: str) -> frozenset[str]:
        found = self._ids.get(touchpoint)
        if found is None:
            matching = frozenset(
                survey_id
                for survey_id, survey in self.catalog.by_id.items()
                if survey.serves(touchpoint)
            )
            found = matching or frozenset(self.catalog.by_id)
            if len(self._ids) < 10_000:
                self._ids[touchpoint] = found
        return found

    def documents(self, touchpoint: str) -> list[dict[str, object]]:
        """The survey files offered, as the config carries them (sorted by id)."""
        ids = self.survey_ids(touchpoint)
        return [doc for doc in self.catalog.documents if doc.get("id") in ids]

    def documents_json(self, touchpoint: str) -> str:
        """``documents`` as compact JSON text, kept per touchpoint: the config sends it often."""
        found = self._json.get(touchpoint)
        if found is None:
            found = json.dumps(
                self.documents(touchpoint), separators=(",", ":"), ensure_ascii=False
            )
            if len(self._json) < 10_000:
                self._json[touchpoint] = found
        return found
