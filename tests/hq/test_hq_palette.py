"""The dashboard's colours, all in dashboard.css's :root: every text pair reaches 4.5:1 and
every chart mark 3:1 against the backgrounds charts stand on (WCAG 1.4.3 and 1.4.11)."""

from __future__ import annotations

import re

import pytest

from ces.assets import hq_static_dir
from ces.contrast import GRAPHIC_MIN, TEXT_MIN, contrast_ratio, rgb
from hq.dashboard import charts


def root_colours() -> dict[str, str]:
    css = (hq_static_dir() / "dashboard.css").read_text(encoding="utf-8")
    root = re.search(r":root\s*\{(.*?)\}", css, re.S)
    assert root, "dashboard.css has no :root block"
    body = re.sub(r"/\*.*?\*/", "", root.group(1), flags=re.S)
    return dict(re.findall(r"--([a-z0-9-]+)\s*:\s*([^;]+?)\s*;", body))


PALETTE = root_colours()
BACKGROUNDS = ("bg", "surface")
# Foreground on background, wherever dashboard.css sets the one on the other.
TEXT_PAIRS = [
    *(
        (fg, bg)
        for fg in ("ink", "muted", "accent", "easy", "difficult", "warn")
        for bg in BACKGROUNDS
    ),
    ("ink", "silent-row"),
    ("muted", "silent-row"),
    ("accent", "silent-row"),
    ("warn", "silent-row"),
    ("difficult", "silent-row"),
    ("muted", "message-bg"),
    ("ink", "message-bg"),
    ("accent", "message-bg"),
    # the band badges, buttons and the message preview: white on colour
    ("on-colour", "easy"),
    ("on-colour", "neutral"),
    ("on-colour", "difficult"),
    ("on-colour", "accent"),
]
# What the charts draw data with (charts.py names each as var(--name)).
CHART_MARKS = sorted(
    {
        m.group(1)
        for value in (
            *charts.COLOURS.values(),
            *charts.LINE_COLOURS,
            charts.ACCENT,
            charts.BAND_EDGE,
        )
        if (m := re.fullmatch(r"var\(--([a-z0-9-]+)\)", value))
    }
)


def test_the_palette_is_read_whole() -> None:
    assert len(CHART_MARKS) == len(charts.COLOURS) + len(charts.LINE_COLOURS) + 2
    for name in (*CHART_MARKS, *BACKGROUNDS, "on-colour", "warn"):
        assert name in PALETTE, f"dashboard.css's :root has no --{name}"


@pytest.mark.parametrize(("foreground", "background"), TEXT_PAIRS)
def test_text_reaches_4_5_to_1(foreground: str, background: str) -> None:
    ratio = contrast_ratio(PALETTE[foreground], PALETTE[background])
    assert ratio >= TEXT_MIN, f"--{foreground} on --{background}: {ratio:.2f}:1"


@pytest.mark.parametrize("mark", CHART_MARKS)
@pytest.mark.parametrize("background", BACKGROUNDS)
def test_chart_marks_reach_3_to_1(mark: str, background: str) -> None:
    ratio = contrast_ratio(PALETTE[mark], PALETTE[background])
    assert ratio >= GRAPHIC_MIN, f"--{mark} on --{background}: {ratio:.2f}:1"


@pytest.mark.parametrize("background", [*BACKGROUNDS, "silent-row", "message-bg"])
def test_the_focus_outline_reaches_3_to_1(background: str) -> None:
    ratio = contrast_ratio(PALETTE["focus"], PALETTE[background])
    assert ratio >= GRAPHIC_MIN, f"--focus on --{background}: {ratio:.2f}:1"


def test_the_chart_lines_differ_from_each_other() -> None:
    values = [PALETTE[v.removeprefix("var(--").removesuffix(")")] for v in charts.LINE_COLOURS]
    assert len({v.lower() for v in values}) == len(values)


def test_the_failures_axe_found_fail_this_check() -> None:
    """The neutral badge and the warning as they were: the check must be able to fail."""
    assert contrast_ratio("#ffffff", "#8a8a8a") == pytest.approx(3.45, abs=0.01)
    assert contrast_ratio("#b26a00", "#ffffff") == pytest.approx(4.24, abs=0.01)
    assert contrast_ratio("#9e9e9e", "#ffffff") < GRAPHIC_MIN


@pytest.mark.parametrize(
    ("colour", "expected"),
    [("#000", (0, 0, 0)), ("#FfFfFf", (255, 255, 255)), ("#1565c0", (21, 101, 192))],
)
def test_colours_are_read(colour: str, expected: tuple[int, int, int]) -> None:
    assert rgb(colour) == expected


@pytest.mark.parametrize(
    "bad",
    ["", "#", "red", "#12345", "#1234567", "#gggggg", "1565c0", "#" + "f" * 10_000, "#ｆｆｆ"],
)
def test_malformed_colours_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="not a #rgb"):
        rgb(bad)
