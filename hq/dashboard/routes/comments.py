"""The comments page: shoppers' words, searched and filtered, a page at a time, each with a
button that deletes its text."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ces.answer import ANSWER_ID_RE
from hq import erasure
from hq.context import HQContext
from hq.dashboard import insights, webtexts
from hq.dashboard.deps import ADMIN_ONLY, CheckedForm, Context, CurrentUser, PageContext, page_of
from hq.dashboard.pages import PAGE_PATHS, PageError, PageRoute
from hq.dashboard.rendering import language, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

BANDS = ("easy", "neutral", "difficult")
NOTICES = {"erased": "c_erased", "already": "c_already_erased"}

CommentsPage = Annotated[PageContext, page_of("comments")]


@router.get(PAGE_PATHS["comments"], name="comments")
async def comments(request: Request, page: CommentsPage, hq: Context) -> Response:
    params = request.query_params
    # Control characters are in no comment (PostgreSQL refuses even to compare a NUL).
    contains = "".join(c for c in params.get("q", "")[:200] if c.isprintable())
    band = params.get("band", "")
    band = band if band in BANDS else ""
    factor = params.get("factor", "")
    factor = factor if factor in page.labels or factor == "" else ""
    try:
        number = max(1, min(10_000, int(params.get("page", "1"))))
    except ValueError:
        number = 1

    def read(number: int) -> tuple[list[insights.Comment], int]:
        return insights.comments(
            hq.database, page.f, contains=contains, band=band, factor=factor, page=number
        )

    found, total = await hq.in_thread(read, number)
    last = max(1, -(-total // insights.COMMENTS_PAGE))
    if number > last:
        # Past the end (the last comment of the last page was just deleted): its last page.
        number = last
        found, total = await hq.in_thread(read, number)
    # Beyond the cap the count says "more than" and the pages go on one at a time.
    cap = insights.counted_past(number)
    more = total > cap
    total = min(total, cap)
    extra = {"q": contains, "band": band, "factor": factor}
    base = {**page.f.query(), **{k: v for k, v in extra.items() if v}}
    return render(
        request,
        "comments.html",
        comments=found,
        total=total,
        more=more,
        number=number,
        pages_total=max(1, -(-total // insights.COMMENTS_PAGE)) + (1 if more else 0),
        link=lambda n: urlencode({**base, "page": str(n)}),
        contains=contains,
        band=band,
        factor=factor,
        back=_back(request),
        notice=NOTICES.get(params.get("done", "")),
        **page.values,
    )


# --- deleting a comment (an erasure request, or personal data that got through) --------------

# The comments page's own parameters: what the confirm page and the redirect after it keep.
KEPT = ("from", "to", "store", "region", "touchpoint", "survey", "q", "band", "factor", "page")


def _back(request: Request) -> str:
    """The comments page the button was pressed on, as a query string (only its own
    parameters: the redirect target is built here, never taken from the request)."""
    params = request.query_params
    return urlencode([(k, params[k][:200]) for k in KEPT if params.get(k)])


async def _comment_of(request: Request, hq: HQContext) -> erasure.Found:
    """The answer whose comment is asked about, or the error page: 404 for no such answer
    (also for what is not an answer id at all, which PostgreSQL would refuse to compare)."""
    answer_id: str = request.path_params["answer_id"]
    found = []
    if ANSWER_ID_RE.fullmatch(answer_id):
        found = await hq.in_thread(erasure.answers_with_ids, hq.database, [answer_id])
    if not found:
        raise PageError(404, webtexts.text(language(request))["c_no_such"])
    return found[0]


@router.get("/comments/{answer_id}/delete", name="comments_confirm", dependencies=[ADMIN_ONLY])
async def confirm_erase(request: Request, page: CommentsPage, hq: Context) -> Response:
    """Asks before erasing (the comment's "Delete" leads here); a GET never erases."""
    found = await _comment_of(request, hq)
    if found.comment is None:
        raise PageError(410, webtexts.text(language(request))["c_already_erased"])
    # Without the filter bar: this page is about one comment.
    values = {k: v for k, v in page.values.items() if k != "f"}
    # In the store's time zone, as the comments page shows it.
    values["answered_local"] = await hq.in_thread(
        insights.local_time, hq.database, found.store_id, found.answered_at
    )
    return render(request, "comment_erase.html", found=found, back=_back(request), **values)


@router.post("/comments/{answer_id}/delete", name="comments_erase", dependencies=[ADMIN_ONLY])
async def erase_comment(
    request: Request, user: CurrentUser, form: CheckedForm, hq: Context
) -> Response:
    """Erases the comment's text; the answer and its score stay (audit-logged, by user)."""
    found = await _comment_of(request, hq)
    erased = 0
    if found.comment is not None:
        erased = await hq.in_thread(
            lambda: erasure.erase_comments(
                hq.database,
                [found.id],
                actor=user.user,
                detail=f"comments page: answer {found.id}",
            )
        )
    # Deleted by someone else meanwhile (another tab, a second click) is done all the same.
    done = "erased" if erased else "already"
    back = _back(request)
    return RedirectResponse(
        f"{PAGE_PATHS['comments']}?{back + '&' if back else ''}done={done}", status_code=303
    )
