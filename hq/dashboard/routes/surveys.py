"""The survey editor: the surveys and their versions, a draft's form, its preview, publishing."""

from __future__ import annotations

import base64
import functools
import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from ces.answer import ID_RE
from ces.assets import fonts_dir, icons_dir
from ces.locales import LANGUAGE_NAMES, SUPPORTED_LOCALES
from ces.scales import SCALES
from ces.survey import (
    ATTRACT_MODES,
    MAX_COMMENT_LENGTH,
    MAX_IDLE_TIMEOUT_S,
    MAX_LABEL_CHARS,
    MAX_PROMPT_CHARS,
    MAX_QUESTION_CHARS,
    MAX_TEASER_CHARS,
    MAX_THANKS_CHARS,
    MIN_COMMENT_LENGTH,
    MIN_IDLE_TIMEOUT_S,
    Survey,
    SurveyError,
    parse_survey,
)
from ces.svg import MAX_SVG_BYTES
from hq import journeys, survey_versions
from hq.context import HQContext
from hq.dashboard import kiosk_layout
from hq.dashboard.deps import ADMIN_ONLY, CheckedForm, Context, CurrentUser, PageContext, page_of
from hq.dashboard.fontmetrics import FONT_FILES
from hq.dashboard.pages import PAGE_PATHS, PageError, PageRoute
from hq.dashboard.rendering import language, render
from hq.dashboard.survey_form import (
    FACTOR_ROWS,
    Built,
    FormProblem,
    blank_document,
    carried_icons,
    document_of,
    field_of,
    form_of,
)
from hq.dashboard.uploads import CheckedUploadForm

log = logging.getLogger("effortless.hq.dashboard")

# Surveys are an admin's to write and publish (hq.roles); nobody else sees the editor.
router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=[ADMIN_ONLY])

SurveysPage = Annotated[PageContext, page_of("surveys")]

LIMITS = {
    "question": MAX_QUESTION_CHARS,
    "why_prompt": MAX_PROMPT_CHARS,
    "teaser": MAX_TEASER_CHARS,
    "comment_prompt": MAX_PROMPT_CHARS,
    "thanks": MAX_THANKS_CHARS,
    "label": MAX_LABEL_CHARS,
}


@router.get(PAGE_PATHS["surveys"], name="surveys")
async def surveys_page(request: Request, page: SurveysPage, hq: Context) -> Response:
    found = await hq.in_thread(survey_versions.surveys, hq.database)
    every = {
        s.survey_id: await hq.in_thread(survey_versions.versions, hq.database, s.survey_id)
        for s in found
    }
    notice = request.query_params.get("done", "")
    return render(
        request,
        "surveys.html",
        survey_list=found,
        versions=every,
        notice=notice if notice in ("published", "discarded") else None,
        **page.values,
    )


@router.get("/surveys/new", name="surveys")
async def new_survey(request: Request, page: SurveysPage) -> Response:
    return _editor(request, page, form_of(blank_document()), creating=True)


@router.post("/surveys/new", name="surveys")
async def create_survey(
    request: Request, user: CurrentUser, form: CheckedUploadForm, page: SurveysPage, hq: Context
) -> Response:
    return await _save(request, page, hq, user.user, form.fields, form.files, None)


@router.get("/surveys/{survey_id}/draft", name="surveys")
async def edit_draft(request: Request, survey_id: str, page: SurveysPage, hq: Context) -> Response:
    number, doc = await _draft(hq, survey_id)
    saved = request.query_params.get("done") == "saved"
    return _editor(request, page, form_of(doc), draft=number, notice="s_saved" if saved else None)


@router.post("/surveys/{survey_id}/draft", name="surveys")
async def save_draft(
    request: Request,
    survey_id: str,
    user: CurrentUser,
    form: CheckedUploadForm,
    page: SurveysPage,
    hq: Context,
) -> Response:
    number, doc = await _draft(hq, survey_id)
    fields = {**form.fields, "id": survey_id}
    return await _save(request, page, hq, user.user, fields, form.files, (number, doc))


@router.post("/surveys/{survey_id}/draft/new", name="surveys")
async def start_draft(
    survey_id: str, user: CurrentUser, form: CheckedForm, hq: Context
) -> Response:
    try:
        await hq.in_thread(survey_versions.new_draft_from, hq.database, survey_id, user.user)
    except survey_versions.SurveyVersionError as e:
        raise PageError(404, e.problem) from None
    log.info("dashboard: %s started a draft of survey %s", user.user, survey_id)
    return RedirectResponse(f"/surveys/{survey_id}/draft", status_code=303)


