"""The stores page: every store with its name, region, time zone and opening hours; admins
change them (as ``ces-hq store set`` does, with the same checks), others read them, a
store manager only of their own stores."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hq import erasure, storeinfo
from hq.dashboard import webtexts
from hq.dashboard.deps import AdminUser, CheckedForm, Context, CurrentUser, PageContext, page_of
from hq.dashboard.pages import PAGE_PATHS, PageError, PageRoute
from hq.dashboard.rendering import language, render
from hq.db.database import HQDatabase

log = logging.getLogger("effortless.hq.dashboard")

router = APIRouter(route_class=PageRoute, include_in_schema=False)

StoresPage = Annotated[PageContext, page_of("stores")]

# The form's fields, as storeinfo.set_store names them.
FIELDS = ("name", "region", "time_zone", "opening_hours")


@router.get(PAGE_PATHS["stores"], name="stores")
async def stores_page(
    request: Request, user: CurrentUser, page: StoresPage, hq: Context
) -> Response:
    found = await hq.in_thread(_stores, hq.database, page, user.stores)
    notice = "st_saved" if request.query_params.get("done") == "saved" else None
    return render(
        request,
        "stores.html",
        stores=found,
        chain_zone=page.choices.chain_zone,
        admin=user.admin,
        notice=notice,
        **page.values,
    )


@router.get("/stores/{store_id}/edit", name="stores_edit")
async def edit_page(
    request: Request, store_id: str, user: AdminUser, page: StoresPage, hq: Context
) -> Response:
    store = await _store(hq.database, hq, page, store_id)
    form = {
        "name": store.name or "",
        "region": store.region or "",
        "time_zone": store.time_zone or "",
        "opening_hours": store.opening_hours or "",
    }
    return _edit_view(request, page, store, form)


@router.post("/stores/{store_id}", name="stores_save")
async def save(
    request: Request,
    store_id: str,
    user: AdminUser,
    form: CheckedForm,
    page: StoresPage,
    hq: Context,
) -> Response:
    store = await _store(hq.database, hq, page, store_id)
    given = {name: form.get(name, "").strip() for name in FIELDS}
    try:
        await hq.in_thread(
            lambda: storeinfo.set_store(
                hq.database,
                store.id,
                name=given["name"],
                region=given["region"],
                time_zone=given["time_zone"],
                opening_hours=given["opening_hours"],
            )
        )
    except storeinfo.StoreInfoError as e:
        error = store_error(str(e), language(request))
        return _edit_view(request, page, store, given, status=400, error=error)
    after = await _store(hq.database, hq, page, store.id)
    changed = [n for n in FIELDS if getattr(store, n) != getattr(after, n)]
    if changed:
        detail = f"{store.id}: {', '.join(changed)}"
        await hq.in_thread(erasure.record, hq.database, user.user, "store_set", 1, detail)
    log.info("dashboard: %s changed store %s (%s)", user.user, store.id, ", ".join(changed))
    return RedirectResponse(f"{PAGE_PATHS['stores']}?done=saved", status_code=303)


def _edit_view(
    request: Request,
    page: PageContext,
    store: storeinfo.StoreInfo,
    form: Mapping[str, str],
    status: int = 200,
    error: str | None = None,
) -> Response:
    return render(
        request,
        "store_edit.html",
        status=status,
        store=store,
        form=form,
        error=error,
        chain_zone=page.choices.chain_zone,
        max_name=storeinfo.MAX_NAME_CHARS,
        **page.values,
    )


def _stores(
    db: HQDatabase, page: PageContext, only: frozenset[str] | None
) -> list[storeinfo.StoreInfo]:
    """The stores HQ knows of (named, or with kiosks), those the reader may see."""
    known = {s.id: s for s in storeinfo.store_list(db)}
    for store_id, _ in page.choices.stores:
        known.setdefault(store_id, storeinfo.StoreInfo(store_id, None, None))
    return [s for i, s in sorted(known.items()) if only is None or i in only]


async def _store(
    db: HQDatabase, hq: Context, page: PageContext, store_id: str
) -> storeinfo.StoreInfo:
    if storeinfo.STORE_ID_RE.fullmatch(store_id):
        found = await hq.in_thread(_stores, db, page, None)
        for store in found:
            if store.id == store_id:
                return store
    raise PageError(404, "no such store")


# --- errors in the reader's language ----------------------------------------------------------


@dataclass(frozen=True)
class _Problem:
    pattern: re.Pattern[str]
    key: str  # webtexts st_p_<key>, formatted with the pattern's named groups


def _problem(pattern: str, key: str) -> _Problem:
    return _Problem(re.compile(pattern.replace("{Q}", Q), re.S), key)


# A value as repr() shows it: in single quotes, or double ones if it holds a single quote.
Q = r"""(?:'.*'|".*")"""

# What hq.storeinfo and ces.opening_hours say (English, for the command line), matched to
# the dashboard's words for the same problem.
_PROBLEMS = (
    _problem(r"{Q} is not a region id .*", "region"),
    _problem(r"a store name is at most .*", "name"),
    _problem(
        r"(?:unknown time zone )?(?P<zone>{Q})(?: is not a time zone)?; use an IANA.*", "zone"
    ),
    _problem(r"opening hours: longer than (?P<n>\d+) characters", "too_long"),
    _problem(r"opening hours: control characters are not allowed", "control"),
    _problem(r"opening hours: too many time ranges", "too_many"),
    _problem(r"opening hours (?P<part>{Q}): give days and then hours.*", "days_hours"),
    _problem(r"opening hours (?P<part>{Q}): (?P<day>\w+) is named twice", "twice"),
    _problem(r"opening hours (?P<part>{Q}): (?P<item>{Q}) is not a day or day range.*", "day"),
    _problem(r"opening hours (?P<part>{Q}): (?P<item>{Q}) is not a time range.*", "range"),
    _problem(r"opening hours (?P<part>{Q}): 24:00 only ends a range", "midnight"),
    _problem(r"opening hours (?P<part>{Q}): (?P<item>\S+) ends before it starts.*", "backwards"),
    _problem(r"opening hours (?P<part>{Q}): time ranges overlap", "overlap"),
    _problem(r"opening hours (?P<part>{Q}): (?P<item>{Q}) is not a time \(hh:mm\)", "time"),
    _problem(r"opening hours (?P<part>{Q}): (?P<item>\S+) is not a time of day.*", "time_of_day"),
)


def store_error(message: str, lang: str) -> str:
    """``message`` (a StoreInfoError's) in ``lang``; as it is if no wording is known."""
    t = webtexts.text(lang)
    for problem in _PROBLEMS:
        found = problem.pattern.fullmatch(message)
        if found:
            return t[f"st_p_{problem.key}"].format(**found.groupdict())
    return message
