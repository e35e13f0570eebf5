"""Which surveys a kiosk is assigned: those HQ offers it in /api/v1/config, and no others.

A kiosk is enrolled for a store and a touchpoint, and HQ files every answer it sends under
them. A journey touchpoint is offered the survey version published to it
(hq.survey_versions); another touchpoint the newest version of the surveys whose
``touchpoint`` or id is the kiosk's touchpoint, as the kiosk itself matches them. Only
answers to those surveys are stored; an answer to another touchpoint's survey would be
filed under the wrong one. A touchpoint no survey names is offered every survey (the store
manager picks one on the kiosk), and then answers to any of them are accepted.

Answers queued before a change still hold to it: a survey published to a touchpoint keeps
the surveys meant for it by name acceptable there, and a kiosk HQ moves to another
touchpoint has the answers it gave before filed under the old one (HQDatabase.move_kiosk).
A rejected answer stays on the kiosk, set aside with the reason.
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
    served = {survey.served_touchpoint for survey in catalog.by_id.values()}
    return sorted(served | set(catalog.touchpoints))


def is_served(catalog: SurveyCatalog, touchpoint: str) -> bool:
    """Whether a survey names this touchpoint, by the rule ``Assignments`` offers them, or
    a version is published to it."""
    return touchpoint in catalog.touchpoints or any(
        survey.serves(touchpoint) for survey in catalog.by_id.values()
    )


@dataclass
class Assignments:
    """The surveys offered per touchpoint, worked out once per touchpoint."""

    catalog: SurveyCatalog
    _ids: dict[str, frozenset[str]] = field(default_factory=dict)
    _json: dict[str, str] = field(default_factory=dict)

    def survey_ids(self, touchpoint: str) -> frozenset[str]:
        """The surveys whose answers are filed under this touchpoint."""
        found = self._ids.get(touchpoint)
        if found is None:
            matching = frozenset(
                survey_id
                for survey_id, survey in self.catalog.by_id.items()
                if survey.serves(touchpoint)
            )
            published = self.catalog.touchpoints.get(touchpoint)
            if published is not None:
                # Answers queued before the analyst published another survey here are still
                # those of a survey meant for this touchpoint.
                found = matching | {published.id}
            else:
                found = matching or frozenset(self.catalog.by_id)
            if len(self._ids) < 10_000:
                self._ids[touchpoint] = found
        return found

    def documents(self, touchpoint: str) -> list[dict[str, object]]:
        """The survey files offered, as the config carries them (sorted by id): the version
        published to a journey touchpoint, else the newest of each survey meant for it."""
        published = self.catalog.touchpoints.get(touchpoint)
        if published is not None:
            # With the other surveys meant for the touchpoint, which a manager may still
            # choose on the kiosk; "published" in the config says which one runs.
            others = [
                doc
                for doc in self.catalog.documents
                if doc.get("id") != published.id
                and self.catalog.by_id[str(doc.get("id"))].serves(touchpoint)
            ]
            return [json.loads(published.raw), *others]
        ids = self.survey_ids(touchpoint)
        return [doc for doc in self.catalog.documents if doc.get("id") in ids]

    def published(self, touchpoint: str) -> str | None:
        """The survey published to this touchpoint (a journey's), if one is."""
        found = self.catalog.touchpoints.get(touchpoint)
        return found.id if found is not None else None

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