@router.post("/surveys/{survey_id}/draft/discard", name="surveys")
async def discard_draft(
    request: Request,
    survey_id: str,
    user: CurrentUser,
    form: CheckedForm,
    page: SurveysPage,
    hq: Context,
) -> Response:
    number, _ = await _draft(hq, survey_id)
    if form.get("confirmed") != "yes":
        return render(
            request, "survey_discard.html", survey_id=survey_id, draft=number, **page.values
        )
    await hq.in_thread(survey_versions.discard_draft, hq.database, survey_id)
    log.info("dashboard: %s discarded the draft of survey %s", user.user, survey_id)
    return RedirectResponse("/surveys?done=discarded", status_code=303)


@router.get("/surveys/{survey_id}/versions/{version}/preview", name="surveys")
async def preview(
    request: Request, survey_id: str, version: str, page: SurveysPage, hq: Context
) -> Response:
    number = _number(version)
    survey = await _version(hq, survey_id, number)
    screens = kiosk_layout.screens(survey)
    return render(
        request,
        "survey_preview.html",
        survey=survey,
        version=number,
        screens=screens,
        problems=[s for s in screens if not s.fits],
        icons=_icon_sources(survey),
        endonyms=LANGUAGE_NAMES,
        columns=kiosk_layout.factor_columns,
        **page.values,
    )


@router.get("/surveys/{survey_id}/versions/{version}/publish", name="surveys")
async def publish_form(
    request: Request, survey_id: str, version: str, page: SurveysPage, hq: Context
) -> Response:
    number = _number(version)
    survey = await _version(hq, survey_id, number)
    return await _publish_page(request, page, hq, survey, number, None, None)


@router.post("/surveys/{survey_id}/versions/{version}/publish", name="surveys")
async def publish(
    request: Request,
    survey_id: str,
    version: str,
    user: CurrentUser,
    form: CheckedForm,
    page: SurveysPage,
    hq: Context,
) -> Response:
    number = _number(version)
    survey = await _version(hq, survey_id, number)
    chosen = sorted(k[3:] for k, v in form.items() if k.startswith("tp_") and v)
    if form.get("confirmed") != "yes":
        return await _publish_page(request, page, hq, survey, number, chosen, None)
    try:
        await hq.in_thread(
            survey_versions.publish, hq.database, survey_id, number, user.user, chosen
        )
    except survey_versions.SurveyVersionError as e:
        return await _publish_page(request, page, hq, survey, number, chosen, e, status=400)
    log.info("dashboard: %s published survey %s version %d", user.user, survey_id, number)
    return RedirectResponse("/surveys?done=published", status_code=303)


@router.get("/surveys/fonts/{weight}.otf", name="surveys")
async def preview_font(weight: str, user: CurrentUser) -> Response:
    # The kiosk's font, so the preview's text runs as long as on the kiosk.
    if weight not in FONT_FILES:
        raise PageError(404, "no such font")
    return FileResponse(
        fonts_dir() / FONT_FILES[weight],
        media_type="font/otf",
        headers={"Cache-Control": "private, max-age=86400"},
    )


# --- helpers ------------------------------------------------------------------------------------


def _number(version: str) -> int:
    if not version.isdigit() or len(version) > 9:
        raise PageError(404, f"there is no version {version[:12]!r}")
    return int(version)


async def _draft(hq: HQContext, survey_id: str) -> tuple[int, dict[str, Any]]:
    found = await hq.in_thread(survey_versions.versions, hq.database, survey_id)
    draft = next((v for v in found if v.state == survey_versions.DRAFT), None)
    if draft is None:
        raise PageError(404, f"survey {survey_id[:64]!r} has no draft")
    doc = await hq.in_thread(survey_versions.document, hq.database, survey_id, draft.version)
    if doc is None:
        raise PageError(404, f"survey {survey_id[:64]!r} has no draft")
    return draft.version, doc


async def _version(hq: HQContext, survey_id: str, version: int) -> Survey:
    doc = await hq.in_thread(survey_versions.document, hq.database, survey_id, version)
    if doc is None:
        raise PageError(404, f"survey {survey_id[:64]!r} has no version {version}")
    try:
        return parse_survey(json.dumps(doc).encode("utf-8"), f"{survey_id} v{version}")
    except SurveyError as e:
        raise PageError(409, str(e)) from None


