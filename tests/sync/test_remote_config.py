"""HQ's config on the kiosk: checked as a whole, applied between shoppers, messages shown."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ces.assets import surveys_dir
from kiosk.flow.clock import ManualClock
from kiosk.survey_source import LAST_GOOD_FILENAME
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import is_shown, tap, visible_item
from sync.remote_config import ConfigError, load_saved, parse_config, save


def survey_doc(name: str) -> dict[str, Any]:
    return json.loads((surveys_dir() / name).read_text(encoding="utf-8"))


def config_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kiosk_id": "k1",
        "store": "s042",
        "touchpoint": "returns_desk",
        "surveys": [survey_doc("in_store_purchase.json"), survey_doc("returns_desk.json")],
        "messages": [
            {
                "text": {
                    "nl": "Retourlabels worden nu aan de balie geprint",
                    "en": "Return labels are now printed at the desk",
                }
            }
        ],
    }
    body.update(changes)
    return body


def test_the_survey_for_the_kiosk_touchpoint_is_chosen() -> None:
    config = parse_config(config_body())
    chosen = config.survey_for("returns_desk")
    assert chosen is not None
    assert chosen.id == "returns_desk"
    assert config.survey_for("elsewhere") is None


def test_the_survey_hq_published_to_the_touchpoint_runs_whatever_it_names() -> None:
    config = parse_config(config_body(published="in_store_purchase"))
    chosen = config.survey_for("returns_desk")
    assert chosen is not None
    assert chosen.id == "in_store_purchase"
    assert config.published == "in_store_purchase"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"published": "nowhere"}, "published must name one of the surveys offered"),
        ({"published": 7}, "published must name one of the surveys offered"),
        ({"store": ""}, "store and touchpoint"),
        ({"touchpoint": 7}, "store and touchpoint"),
        ({"surveys": "x"}, "surveys must be a list"),
        ({"surveys": [{"id": "broken"}]}, "config surveys[0]"),
        ({"messages": [{"text": "plain"}]}, "messages[0]"),
        ({"messages": [{"text": {"nl": "x" * 1000}}]}, "messages[0]"),
        ({"messages": [{"text": {"nl": "ok"}}] * 50}, "at most"),
        ({"opening_hours": "mon 25:00-26:00", "time_zone": "UTC"}, "25:00 is not a time"),
        ({"opening_hours": "garbage", "time_zone": "UTC"}, "opening hours 'garbage'"),
        ({"opening_hours": "mon 09:00-17:00\x00", "time_zone": "UTC"}, "control characters"),
        ({"opening_hours": "mon " + "09:00-10:00," * 100, "time_zone": "UTC"}, "longer than"),
        ({"opening_hours": ["mon 09:00-17:00"], "time_zone": "UTC"}, "opening_hours must be text"),
        ({"opening_hours": "mon 09:00-17:00"}, "come with the store's time_zone"),
        ({"opening_hours": "mon 09:00-17:00", "time_zone": "Europe/Atlantis"}, "is unknown"),
        ({"opening_hours": "mon 09:00-17:00", "time_zone": "../../etc/passwd"}, "is unknown"),
        ({"opening_hours": "mon 09:00-17:00", "time_zone": 1}, "IANA time zone"),
        ({"opening_hours": "mon 09:00-17:00", "time_zone": "x" * 500}, "IANA time zone"),
    ],
)
def test_a_bad_config_is_refused_with_the_reason(changes: dict[str, Any], problem: str) -> None:
    with pytest.raises(ConfigError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        parse_config(config_body(**changes))


def test_opening_hours_and_the_store_zone_are_kept_on_the_config(tmp_path: Path) -> None:
    hours = "mon-fri 09:00-21:00; sat 09:00-18:00; sun closed"
    config = parse_config(config_body(opening_hours=hours, time_zone="Europe/Amsterdam"))
    assert config.opening_hours is not None
    assert config.opening_hours.text() == hours
    assert config.opening_hours.days[5] == ((540, 1080),)
    assert config.time_zone == "Europe/Amsterdam"
    save(config, tmp_path)
    saved = load_saved(tmp_path)
    assert saved is not None
    assert saved.opening_hours == config.opening_hours
    assert saved.time_zone == "Europe/Amsterdam"
    plain = parse_config(config_body())
    assert plain.opening_hours is None
    assert plain.time_zone is None


def test_a_config_is_kept_for_the_next_start(tmp_path: Path) -> None:
    save(parse_config(config_body()), tmp_path)
    saved = load_saved(tmp_path)
    assert saved is not None
    assert saved.touchpoint == "returns_desk"
    (tmp_path / "hq_config.json").write_text("{broken", encoding="utf-8")
    assert load_saved(tmp_path) is None


def test_a_new_config_waits_for_the_shopper_then_switches_survey_and_shows_messages(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any, data_dir: Path
) -> None:
    kiosk = make_kiosk()
    assert not is_shown(kiosk.window, "youSaidBanner")
    for name in ("startArea", "score_6"):
        clock.advance(1)
        tap(kiosk.window, name)
    config = parse_config(config_body())
    kiosk._apply_config(config)  # as the sync thread's signal delivers it
    # Mid-survey: the shopper finishes on the survey they started.
    assert kiosk.flow.survey is not None
    assert kiosk.flow.survey.id == "in_store_purchase"
    for name in ("factor_price", "skipComment", "thanksArea"):
        clock.advance(1)
        tap(kiosk.window, name)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "attractQuestionText"))
    assert kiosk.flow.survey.id == "returns_desk"
    text = str(visible_item(kiosk.window, "youSaidText").property("text"))
    assert text == "U zei, wij deden: Retourlabels worden nu aan de balie geprint"
    assert (
        json.loads((data_dir / LAST_GOOD_FILENAME).read_text(encoding="utf-8"))["id"]
        == "returns_desk"
    )
    clock.advance(1)
    tap(kiosk.window, "attract_score_2")
    assert kiosk.outbox is not None
    rows = kiosk.outbox.rows()
    assert [(r["survey_id"], r["touchpoint"], r["store_id"]) for r in rows] == [
        ("in_store_purchase", "in_store_purchase", "s042"),
        ("returns_desk", "returns_desk", "s042"),
    ]


def test_a_saved_config_is_used_at_the_next_start(
    make_kiosk: Callable[..., Kiosk], data_dir: Path
) -> None:
    save(parse_config(config_body()), data_dir)
    kiosk = make_kiosk()
    assert kiosk.flow.survey is not None
    assert kiosk.flow.survey.id == "returns_desk"
    assert is_shown(kiosk.window, "youSaidBanner")


def test_the_manager_picks_another_survey_hq_offers(
    make_kiosk: Callable[..., Kiosk], clock: ManualClock, qtbot: Any, data_dir: Path
) -> None:
    # A touchpoint no survey names: HQ offers every survey and the manager picks one.
    save(parse_config(config_body(touchpoint="kassa")), data_dir)
    kiosk = make_kiosk()
    assert kiosk.manager is not None
    kiosk.manager.guard.set_pin("2580")
    for _ in range(5):
        clock.advance(0.3)
        tap(kiosk.window, "managerCorner")
    for digit in "2580":
        tap(kiosk.window, f"pinKey_{digit}")
    tap(kiosk.window, "pinOk")
    assert kiosk.flow.survey is not None
    assert kiosk.flow.survey.id == "in_store_purchase"
    assert is_shown(kiosk.window, "managerSurvey_returns_desk")
    tap(kiosk.window, "managerSurvey_returns_desk")
    tap(kiosk.window, "managerSurveyConfirm")
    tap(kiosk.window, "managerClose")
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "attractQuestionText"))
    assert kiosk.flow.survey is not None
    assert kiosk.flow.survey.id == "returns_desk"
    # The choice outlives a new config from HQ and a restart.
    kiosk._apply_config(parse_config(config_body(touchpoint="kassa")))
    assert kiosk.flow.survey.id == "returns_desk"
    kiosk.close()
    again = make_kiosk()
    assert again.flow.survey is not None
    assert again.flow.survey.id == "returns_desk"
