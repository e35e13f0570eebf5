"""Where a survey's texts go on the kiosk's screens, and which of them will not fit.

A model of the kiosk's QML layout (kiosk/ui/qml/Effortless/Kiosk/*.qml): the same sizes
(everything follows ``unit``, a hundredth of the shorter side), fonts and word wrapping
(Qt's WordWrap: breaks at spaces only, so a word wider than its box sticks out). HQ may
not import the kiosk, so the numbers are repeated here; a change to the screens' sizes
needs the same change here (each is named by the QML it comes from).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ces.locales import CATALOGS
from ces.scales import SMILEY5
from ces.survey import Survey
from hq.dashboard.fontmetrics import font

SIZES = ((1280, 800), (800, 1280))
SCREENS = ("attract", "question", "why", "comment", "thanks")
MIN_TOUCH = 90  # kiosk/ui/theme.py MIN_TOUCH_PX
MIN_TEXT = 30.0  # kiosk/ui/theme.py MIN_TEXT_PX: no shopper text is smaller
# Qt's virtual keyboard (Main.qml, Keyboard.qml): in landscape no wider than 1.25x the
# height; its height Qt's design ratio (800 / 2560 of its width), or 4.2 touch sizes where
# that is more.
KEYBOARD_RATIO = 800 / 2560
KEYBOARD_MIN_HEIGHT = MIN_TOUCH * 4.2


def keyboard_height(width: int, height: int) -> float:
    keyboard_width = min(width, height * 1.25) if width > height else width
    return max(keyboard_width * KEYBOARD_RATIO, KEYBOARD_MIN_HEIGHT)


@dataclass(frozen=True)
class Text:
    """One text on a screen, laid out in its box."""

    role: str  # what it is: "question", "factor", ... (also its CSS class)
    text: str
    weight: str
    pixel_size: float
    width: float
    lines: tuple[str, ...]
    widest: float
    height: float
    max_lines: int | None = None

    @property
    def too_wide(self) -> bool:
        return self.widest > self.width + 0.5

    @property
    def too_many_lines(self) -> bool:
        return self.max_lines is not None and len(self.lines) > self.max_lines

    @property
    def fits(self) -> bool:
        return not (self.too_wide or self.too_many_lines)


@dataclass
class Screen:
    name: str
    width: int
    height: int
    locale: str
    texts: list[Text] = field(default_factory=list)
    content_height: float = 0.0
    room: float = 0.0  # the height the content has on this screen

    @property
    def too_tall(self) -> bool:
        return self.content_height > self.room + 0.5

    @property
    def fits(self) -> bool:
        return not self.too_tall and all(t.fits for t in self.texts)

    def problems(self) -> list[Text]:
        return [t for t in self.texts if not t.fits]


def layout_text(
    role: str, text: str, weight: str, pixel_size: float, width: float, max_lines: int | None = None
) -> Text:
    """``text`` wrapped as Qt's Text.WordWrap wraps it in ``width``."""
    face = font(weight)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and face.width(candidate, pixel_size) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    widest = max((face.width(line, pixel_size) for line in lines), default=0.0)
    height = len(lines) * face.line_height(pixel_size)
    return Text(role, text, weight, pixel_size, width, tuple(lines), widest, height, max_lines)


def _heading(role: str, text: str, width: float, unit: float, size: float | None = None) -> Text:
    # Heading.qml: bold, max(30, 5 unit), the column's width.
    return layout_text(role, text, "bold", size or max(30.0, unit * 5), width)


def _scale_row(survey: Survey, locale: str, width: float, unit: float) -> tuple[float, list[Text]]:
    """ScaleRow.qml: the buttons, and the end labels below them."""
    smiley = survey.scale.id == SMILEY5.id
    count = len(survey.scale.points)
    spacing = unit * 1.2
    cell = max(
        MIN_TOUCH, min(unit * (22 if smiley else 16), (width - spacing * (count - 1)) / count)
    )
    button_height = cell if smiley else max(MIN_TOUCH, cell * 0.9)
    row_width = cell * count + spacing * (count - 1)
    labels = survey.scale.labels.get(locale) or survey.scale.labels["en"]
    size = max(MIN_TEXT, unit * 2.6)
    low = layout_text("scale-label", labels[0], "regular", size, row_width / 2 - unit)
    high = layout_text("scale-label", labels[-1], "regular", size, row_width / 2 - unit)
    return button_height + unit * 1.5 + max(low.height, high.height), [low, high]