async def _save(
    request: Request,
    page: PageContext,
    hq: HQContext,
    user: str,
    fields: dict[str, str],
    files: dict[str, bytes],
    draft: tuple[int, dict[str, Any]] | None,
) -> Response:
    creating = draft is None
    built: Built | None = None
    try:
        built = document_of(fields, files, None if draft is None else draft[1])
        doc = built.document
        if creating and not ID_RE.fullmatch(doc["id"]):
            raise FormProblem("id", "use 1 to 64 lowercase letters, digits, '_' or '-'")
        await hq.in_thread(
            functools.partial(survey_versions.save_draft, creating=creating), hq.database, doc, user
        )
    except FormProblem as e:
        shown = built.form if built is not None else fields
        return _editor(request, page, shown, creating, draft, e.field, e.problem, built)
    except survey_versions.SurveyVersionError as e:
        assert built is not None
        return _editor(
            request,
            page,
            built.form,
            creating,
            draft,
            field_of(e.field, built),
            e.problem,
            built,
            path=e.field,
        )
    log.info("dashboard: %s saved a draft of survey %s", user, doc["id"])
    return RedirectResponse(f"/surveys/{doc['id']}/draft?done=saved", status_code=303)


def _editor(
    request: Request,
    page: PageContext,
    form: dict[str, str],
    creating: bool = False,
    draft: tuple[int, dict[str, Any]] | int | None = None,
    placed: str | None = None,
    problem: str | None = None,
    built: Built | None = None,
    path: str | None = None,
    notice: str | None = None,
) -> Response:
    number = draft[0] if isinstance(draft, tuple) else draft
    carried = carried_icons(form)
    return render(
        request,
        "survey_edit.html",
        status=400 if problem else 200,
        form=form,
        creating=creating,
        draft=number,
        placed=placed,
        problem=problem,
        error_path=path,
        removed=built.removed if built is not None else {},
        notice=notice,
        locales=SUPPORTED_LOCALES,
        endonyms=LANGUAGE_NAMES,
        scales=sorted(SCALES),
        attract_modes=ATTRACT_MODES,
        rows=range(FACTOR_ROWS),
        shipped_icons=_shipped_icons(),
        uploaded=sorted(carried),
        icon_previews={
            **_shipped_previews(),
            **{f"svg:{d}": _data_url(t) for d, t in carried.items()},
        },
        limits=LIMITS,
        comment_limits=(MIN_COMMENT_LENGTH, MAX_COMMENT_LENGTH),
        idle_limits=(MIN_IDLE_TIMEOUT_S, MAX_IDLE_TIMEOUT_S),
        max_svg=MAX_SVG_BYTES,
        **page.values,
    )


async def _publish_page(
    request: Request,
    page: PageContext,
    hq: HQContext,
    survey: Survey,
    version: int,
    chosen: list[str] | None,
    error: survey_versions.SurveyVersionError | None,
    status: int = 200,
) -> Response:
    found = await hq.in_thread(journeys.all_journeys, hq.database)
    infos = await hq.in_thread(survey_versions.versions, hq.database, survey.id)
    info = next((v for v in infos if v.version == version), None)
    running = set(info.touchpoints) if info is not None else set()
    touchpoints = {tp.id: tp for j in found for tp in j.touchpoints}
    return render(
        request,
        "survey_publish.html",
        status=status,
        survey=survey,
        version=version,
        info=info,
        journeys=found,
        running=running,
        # Asked to confirm: what was chosen; else the form, with where it runs now ticked.
        confirming=chosen is not None and error is None,
        chosen=chosen if chosen is not None else sorted(running),
        touchpoint_names={k: tp.name(language(request)) for k, tp in touchpoints.items()},
        error=error,
        **page.values,
    )


def _data_url(svg: str) -> str:
    # Shown in <img>, where an SVG runs no script; the dashboard's CSP allows data: images.
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _shipped_icons() -> list[str]:
    root = icons_dir()
    return sorted(p.relative_to(root).as_posix() for p in (root / "factors").glob("*.svg"))


def _shipped_previews() -> dict[str, str]:
    root = icons_dir()
    return {name: _data_url((root / name).read_text(encoding="utf-8")) for name in _shipped_icons()}


def _icon_sources(survey: Survey) -> dict[str, str]:
    """Every icon the preview draws (the factors' and the scale's), as data: URLs."""
    out = {}
    root = icons_dir()
    for factor in survey.factors:
        digest = factor.uploaded_icon
        text = survey.icons[digest] if digest else (root / factor.icon).read_text(encoding="utf-8")
        out[factor.icon] = _data_url(text)
    for icon in (*survey.scale.icons, *SCALES["smiley5"].icons):
        out[icon] = _data_url((root / icon).read_text(encoding="utf-8"))
    return out
