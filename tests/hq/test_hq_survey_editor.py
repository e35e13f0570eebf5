"""The survey editor as an analyst meets it, through the real HQ on SQLite and PostgreSQL:
the surveys page, a new survey and its draft, errors beside their fields, uploaded icons
(hostile ones too), the preview of every screen, and publishing with a confirmation."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
import requests
from hq_helpers import HQ, csrf_of, element, log_in, text_of

from ces.svg import MAX_SVG_BYTES, icon_hash, sanitise_svg
from hq import journeys, survey_versions
from hq.dashboard.survey_form import form_of

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" onload="alert(1)">'
    "<script>alert(2)</script>"
    '<circle cx="24" cy="24" r="10" fill="#1f2937"/></svg>'
)


def new_form(**changes: str) -> dict[str, str]:
    """The new-survey form as an analyst fills it in: Dutch and English, three factors."""
    form = {
        "id": "parking",
        "locale_nl": "on",
        "locale_en": "on",
        "default_locale": "nl",
        "scale": "ces7",
        "attract_mode": "teaser",
        "idle_timeout_s": "20",
        "question_nl": "Het was makkelijk om te parkeren.",
        "question_en": "It was easy to park.",
        "why_prompt_nl": "Wat telde het meest?",
        "why_prompt_en": "What mattered most?",
        "factor0_id": "space",
        "factor0_label_nl": "Ruimte",
        "factor0_label_en": "Space",
        "factor0_icon": "factors/ease.svg",
        "factor1_id": "price",
        "factor1_label_nl": "Prijs",
        "factor1_label_en": "Price",
        "factor1_icon": "factors/price.svg",
        "factor2_id": "signs",
        "factor2_label_nl": "Borden",
        "factor2_label_en": "Signs",
        "factor2_icon": "factors/procedure.svg",
        "comment_max_length": "280",
        "thanks_nl": "Dank u wel!",
        "thanks_en": "Thank you!",
    }
    form.update(changes)
    return form


def post(
    session: requests.Session,
    url: str,
    form: dict[str, str],
    csrf: str | None,
    files: dict[str, tuple[str, bytes, str]] | None = None,
) -> requests.Response:
    data = dict(form)
    if csrf is not None:
        data["csrf"] = csrf
    # Always multipart, as the browser sends the editor's form (it has file fields).
    parts: Any = files or {"factor7_upload": ("", b"", "application/octet-stream")}
    return session.post(url, data=data, files=parts, allow_redirects=False, timeout=30)


def signed_in(hq: HQ) -> tuple[requests.Session, str]:
    session = log_in(hq)
    page = session.get(f"{hq.url}/surveys", timeout=30).text
    return session, csrf_of(page)


def create(hq: HQ, **changes: str) -> requests.Session:
    session, csrf = signed_in(hq)
    reply = post(session, f"{hq.url}/surveys/new", new_form(**changes), csrf)
    assert reply.status_code == 303, text_of(reply.text)[:500]
    assert reply.headers["location"] == f"/surveys/{changes.get('id', 'parking')}/draft?done=saved"
    return session


def test_the_surveys_page_lists_the_shipped_surveys_with_their_versions(hq: HQ) -> None:
    session, _ = signed_in(hq)
    page = session.get(f"{hq.url}/surveys", timeout=30).text
    assert 'id="nav-surveys" href="/surveys?' in page
    assert 'aria-current="page">Surveys<' in page
    for survey_id in ("in_store_purchase", "returns_desk"):
        assert f'id="survey-{survey_id}"' in page
        assert element(page, f"version-{survey_id}-1").startswith("1 published")
        assert f'id="new-draft-{survey_id}"' in page
    nl = session.get(f"{hq.url}/surveys?lang=nl", timeout=30).text
    assert "<h1>Vragenlijsten</h1>" in nl


def test_a_new_survey_is_saved_as_a_draft_and_shows_again(hq: HQ) -> None:
    session = create(hq)
    page = session.get(f"{hq.url}/surveys/parking/draft?done=saved", timeout=30).text
    assert element(page, "notice") == "Draft saved."
    assert 'value="Het was makkelijk om te parkeren."' not in page  # a textarea, not a value
    assert ">Het was makkelijk om te parkeren.</textarea>" in page
    assert 'id="f-factor2_id" name="factor2_id" maxlength="64" value="signs"' in page
    stored = survey_versions.document(hq.db, "parking", 1)
    assert stored is not None
    assert [f["id"] for f in stored["why"]["factors"]] == ["space", "price", "signs"]
    assert stored["comment"] == {"enabled": False}
    assert "teaser" not in stored["attract"]  # left empty: the kiosk's own teaser
    # The list shows the draft, to edit.
    listed = session.get(f"{hq.url}/surveys", timeout=30).text
    assert element(listed, "edit-parking") == "Edit draft (version 1)"


def test_editing_the_draft_keeps_one_draft_and_the_form_round_trips(hq: HQ) -> None:
    session = create(hq)
    page = session.get(f"{hq.url}/surveys/parking/draft", timeout=30).text
    form = form_of(survey_versions.document(hq.db, "parking", 1) or {})
    form["question_en"] = "Parking was easy.\r\nReally."
    form["comment_enabled"] = "on"
    form["comment_prompt_nl"] = "Nog iets?"
    form["comment_prompt_en"] = "Anything else?"
    reply = post(session, f"{hq.url}/surveys/parking/draft", form, csrf_of(page))
    assert reply.status_code == 303, text_of(reply.text)[:500]
    stored = survey_versions.document(hq.db, "parking", 1)
    assert stored is not None
    assert stored["question"]["en"] == "Parking was easy.\nReally."  # the browser's CR LF
    assert stored["comment"]["enabled"] is True
    assert [v.version for v in survey_versions.versions(hq.db, "parking")] == [1]


@pytest.mark.parametrize(
    ("changes", "field", "said"),
    [
        ({"question_nl": ""}, "question_nl", "blank"),
        ({"factor1_label_en": "x" * 41}, "factor1_label_en", "limit is 40"),
        ({"factor2_id": "Signs!"}, "factor2_id", "not a valid id"),
        ({"factor2_id": "price"}, "factor2_id", "used twice"),
        ({"factor1_icon": ""}, "factor1_icon", "icon"),
        ({"idle_timeout_s": "soon"}, "idle_timeout_s", "number of seconds"),
        ({"idle_timeout_s": "1"}, "idle_timeout_s", "between 5 and 600"),
        ({"comment_max_length": "lots"}, "comment_max_length", "whole number"),
        ({"comment_enabled": "on"}, "comment_prompt_nl", "blank"),
        ({"default_locale": "fr"}, "default_locale", "not one of"),
        ({"scale": "ces11"}, "scale", "unknown scale"),
        ({"locale_nl": "", "locale_en": ""}, "locales", "at least one"),
        ({"id": "Parking Lot"}, "id", "lowercase"),
        ({"id": "returns_desk"}, "id", "already"),
    ],
)
def test_a_refused_form_shows_the_problem_beside_its_field(
    hq: HQ, changes: dict[str, str], field: str, said: str
) -> None:
    session, csrf = signed_in(hq)
    form = new_form(**changes)
    reply = post(session, f"{hq.url}/surveys/new", form, csrf)
    assert reply.status_code == 400
    page = reply.text
    assert said in element(page, f"error-{field}")
    # Beside its field: right after it, and only once on the page.
    assert page.count('class="error field-error"') == 1
    # What was typed is still there.
    assert 'value="Space"' in page
    assert survey_versions.versions(hq.db, form["id"]) == [] or form["id"] == "returns_desk"


def test_two_factors_at_least(hq: HQ) -> None:
    session, csrf = signed_in(hq)
    form = new_form(factor1_id="", factor1_label_nl="", factor1_label_en="")
    form.update(factor2_id="", factor2_label_nl="", factor2_label_en="")
    reply = post(session, f"{hq.url}/surveys/new", form, csrf)
    assert reply.status_code == 400
    assert "needs 2 to 8 factors, got 1" in element(reply.text, "error-factors")


def test_an_uploaded_icon_is_sanitised_kept_and_reaches_the_survey(hq: HQ) -> None:
    session, csrf = signed_in(hq)
    files = {"factor1_upload": ("mine.svg", SVG.encode(), "image/svg+xml")}
    reply = post(session, f"{hq.url}/surveys/new", new_form(factor1_icon=""), csrf, files)
    assert reply.status_code == 303, text_of(reply.text)[:500]
    clean = sanitise_svg(SVG)
    stored = survey_versions.document(hq.db, "parking", 1)
    assert stored is not None
    assert stored["why"]["factors"][1]["icon"] == clean.reference
    assert stored["icons"] == {clean.sha256: clean.text}
    assert "script" not in clean.text
    assert "onload" not in clean.text
    # Saved again without a new upload, the icon stays.
    page = session.get(f"{hq.url}/surveys/parking/draft", timeout=30).text
    assert f'<option value="{clean.reference}" selected>' in page
    again = post(session, f"{hq.url}/surveys/parking/draft", _fields_of(page), csrf_of(page))
    assert again.status_code == 303
    assert survey_versions.document(hq.db, "parking", 1) == stored


def test_what_the_sanitiser_removed_is_said_when_the_form_comes_back(hq: HQ) -> None:
    session, csrf = signed_in(hq)
    files = {"factor1_upload": ("mine.svg", SVG.encode(), "image/svg+xml")}
    # Refused for another field, the form shows the upload as chosen and what was removed.
    form = new_form(factor1_icon="", thanks_en="")
    reply = post(session, f"{hq.url}/surveys/new", form, csrf, files)
    assert reply.status_code == 400
    assert "blank" in element(reply.text, "error-thanks_en")
    removed = element(reply.text, "factor1-removed")
    assert "<script>" in removed
    assert "onload" in removed
    clean = sanitise_svg(SVG)
    assert f'<option value="{clean.reference}" selected>' in reply.text
    # Sent back as it is (the icon carried in the form), it is saved.
    fixed = _fields_of(reply.text)
    fixed["thanks_en"] = "Thank you!"
    saved = post(session, f"{hq.url}/surveys/new", fixed, csrf)
    assert saved.status_code == 303, text_of(saved.text)[:500]
    stored = survey_versions.document(hq.db, "parking", 1)
    assert stored is not None
    assert stored["icons"] == {clean.sha256: clean.text}


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>'
)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (BILLION_LAUGHS.encode(), "DOCTYPE"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'>" + b" " * MAX_SVG_BYTES + b"</svg>", "larger"),
        (b"<html><script>alert(1)</script></html>", "not an SVG"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "UTF-8"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><g>", "well-formed"),
    ],
)
def test_a_hostile_or_wrong_upload_is_refused_beside_its_row(
    hq: HQ, data: bytes, said: str
) -> None:
    session, csrf = signed_in(hq)
    files = {"factor2_upload": ("x.svg", data, "image/svg+xml")}
    reply = post(session, f"{hq.url}/surveys/new", new_form(), csrf, files)
    assert reply.status_code == 400
    assert said in element(reply.text, "error-factor2_upload")
    assert survey_versions.versions(hq.db, "parking") == []


def test_an_icon_forged_in_the_form_is_refused(hq: HQ) -> None:
    session, csrf = signed_in(hq)
    forged = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    digest = icon_hash(forged)
    form = new_form(factor1_icon="svg:" + digest, **{"svg_" + digest: forged})
    reply = post(session, f"{hq.url}/surveys/new", form, csrf)
    assert reply.status_code == 400
    # Named by what it is (its hash is of the forged text), so the factor cannot find it.
    assert "icon" in element(reply.text, "error-factor1_icon")
    assert survey_versions.versions(hq.db, "parking") == []


def test_an_oversized_form_is_refused(hq: HQ) -> None:
    session, csrf = signed_in(hq)
    files = {"factor1_upload": ("big.svg", b"x" * (600 * 1024), "image/svg+xml")}
    reply = post(session, f"{hq.url}/surveys/new", new_form(), csrf, files)
    assert reply.status_code == 413
    assert survey_versions.versions(hq.db, "parking") == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"--x\r\nnot a part", "multipart/form-data"),  # no boundary
        (
            b'--x\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n\xff\r\n--x--\r\n',
            "multipart/form-data; boundary=x",
        ),
    ],
)
def test_a_garbled_multipart_body_is_a_clear_400(hq: HQ, body: bytes, content_type: str) -> None:
    session, _ = signed_in(hq)
    reply = session.post(
        f"{hq.url}/surveys/new",
        data=body,
        headers={"Content-Type": content_type},
        allow_redirects=False,
        timeout=30,
    )
    assert reply.status_code == 400
    assert "the form could not be read" in reply.text
    assert survey_versions.versions(hq.db, "parking") == []


# --- permission ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/surveys",
        "/surveys/new",
        "/surveys/in_store_purchase/draft",
        "/surveys/in_store_purchase/versions/1/preview",
        "/surveys/in_store_purchase/versions/1/publish",
        "/surveys/fonts/bold.otf",
    ],
)
def test_pages_need_a_sign_in(hq: HQ, path: str) -> None:
    reply = requests.get(hq.url + path, allow_redirects=False, timeout=30)
    assert reply.status_code == 303
    assert reply.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize(
    "path",
    [
        "/surveys/new",
        "/surveys/in_store_purchase/draft",
        "/surveys/in_store_purchase/draft/new",
        "/surveys/in_store_purchase/draft/discard",
        "/surveys/in_store_purchase/versions/1/publish",
    ],
)
def test_changes_need_a_sign_in_and_the_forms_csrf(hq: HQ, path: str) -> None:
    survey_versions.new_draft_from(hq.db, "in_store_purchase", "ces-hq")
    before = survey_versions.versions(hq.db, "in_store_purchase")
    anonymous = requests.post(
        hq.url + path, data={"confirmed": "yes"}, allow_redirects=False, timeout=30
    )
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/login?next=")
    session, _ = signed_in(hq)
    for token in (None, "forged"):
        reply = post(session, hq.url + path, {**new_form(), "confirmed": "yes"}, token)
        assert reply.status_code == 403, path
        assert "This form has expired" in reply.text
        reply = session.post(
            hq.url + path,
            data={"confirmed": "yes", **({"csrf": token} if token else {})},
            allow_redirects=False,
            timeout=30,
        )
        assert reply.status_code == 403, path
    assert survey_versions.versions(hq.db, "in_store_purchase") == before
    assert survey_versions.versions(hq.db, "parking") == []


def test_unknown_surveys_and_versions_are_404(hq: HQ) -> None:
    session, _ = signed_in(hq)
    for path in (
        "/surveys/nothing/draft",
        "/surveys/in_store_purchase/draft",  # no draft yet
        "/surveys/in_store_purchase/versions/9/preview",
        "/surveys/in_store_purchase/versions/x1/preview",
        "/surveys/in_store_purchase/versions/99999999999999/publish",
        "/surveys/fonts/passwd.otf",
    ):
        reply = session.get(hq.url + path, timeout=30)
        assert reply.status_code == 404, path


# --- preview -------------------------------------------------------------------------------------


def test_the_preview_shows_every_screen_at_both_sizes_in_each_language(hq: HQ) -> None:
    session = create(
        hq,
        comment_enabled="on",
        comment_prompt_nl="Nog iets?",
        comment_prompt_en="Anything else?",
    )
    page = session.get(f"{hq.url}/surveys/parking/versions/1/preview", timeout=30).text
    for locale in ("nl", "en"):
        for size in ("1280x800", "800x1280"):
            for screen in ("attract", "question", "why", "comment", "thanks"):
                assert f'id="screen-{locale}-{size}-{screen}" data-fits="yes"' in page
    assert element(page, "all-fits") == "Every text fits on every screen."
    assert "Het was makkelijk om te parkeren." in element(page, "screen-nl-1280x800-question")
    assert "Ruimte" in element(page, "screen-nl-800x1280-why")
    assert "Anything else?" in element(page, "screen-en-800x1280-comment")
    # The kiosk's font, served to the page.
    font = session.get(f"{hq.url}/surveys/fonts/bold.otf", timeout=30)
    assert font.status_code == 200
    assert font.content[:4] == b"OTTO"


def test_the_preview_flags_a_dutch_label_too_long_for_its_button(hq: HQ) -> None:
    long_word = "Parkeergarageklantvriendelijkheid"  # 33 characters: within the limit of 40
    session = create(hq, factor0_label_nl=long_word)
    page = session.get(f"{hq.url}/surveys/parking/versions/1/preview", timeout=30).text
    problems = element(page, "fit-problems")
    assert "Screens with text that will not fit on the kiosk: 2" in problems
    assert f"Nederlands · 1280×800 · Why: “{long_word}” — a word is too wide" in problems
    assert 'id="screen-nl-1280x800-why" data-fits="no"' in page
    assert "does not fit" in element(page, "screen-nl-1280x800-why")
    # Marked on the button itself.
    why = re.search(r'id="screen-nl-1280x800-why".*?</figure>', page, re.S)
    assert why is not None
    assert re.search(rf'k-overflow"><span class="k-line">{long_word}</span>', why.group(0))
    # English, and the other screens, fit.
    assert 'id="screen-en-1280x800-why" data-fits="yes"' in page
    assert 'id="screen-nl-1280x800-question" data-fits="yes"' in page


def test_the_preview_flags_a_comment_question_too_long_for_above_the_keyboard(hq: HQ) -> None:
    # Three lines of heading: at 1280x800 the field, the notice and the buttons no longer
    # fit above the on-screen keyboard.
    prompt = (
        "Wilt u ons nog iets vertellen over het parkeren bij onze winkel, de looproutes door"
        " de winkel, de wachttijd bij de kassa of de openingstijden? (niet verplicht)"
    )
    session = create(
        hq, comment_enabled="on", comment_prompt_nl=prompt, comment_prompt_en="Anything else?"
    )
    page = session.get(f"{hq.url}/surveys/parking/versions/1/preview", timeout=30).text
    problems = element(page, "fit-problems")
    assert "text that will not fit on the kiosk: 1" in problems
    assert "Nederlands · 1280×800 · Comment: the screen's content is" in problems
    assert 'id="screen-nl-1280x800-comment" data-fits="no"' in page
    # Upright there is room, and the English fits.
    assert 'id="screen-nl-800x1280-comment" data-fits="yes"' in page
    assert 'id="screen-en-1280x800-comment" data-fits="yes"' in page


# --- publishing ------------------------------------------------------------------------------------


def test_publishing_asks_first_then_runs_the_version_at_the_chosen_touchpoints(hq: HQ) -> None:
    session = create(hq)
    journeys.add_touchpoint(
        hq.db,
        "shopping",
        "car_park",
        names={"en": "Parking", "nl": "Parkeren"},
        survey="in_store_purchase",
        target=80,
        surveys=("in_store_purchase",),
    )
    form_page = session.get(f"{hq.url}/surveys/parking/versions/1/publish", timeout=30).text
    assert 'id="tp-car_park"' in form_page
    csrf = csrf_of(form_page)
    asked = session.post(
        f"{hq.url}/surveys/parking/versions/1/publish",
        data={"csrf": csrf, "tp_car_park": "on"},
        allow_redirects=False,
        timeout=30,
    )
    assert asked.status_code == 200
    assert element(asked.text, "confirm-title") == "Publish?"
    assert "can no longer be changed" in element(asked.text, "confirm-final")
    assert "Parking car_park" in element(asked.text, "confirm-touchpoints")
    # Nothing happened yet.
    assert survey_versions.versions(hq.db, "parking")[0].state == "draft"
    done = session.post(
        f"{hq.url}/surveys/parking/versions/1/publish",
        data={"csrf": csrf, "tp_car_park": "on", "confirmed": "yes"},
        allow_redirects=False,
        timeout=30,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/surveys?done=published"
    (version,) = survey_versions.versions(hq.db, "parking")
    assert version.state == "published"
    assert version.touchpoints == ("car_park",)
    listed = session.get(f"{hq.url}/surveys?done=published", timeout=30).text
    assert element(listed, "notice") == "Published."
    assert "car_park" in element(listed, "version-parking-1")
    # A published version has no draft to edit: a new draft is made from it.
    made = session.post(
        f"{hq.url}/surveys/parking/draft/new",
        data={"csrf": csrf},
        allow_redirects=False,
        timeout=30,
    )
    assert made.status_code == 303
    assert [v.version for v in survey_versions.versions(hq.db, "parking")] == [2, 1]


def test_publishing_to_an_unknown_touchpoint_is_refused_on_the_page(hq: HQ) -> None:
    session = create(hq)
    page = session.get(f"{hq.url}/surveys/parking/versions/1/publish", timeout=30).text
    reply = session.post(
        f"{hq.url}/surveys/parking/versions/1/publish",
        data={"csrf": csrf_of(page), "tp_nowhere": "on", "confirmed": "yes"},
        allow_redirects=False,
        timeout=30,
    )
    assert reply.status_code == 400
    assert "nowhere" in element(reply.text, "error-form")
    assert survey_versions.versions(hq.db, "parking")[0].state == "draft"


def test_a_draft_can_be_discarded(hq: HQ) -> None:
    session = create(hq)
    page = session.get(f"{hq.url}/surveys/parking/draft", timeout=30).text
    asked = session.post(
        f"{hq.url}/surveys/parking/draft/discard",
        data={"csrf": csrf_of(page)},
        allow_redirects=False,
        timeout=30,
    )
    assert asked.status_code == 200
    assert element(asked.text, "confirm-title") == "Discard the draft of parking (version 1)?"
    assert [v.version for v in survey_versions.versions(hq.db, "parking")] == [1]
    reply = session.post(
        f"{hq.url}/surveys/parking/draft/discard",
        data={"csrf": csrf_of(page), "confirmed": "yes"},
        allow_redirects=False,
        timeout=30,
    )
    assert reply.status_code == 303
    assert survey_versions.versions(hq.db, "parking") == []


# --- helpers ----------------------------------------------------------------------------------------


def _fields_of(page: str) -> dict[str, str]:
    """The survey form's fields as a browser would send them (without the CSRF token)."""
    form = re.search(r'<form [^>]*id="survey-form".*?</form>', page, re.S)
    assert form is not None
    body = form.group(0)
    out: dict[str, str] = {}
    for tag in re.finditer(r"<input\b[^>]*>", body):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', tag.group(0)))
        name = attrs.get("name")
        if not name or name == "csrf" or attrs.get("type") == "file":
            continue
        if attrs.get("type") == "checkbox":
            if " checked" in tag.group(0):
                out[name] = "on"
            continue
        out[name] = html.unescape(attrs.get("value", ""))
    for area in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', body, re.S):
        out[area.group(1)] = html.unescape(area.group(2))
    for select in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', body, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', select.group(2))
        out[select.group(1)] = html.unescape(chosen.group(1)) if chosen else ""
    return out