def factor_columns(count: int, width: int, height: int) -> int:
    # WhyScreen.qml: four columns in landscape, two in portrait.
    return min(4, count) if width >= height else min(2, count)


def screen(survey: Survey, name: str, locale: str, width: int, height: int) -> Screen:
    unit = min(width, height) / 100
    column = width - unit * 8
    # The language bar (LanguageBar.qml) sits top right, 3 units in: a column centred on
    # the screen must stay clear of it, so it has the height between the bar and its mirror.
    centred_room = height - 2 * (unit * 3 + MIN_TOUCH)
    out = Screen(name, width, height, locale, room=centred_room)
    if name == "attract":
        if survey.attract_mode == "question":
            question = _heading("question", survey.question[locale], column, unit)
            row, labels = _scale_row(survey, locale, column, unit)
            out.texts = [question, *labels]
            out.content_height = question.height + unit * 4 + row
        else:
            teaser = _heading(
                "teaser", survey.teaser[locale], column, unit, max(MIN_TEXT, unit * 6.5)
            )
            out.texts = [teaser]
            start = max(
                MIN_TOUCH, font("semibold").line_height(max(MIN_TEXT, unit * 3.5)) + unit * 4
            )
            out.content_height = unit * 11 + unit * 4 + teaser.height + unit * 4 + start
    elif name == "question":
        question = _heading("question", survey.question[locale], column, unit)
        row, labels = _scale_row(survey, locale, column, unit)
        out.texts = [question, *labels]
        out.content_height = question.height + unit * 5 + row
    elif name == "why":
        prompt = _heading("why-prompt", survey.why_prompt[locale], column, unit)
        columns = factor_columns(len(survey.factors), width, height)
        spacing = unit * 2
        cell = (column - spacing * (columns - 1)) / columns
        icon = max(40.0, unit * 8)
        label_size = max(MIN_TEXT, unit * 3)
        # BigButton.qml: icon, 8 px, then the label, centred in the button; the buttons
        # grow with their labels (WhyScreen.qml), so every line shows.
        labels = [
            layout_text("factor", f.label[locale], "semibold", label_size, cell - 16)
            for f in survey.factors
        ]
        tallest = max((label.height for label in labels), default=0.0)
        button = max(MIN_TOUCH, unit * 20, icon + 8 + tallest + unit * 2)
        rows = -(-len(survey.factors) // columns)
        out.texts = [prompt, *labels]
        out.content_height = (
            prompt.height + unit * 4 + rows * button + (rows - 1) * spacing + unit * 4 + MIN_TOUCH
        )
    elif name == "comment":
        # CommentScreen.qml: from the top, above the on-screen keyboard.
        keyboard = keyboard_height(width, height)
        prompt = _heading("comment-prompt", survey.comment.prompt.get(locale, ""), column, unit)
        # The privacy notice shares its line with the characters-left counter.
        shopper = CATALOGS[locale].shopper if locale in CATALOGS else CATALOGS["en"].shopper
        small = max(MIN_TEXT, unit * 2.2)
        counter = font("regular").width(
            f"{survey.comment.max_length} {shopper['characters_left']}", small
        )
        notice = layout_text(
            "comment-notice",
            shopper["comment_notice"],
            "regular",
            small,
            column - counter - unit * 2,
        ).height
        # The field takes what the texts and the buttons leave over above the keyboard, at
        # least a line of its text (and its padding, 6 px each side, and 8 px).
        field_line = font("regular").line_height(max(MIN_TEXT, unit * 3))
        field_height = max(
            field_line + 20, height - keyboard - prompt.height - notice - MIN_TOUCH - unit * 13
        )
        out.texts = [prompt]
        out.room = height - keyboard
        out.content_height = (
            (unit * 4 + prompt.height + unit * 2 + field_height + unit * 2 + notice)
            + unit * 2
            + MIN_TOUCH
        )
    elif name == "thanks":
        thanks = layout_text(
            "thanks", survey.thanks[locale], "bold", max(MIN_TEXT, unit * 7), column
        )
        out.texts = [thanks]
        out.room = height - unit * 8
        out.content_height = thanks.height
    else:
        raise ValueError(name)
    return out


def screens(survey: Survey) -> list[Screen]:
    """Every screen the survey shows, in each of its languages and both kiosk sizes."""
    names = [n for n in SCREENS if n != "comment" or survey.comment.enabled]
    if survey.attract_mode == "question":
        # The attract screen asks the question: there is no separate question screen.
        names.remove("question")
    return [
        screen(survey, name, locale, w, h)
        for locale in survey.locales
        for (w, h) in SIZES
        for name in names
    ]
