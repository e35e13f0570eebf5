"""The dashboard's dependencies: the signed-in user, the CSRF-checked form, the filters and
what every page shows around its own content."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode

from fastapi import Depends
from starlette.requests import Request

from ces.scales import SCALES
from hq import storeinfo, users
from hq.body import read_capped
from hq.context import Context, HQContext
from hq.dashboard import insights, stats, webtexts
from hq.dashboard.access import UNFILTERED_PAGES
from hq.dashboard.filters import FilterError, Filters, parse_filters, today
from hq.dashboard.pages import PAGE_PATHS, PageError, Redirect
from hq.dashboard.rendering import language
from hq.surveys import SurveyCatalog

__all__ = [
    "ADMIN_ONLY",
    "AdminUser",
    "CheckedForm",
    "Context",
    "CurrentUser",
    "PageContext",
    "PageFilters",
    "page_of",
]

SESSION_COOKIE = "ces_session"
MAX_FORM_BYTES = 64 * 1024
MAX_FORM_FIELDS = 1000


async def signed_in(request: Request, hq: Context) -> users.Session:
    """The session of the user signed in, or a redirect to /login and back."""
    token = request.cookies.get(SESSION_COOKIE, "")
    found = await hq.in_thread(users.session, hq.database, token) if token else None
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise Redirect("/login?" + urlencode({"next": target}))
    # For the error page, should the page fail later.
    request.state.session = found
    return found


CurrentUser = Annotated[users.Session, Depends(signed_in)]


async def signed_in_admin(request: Request, user: CurrentUser) -> users.Session:
    """The session of an admin; the error page (403) for anyone else (hq.roles)."""
    if not user.admin:
        raise PageError(403, webtexts.text(language(request))["admin_only"])
    return user


AdminUser = Annotated[users.Session, Depends(signed_in_admin)]
# For a route or router: only admins get past it (``dependencies=[ADMIN_ONLY]``).
ADMIN_ONLY = Depends(signed_in_admin)


def refuse_store(request: Request, user: users.Session, store: str | None) -> None:
    """A 404 page for a store the user may not see, worded as for one that does not exist
    (so a store manager learns nothing of other stores, not even that they exist)."""
    if store is not None and user.stores is not None and store not in user.stores:
        raise PageError(404, webtexts.text(language(request))["no_such_store"])


async def read_form(request: Request) -> dict[str, str]:
    """A urlencoded form (the last value of each field; every ``stores`` value, one a line)."""
    body = await read_capped(request, MAX_FORM_BYTES)
    try:
        parsed = parse_qs(
            body.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=False,
            max_num_fields=MAX_FORM_FIELDS,
        )
    except (UnicodeDecodeError, ValueError):
        raise PageError(400, "the form could not be read") from None
    out = {k: v[-1] for k, v in parsed.items() if k != "stores"}
    out["stores"] = "\n".join(parsed.get("stores", []))
    return out


async def checked_form(request: Request, user: CurrentUser) -> dict[str, str]:
    """The form, if it carries the session's CSRF token."""
    form = await read_form(request)
    if not hmac.compare_digest(form.get("csrf", ""), user.csrf):
        raise PageError(403, webtexts.text(language(request))["csrf"])
    return form


CheckedForm = Annotated[dict[str, str], Depends(checked_form)]


async def filters_of(request: Request, hq: Context, user: CurrentUser) -> Filters:
    """The query string's filters, kept to the stores the user may see (from the session)."""
    zone = await hq.in_thread(storeinfo.chain_zone, hq.database)
    try:
        f = parse_filters(dict(request.query_params), today(zone))
    except FilterError as e:
        t = webtexts.text(language(request))
        field = t.get(f"field_{e.field}", e.field)
        problem = t[f"filter_{e.key}"].format_map(e.values)
        raise PageError(400, f"{t['bad_filter']}: {field}: {problem}") from None
    refuse_store(request, user, f.store)
    return f if user.stores is None else f.narrowed(stores=user.stores)


PageFilters = Annotated[Filters, Depends(filters_of)]


@dataclass(frozen=True)
class PageContext:
    """What a page shows around its content; ``values`` go to the template."""

    f: Filters
    labels: dict[str, str]
    choices: insights.Choices
    values: dict[str, Any]


