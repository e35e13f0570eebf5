"""A filter the dashboard cannot use is explained in the page's language (issue 11, item 5):
the words come from webtexts, English stays for the command line."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hq_helpers import HQ, log_in

from hq.dashboard import webtexts
from hq.dashboard.filters import FilterError, check_day, parse_filters

TODAY = date(2026, 11, 20)
# One query per way a filter can be refused, with its field.
BAD = {
    "date_format": ({"from": "2026-13-01"}, "from"),
    "before_from": ({"from": "2026-11-20", "to": "2026-11-01"}, "to"),
    "too_long": ({"from": "2020-01-01", "to": "2026-01-01"}, "from"),
    "bad_id": ({"store": "<script>"}, "store"),
}


def refusal(params: dict[str, str]) -> FilterError:
    with pytest.raises(FilterError) as caught:
        parse_filters(params, TODAY)
    return caught.value


def every_refusal() -> list[FilterError]:
    found = [refusal(params) for params, _ in BAD.values()]
    with pytest.raises(FilterError) as caught:
        check_day(date(1999, 1, 1), "from", TODAY)
    return [*found, caught.value]


@pytest.mark.parametrize("lang", webtexts.LANGUAGES)
def test_every_filter_refusal_has_words_in_every_language(lang: str) -> None:
    words = webtexts.text(lang)
    for error in every_refusal():
        template = words[f"filter_{error.key}"]
        assert set(re.findall(r"{(\w+)}", template)) == set(error.values), error.key
        assert f"field_{error.field}" in words
    for field in ("from", "to", "store", "region", "touchpoint", "survey"):
        assert f"field_{field}" in words


def test_the_english_words_are_what_the_command_line_says() -> None:
    words = webtexts.text("en")
    for error in every_refusal():
        assert words[f"filter_{error.key}"].format_map(error.values) == error.problem


@pytest.mark.parametrize(
    ("query", "dutch"),
    [
        ("from=2026-13-01", "van: verwacht een datum als JJJJ-MM-DD"),
        ("from=2026-11-20&to=2026-11-01", "tot en met: 2026-11-01 ligt vóór van (2026-11-20)"),
        ("store=%3Cscript%3E", "winkel: geen geldige id"),
    ],
)
def test_a_dutch_page_explains_a_bad_filter_in_dutch(hq_sqlite: HQ, query: str, dutch: str) -> None:
    session = log_in(hq_sqlite)
    session.get(f"{hq_sqlite.url}/?lang=nl", timeout=30)
    reply = session.get(f"{hq_sqlite.url}/?{query}", timeout=30)
    assert reply.status_code == 400
    assert f"Dit filter kan niet gebruikt worden: {dutch}" in reply.text
    assert "expected" not in reply.text
    assert "not a valid" not in reply.text
