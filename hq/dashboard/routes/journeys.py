"""The journeys page: journeys and their touchpoints, each with its survey and target."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ces.locales import LANGUAGE_NAMES, SUPPORTED_LOCALES
from hq import erasure, journeys
from hq.context import HQContext
from hq.dashboard import webtexts
from hq.dashboard.deps import ADMIN_ONLY, AdminUser, CheckedForm, Context, PageContext, page_of
from hq.dashboard.pages import PAGE_PATHS, PageError, PageRoute
from hq.dashboard.rendering import language, render

log = logging.getLogger("effortless.hq.dashboard")

# Journeys are an admin's to define (hq.roles); the figures per journey are on the overview.
router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=[ADMIN_ONLY])

JourneysPage = Annotated[PageContext, page_of("journeys")]


@router.get(PAGE_PATHS["journeys"], name="journeys")
async def journeys_page(request: Request, page: JourneysPage, hq: Context) -> Response:
    return await _view(request, page, hq)


@dataclass(frozen=True)
class Edit:
    """A change posted from the journeys page: who, what was posted, and where it came from."""

    request: Request
    user: str
    form: dict[str, str]
    page: PageContext
    hq: HQContext

    def names(self, prefix: str) -> dict[str, str]:
        return _names(self.form, prefix, self.hq)

    async def apply(
        self, form_key: str, change: Callable[[], None], logged: str, done: str = "saved"
    ) -> Response:
        """Makes the change; back to the page with its notice, or the page again with the
        error beside the field of the form ``form_key``."""
        try:
            await self.hq.in_thread(change)
        except journeys.JourneyError as e:
            return await _view(
                self.request, self.page, self.hq, 400, error=e, failed=form_key, form=self.form
            )
        log.info("dashboard: %s %s", self.user, logged)
        await self.hq.in_thread(
            erasure.record, self.hq.database, self.user, "journey_changed", 1, logged
        )
        return RedirectResponse(f"/journeys?done={done}", status_code=303)


async def _edit(
    request: Request, user: AdminUser, form: CheckedForm, page: JourneysPage, hq: Context
) -> Edit:
    return Edit(request, user.user, form, page, hq)


Editing = Annotated[Edit, Depends(_edit)]


@router.post("/journeys", name="journeys_add")
async def add_journey(edit: Editing) -> Response:
    journey_id = edit.form.get("id", "")
    return await edit.apply(
        "journey-new",
        lambda: journeys.add_journey(edit.hq.database, journey_id, edit.names("name")),
        f"added journey {journey_id[:64]!r}",
    )


@router.post("/journeys/{journey_id}/names", name="journeys_rename")
async def rename_journey(journey_id: str, edit: Editing) -> Response:
    return await edit.apply(
        f"names-{journey_id}",
        lambda: journeys.rename_journey(edit.hq.database, journey_id, edit.names("name")),
        "renamed a journey",
    )


@router.get("/journeys/{journey_id}/delete", name="journeys_remove_confirm")
async def confirm_remove_journey(
    request: Request, journey_id: str, page: JourneysPage, hq: Context
) -> Response:
    """Asks before removing (the journey's "Remove" leads here); a GET never removes."""
    found = await _journey_of(request, hq, journey_id)
    return _confirm(request, page, f"/journeys/{found.id}/delete", found)


@router.get("/journeys/{journey_id}/touchpoints/{touchpoint}/delete", name="journeys_tp_confirm")
async def confirm_remove_touchpoint(
    request: Request, journey_id: str, touchpoint: str, page: JourneysPage, hq: Context
) -> Response:
    found = await _journey_of(request, hq, journey_id)
    point = next((tp for tp in found.touchpoints if tp.id == touchpoint), None)
    if point is None:
        raise PageError(
            404,
            webtexts.text(language(request))["j_err_no_touchpoint"].format(
                id=touchpoint[:70], journey=found.id
            ),
        )
    action = f"/journeys/{found.id}/touchpoints/{point.id}/delete"
    return _confirm(request, page, action, found, point)


async def _journey_of(request: Request, hq: HQContext, journey_id: str) -> journeys.Journey:
    try:
        return await hq.in_thread(journeys.journey, hq.database, journey_id)
    except journeys.JourneyError as e:
        raise PageError(404, e.words(webtexts.text(language(request)))) from None


def _confirm(
    request: Request,
    page: PageContext,
    action: str,
    journey: journeys.Journey,
    touchpoint: journeys.Touchpoint | None = None,
) -> Response:
    # Without the filter bar: this page is about one journey.
    values = {k: v for k, v in page.values.items() if k != "f"}
    return render(
        request,
        "journey_remove.html",
        action=action,
        journey=journey,
        touchpoint=touchpoint,
        **values,
    )


@router.post("/journeys/{journey_id}/delete", name="journeys_remove")
async def remove_journey(journey_id: str, edit: Editing) -> Response:
    return await edit.apply(
        f"names-{journey_id}",
        lambda: journeys.remove_journey(edit.hq.database, journey_id),
        "removed a journey",
        done="removed",
    )


@router.post("/journeys/{journey_id}/touchpoints", name="journeys_tp_add")
async def add_touchpoint(journey_id: str, edit: Editing) -> Response:
    form = edit.form
    return await edit.apply(
        f"tp-new-{journey_id}",
        lambda: journeys.add_touchpoint(
            edit.hq.database,
            journey_id,
            form.get("touchpoint", ""),
            names=edit.names("tp_name"),
            survey=form.get("survey", ""),
            target=form.get("target", ""),
            surveys=edit.hq.surveys.by_id,
        ),
        "added a touchpoint to a journey",
    )


@router.post("/journeys/{journey_id}/touchpoints/{touchpoint}", name="journeys_tp_set")
async def set_touchpoint(journey_id: str, touchpoint: str, edit: Editing) -> Response:
    form = edit.form
    return await edit.apply(
        f"tp-{touchpoint}",
        lambda: journeys.set_touchpoint(
            edit.hq.database,
            journey_id,
            touchpoint,
            surveys=edit.hq.surveys.by_id,
            names=edit.names("tp_name"),
            survey=form.get("survey") or None,
            target=form.get("target") or None,
        ),
        "changed a touchpoint",
    )


@router.post("/journeys/{journey_id}/touchpoints/{touchpoint}/move", name="journeys_tp_move")
async def move_touchpoint(journey_id: str, touchpoint: str, edit: Editing) -> Response:
    position = edit.form.get("position", "")
    return await edit.apply(
        f"tp-{touchpoint}",
        lambda: journeys.move_touchpoint(edit.hq.database, journey_id, touchpoint, position),
        "moved a touchpoint",
    )


@router.post("/journeys/{journey_id}/touchpoints/{touchpoint}/delete", name="journeys_tp_remove")
async def remove_touchpoint(journey_id: str, touchpoint: str, edit: Editing) -> Response:
    return await edit.apply(
        f"tp-{touchpoint}",
        lambda: journeys.remove_touchpoint(edit.hq.database, journey_id, touchpoint),
        "removed a touchpoint",
        done="removed",
    )


def name_locales(hq: HQContext) -> list[str]:
    """The languages names are asked in: the dashboard's, and those the surveys speak."""
    spoken = {loc for survey in hq.surveys.by_id.values() for loc in survey.locales}
    wanted = spoken | set(journeys.REQUIRED_LOCALES)
    return [loc for loc in SUPPORTED_LOCALES if loc in wanted]


def _names(form: dict[str, str], prefix: str, hq: HQContext) -> dict[str, str]:
    """The names posted; a language not on the form stays as it was."""
    return {loc: form[f"{prefix}_{loc}"] for loc in name_locales(hq) if f"{prefix}_{loc}" in form}


async def _view(
    request: Request,
    page: PageContext,
    hq: HQContext,
    status: int = 200,
    error: journeys.JourneyError | None = None,
    failed: str | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    found = await hq.in_thread(journeys.all_journeys, hq.database)
    notice = {"saved": "j_saved", "removed": "j_removed"}.get(request.query_params.get("done", ""))
    # Beside its field when the failed form has one by that name, else atop that form.
    placed = error.field if error is not None and form and error.field in form else None
    return render(
        request,
        "journeys.html",
        status=status,
        journeys=found,
        notice=notice,
        error=error,
        failed=failed,
        placed=placed,
        form=form or {},
        locales=name_locales(hq),
        endonyms=LANGUAGE_NAMES,
        max_name=journeys.MAX_NAME_CHARS,
        **page.values,
    )
