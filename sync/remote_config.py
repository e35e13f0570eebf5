"""HQ's config for this kiosk, checked before anything of it is used.

A config that does not hold up is refused as a whole: the kiosk keeps running its last
good config, and the reason goes to HQ with the next heartbeat.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ces.opening_hours import OpeningHours, OpeningHoursError, parse_opening_hours
from ces.survey import Survey, SurveyError, parse_survey

CONFIG_FILENAME = "hq_config.json"
MAX_MESSAGES = 10
MAX_MESSAGE_CHARS = 280
MAX_ZONE_CHARS = 64


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class RemoteConfig:
    store: str
    touchpoint: str
    surveys: tuple[Survey, ...]
    # "You said, we did": per message, a text per locale.
    messages: tuple[dict[str, str], ...]
    raw: bytes
    # The survey HQ published to this touchpoint (a journey's), whatever it names itself.
    published: str | None = None
    # The store's opening hours on the wall clock of time_zone; None: none set (always open).
    opening_hours: OpeningHours | None = None
    time_zone: str | None = None

    def survey_for(self, touchpoint: str) -> Survey | None:
        """The survey HQ published to this touchpoint, else the one meant for it, else the
        only one offered."""
        for survey in self.surveys:
            if survey.id == self.published:
                return survey
        for survey in self.surveys:
            if survey.serves(touchpoint):
                return survey
        return self.surveys[0] if len(self.surveys) == 1 else None


def parse_config(body: Any) -> RemoteConfig:
    if not isinstance(body, dict):
        raise ConfigError("config: not an object")
    store, touchpoint = body.get("store"), body.get("touchpoint")
    if not isinstance(store, str) or not store or not isinstance(touchpoint, str) or not touchpoint:
        raise ConfigError("config: store and touchpoint must be non-empty text")
    raw_surveys = body.get("surveys")
    if not isinstance(raw_surveys, list):
        raise ConfigError("config: surveys must be a list")
    surveys = []
    for i, raw in enumerate(raw_surveys):
        try:
            surveys.append(
                parse_survey(json.dumps(raw).encode("utf-8"), source=f"config surveys[{i}]")
            )
        except SurveyError as exc:
            raise ConfigError(str(exc)) from exc
    messages = body.get("messages", [])
    if not isinstance(messages, list) or len(messages) > MAX_MESSAGES:
        raise ConfigError(f"config: messages must be a list of at most {MAX_MESSAGES}")
    checked: list[dict[str, str]] = []
    for i, message in enumerate(messages):
        text = message.get("text") if isinstance(message, dict) else None
        if not isinstance(text, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and 0 < len(v) <= MAX_MESSAGE_CHARS
            for k, v in text.items()
        ):
            raise ConfigError(f"config: messages[{i}].text must map locales to short texts")
        checked.append(dict(text))
    published = body.get("published")
    if published is not None and (
        not isinstance(published, str) or all(s.id != published for s in surveys)
    ):
        raise ConfigError("config: published must name one of the surveys offered")
    hours, zone = _opening_hours(body)
    raw_bytes = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return RemoteConfig(
        store,
        touchpoint,
        tuple(surveys),
        tuple(checked),
        raw_bytes,
        published=published,
        opening_hours=hours,
        time_zone=zone,
    )


def _opening_hours(body: dict[str, Any]) -> tuple[OpeningHours | None, str | None]:
    text, zone = body.get("opening_hours"), body.get("time_zone")
    if zone is not None:
        if not isinstance(zone, str) or not 0 < len(zone) <= MAX_ZONE_CHARS:
            raise ConfigError("config: time_zone must be an IANA time zone name")
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"config: time_zone {zone[:MAX_ZONE_CHARS]!r} is unknown") from None
    if text is None:
        return None, zone
    if not isinstance(text, str):
        raise ConfigError("config: opening_hours must be text")
    try:
        hours = parse_opening_hours(text)
    except OpeningHoursError as exc:
        raise ConfigError(f"config: {exc}") from None
    if hours is not None and zone is None:
        raise ConfigError("config: opening_hours come with the store's time_zone")
    return hours, zone


def save(config: RemoteConfig, data_dir: Path) -> None:
    target = data_dir / CONFIG_FILENAME
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(config.raw)
    os.replace(tmp, target)


def load_saved(data_dir: Path) -> RemoteConfig | None:
    """The last good config from HQ, if the kiosk has one."""
    try:
        return parse_config(json.loads((data_dir / CONFIG_FILENAME).read_bytes()))
    except (OSError, ValueError):
        return None