def page_of(name: str) -> Any:
    """The dependency for page ``name``'s PageContext (after the session and the filters)."""

    async def page_context(
        request: Request, user: CurrentUser, f: PageFilters, hq: Context
    ) -> PageContext:
        # Surveys published by any ces-hq process since the last page.
        await hq.in_thread(hq.refresh_surveys)
        found = await hq.in_thread(insights.choices, hq.database, user.stores)
        # What the page's figures count and leave out, said under the filters.
        counted = (
            None
            if name in UNFILTERED_PAGES
            else await hq.in_thread(insights.counted, hq.database, f)
        )
        # Surveys whose versions the figures pool, said with links to one version each.
        pooled = (
            {} if name in UNFILTERED_PAGES else await hq.in_thread(insights.pooled, hq.database, f)
        )
        lang = language(request)
        labels = factor_labels(hq, lang)
        values = {
            "session": user,
            "page": name,
            "pages": PAGE_PATHS,
            "f": f,
            "choices": found,
            # Every table and chart names a store by this: id and name, or the id alone.
            "store_label": found.store_label,
            "surveys": sorted(hq.surveys.by_id),
            "query": urlencode(f.query()),
            "counted": counted,
            "pooled": _pooled_notes(request, pooled, webtexts.text(lang), hq.surveys, lang),
            # The links that switch rapid answers and timeouts in or out, on this same page
            # with all else it was asked for (a trend's split, a comment search).
            "rapid_switch": _switched(request, "rapid", None if f.rapid else "include"),
            "timeouts_switch": _switched(request, "timeouts", "exclude" if f.timeouts else None),
            "labels": labels,
            "min_n": stats.MIN_N,
            "scale_labels": {s.id: s.labels.get(lang) or s.labels["en"] for s in SCALES.values()},
            "bands": {s.id: {p: s.band(p).value for p in s.points} for s in SCALES.values()},
        }
        return PageContext(f, labels, found, values)

    dependency: Callable[..., Awaitable[PageContext]] = page_context
    return Depends(dependency)


@dataclass(frozen=True)
class PooledNote:
    text: str
    # (link text, query) for each version, on this same page with all else it was asked for.
    versions: list[tuple[str, str]]
    # The versions' question, where versions word it differently (in the reader's language).
    questions: tuple[tuple[int, str], ...] = ()


def _pooled_notes(
    request: Request,
    pooled: dict[str, list[int]],
    t: Mapping[str, str],
    catalog: SurveyCatalog | None = None,
    lang: str = "en",
) -> list[PooledNote]:
    notes = []
    for survey, versions in pooled.items():
        questions = _questions(catalog, survey, versions, lang)
        shown = [str(v) for v in versions]
        joined = f"{', '.join(shown[:-1])} {t['and']} {shown[-1]}"
        params = {k: v for k, v in request.query_params.items() if k not in ("survey", "version")}
        links = [
            (
                t["pooled_version"].format(version=v),
                urlencode({**params, "survey": survey, "version": v}),
            )
            for v in shown
        ]
        differs = len({text for _, text in questions}) > 1
        words = t["pooled_differs" if differs else "pooled"]
        notes.append(
            PooledNote(
                words.format(versions=joined, survey=survey),
                links,
                questions if differs else (),
            )
        )
    return notes


def _questions(
    catalog: SurveyCatalog | None, survey_id: str, versions: list[int], lang: str
) -> tuple[tuple[int, str], ...]:
    """Each version's question in ``lang`` (else its first language), for the versions HQ
    has published (answers may name versions HQ never stored: those are not compared)."""
    if catalog is None:
        return ()
    out = []
    for version in versions:
        survey = catalog.versions.get((survey_id, version))
        if survey is not None:
            question = survey.question
            out.append((version, question.get(lang) or next(iter(question.values()), "")))
    return tuple(out)


def _switched(request: Request, name: str, value: str | None) -> str:
    params = {k: v for k, v in request.query_params.items() if k != name}
    if value is not None:
        params[name] = value
    return urlencode(params)


def factor_labels(hq: HQContext, lang: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    # The newest versions' words first; a factor only older versions had keeps its own.
    older = sorted(hq.surveys.versions.items(), key=lambda item: -item[0][1])
    for survey in [*hq.surveys.by_id.values(), *(s for _, s in older)]:
        for factor in survey.factors:
            labels.setdefault(
                factor.id, factor.label.get(lang) or next(iter(factor.label.values()))
            )
    return labels
