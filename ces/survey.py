"""Survey files: the model the kiosk runs, and the validator that guards it.

A survey file is written by people at HQ and travels to kiosks, so it is treated as
untrusted input: every field is checked, and a bad file is refused with one message that
names the file, the field and the problem. The kiosk then keeps its last good survey.

No Qt here: the flow, the CLI and the tests use this without a display.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ces.answer import ID_PATTERN
from ces.assets import icons_dir
from ces.describe import kind as _kind
from ces.locales import DEFAULT_TEASERS, SUPPORTED_LOCALES
from ces.scales import DEFAULT_SCALE, SCALES, Scale
from ces.svg import ICON_HASH_RE, ICON_PREFIX, MAX_SVG_BYTES, icon_hash, is_clean

# Real surveys are a few kB; the cap keeps a wrong or hostile file from eating memory.
MAX_SURVEY_BYTES = 256 * 1024

MIN_FACTORS = 2
MAX_FACTORS = 8
MAX_QUESTION_CHARS = 300
MAX_PROMPT_CHARS = 300
MAX_LABEL_CHARS = 40  # a factor label has to fit on a button
MAX_THANKS_CHARS = 200
MAX_TEASER_CHARS = 200
MAX_ICON_PATH_CHARS = 200
MIN_COMMENT_LENGTH = 1
MAX_COMMENT_LENGTH = 1000
DEFAULT_COMMENT_LENGTH = 280
MIN_IDLE_TIMEOUT_S = 5.0
MAX_IDLE_TIMEOUT_S = 600.0
# Every answer carries its survey's version, which HQ stores as a 32-bit integer: a survey
# with a higher one would run on a kiosk whose answers HQ then refuses.
MAX_VERSION = 2**31 - 1
DEFAULT_IDLE_TIMEOUT_S = 20.0
ATTRACT_MODES = ("teaser", "question")
DEFAULT_ATTRACT_MODE = "teaser"

# Ids end up in the database and in HQ's reports, so they are kept plain.
# Matched whole (fullmatch): "$" would also let a final line break through.
_ID_RE = re.compile(ID_PATTERN)
_ID_RULE = "use 1 to 64 lowercase letters, digits, '_' or '-', starting with a letter or digit"
# Icon paths are joined onto the icons folder; a narrow alphabet rules out backslashes,
# drive letters, NUL bytes and other ways of stepping outside it.
_ICON_RE = re.compile(r"^[A-Za-z0-9_./-]+$")

_TOP_FIELDS = frozenset(
    {
        "id",
        "version",
        "default_locale",
        "locales",
        "scale",
        "touchpoint",
        "attract",
        "question",
        "why",
        "comment",
        "idle_timeout_s",
        "thanks",
        "icons",
    }
)
_TOP_REQUIRED = ("id", "version", "default_locale", "locales", "question", "why", "thanks")
_ATTRACT_FIELDS = frozenset({"mode", "teaser"})
_WHY_FIELDS = frozenset({"prompt", "factors"})
_FACTOR_FIELDS = frozenset({"id", "label", "icon"})
_COMMENT_FIELDS = frozenset({"enabled", "prompt", "max_length"})

FILE_FIELD = "(file)"
_TOP_LEVEL = "(top level)"


class SurveyError(ValueError):
    """A survey file was refused; ``str(e)`` is the whole message for the manager or log."""

    def __init__(self, source: str, field: str, problem: str) -> None:
        self.source = source
        self.field = field
        self.problem = problem
        super().__init__(f"{source}: {field}: {problem}")


@dataclass(frozen=True)
class Factor:
    id: str
    label: dict[str, str]
    # Relative to assets/icons, or "svg:<sha256>": an uploaded icon in the survey's ``icons``.
    icon: str

    @property
    def uploaded_icon(self) -> str | None:
        """The sha256 of this factor's uploaded icon, or None for a shipped one."""
        return self.icon[len(ICON_PREFIX) :] if self.icon.startswith(ICON_PREFIX) else None


@dataclass(frozen=True)
class CommentSettings:
    enabled: bool
    prompt: dict[str, str]
    max_length: int


@dataclass(frozen=True)
class Survey:
    id: str
    version: int
    default_locale: str
    locales: tuple[str, ...]
    scale: Scale
    question: dict[str, str]
    why_prompt: dict[str, str]
    factors: tuple[Factor, ...]
    comment: CommentSettings
    idle_timeout_s: float
    thanks: dict[str, str]
    attract_mode: str
    teaser: dict[str, str]
    touchpoint: str | None
    source: str
    raw: bytes
    # Uploaded icons by sha256: sanitised SVG text (ces.svg), named by factors as "svg:<sha256>".
    icons: dict[str, str]

    def serves(self, touchpoint: str | None) -> bool:
        """Whether this survey is meant for the touchpoint (its ``touchpoint`` or its id): the
        one rule the kiosk and HQ match surveys to touchpoints by."""
        return touchpoint is not None and touchpoint in (self.touchpoint, self.id)

    @property
    def served_touchpoint(self) -> str:
        """The touchpoint to file this survey's answers under: its ``touchpoint``, else its id."""
        return self.touchpoint or self.id

    def factor(self, factor_id: str) -> Factor | None:
        return next((f for f in self.factors if f.id == factor_id), None)


# --- reading bytes into JSON -------------------------------------------------------


class _DuplicateFieldError(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


class _BadConstantError(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # JSON itself lets a later key silently win; a doubled field is nearly always a
    # copy-paste slip, so it is refused instead of guessed at.
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateFieldError(key)
        out[key] = value
    return out


def _refuse_constant(name: str) -> Any:
    raise _BadConstantError(name)


def _decode_json(data: bytes, source: str) -> Any:
    def fail(problem: str) -> SurveyError:
        return SurveyError(source, FILE_FIELD, problem)

    # Checked before anything else, so a huge file costs no decoding or parsing.
    if len(data) > MAX_SURVEY_BYTES:
        raise fail(f"file is larger than the limit of {MAX_SURVEY_BYTES:,} bytes")
    if b"\x00" in data:
        raise fail("contains NUL bytes, so it is not a UTF-8 text file (UTF-16 or binary?)")
    try:
        # utf-8-sig: editors on Windows like to put a byte order mark in front.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise fail(f"is not valid UTF-8 text (bad byte at offset {e.start})") from None
    if not text.strip():
        raise fail("is empty")
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant)
    except json.JSONDecodeError as e:
        raise fail(f"is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}") from None
    except RecursionError:
        raise fail("is nested too deeply to be a survey") from None
    except _DuplicateFieldError as e:
        raise fail(f"field {_show(e.key)} appears twice in the same object") from None
    except _BadConstantError as e:
        raise fail(f"is not valid JSON: {e.name} is not a number") from None
    except ValueError as e:
        # e.g. an integer with thousands of digits
        raise fail(f"is not valid JSON: {e}") from None


# --- small helpers for messages and paths --------------------------------------------


def _show(value: str, limit: int = 40) -> str:
    """Quote a value from the file for a message, without letting it flood or garble it."""
    shown = value if len(value) <= limit else value[:limit] + "…"
    if shown.isprintable():
        return f"'{shown}'"
    return repr(shown)


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _item(path: str, index: int) -> str:
    return f"{path}[{index}]"


def _is_int(value: object) -> bool:
    # bool is a subclass of int, but `"version": true` is a mistake, not a 1.
    return isinstance(value, int) and not isinstance(value, bool)


# --- the validator -------------------------------------------------------------------


class _Checker:
    """Walks the parsed JSON; raises a SurveyError at the first problem."""

    def __init__(self, source: str, icons_root: Path, icons_label: str) -> None:
        self.source = source
        self.icons_root = icons_root
        self.icons_label = icons_label
        self.locales: tuple[str, ...] = ()
        self.icons: dict[str, str] = {}

    def fail(self, field: str, problem: str) -> SurveyError:
        return SurveyError(self.source, field or _TOP_LEVEL, problem)

    # generic shapes

    def obj(
        self,
        value: object,
        path: str,
        allowed: frozenset[str],
        required: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected an object, got {_kind(value)}")
        for key in value:
            if key not in allowed:
                raise self.fail(path, self._unknown_field(key, allowed))
        for key in required:
            if key not in value:
                raise self.fail(_child(path, key), "required field is missing")
        return value

    @staticmethod
    def _unknown_field(key: str, allowed: frozenset[str]) -> str:
        problem = f"unknown field {_show(key)}"
        guess = difflib.get_close_matches(key, sorted(allowed), n=1)
        if guess:
            problem += f" (did you mean '{guess[0]}'?)"
        return problem

    def string(self, value: object, path: str) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"expected text, got {_kind(value)}")
        return value

    def identifier(self, value: object, path: str) -> str:
        text = self.string(value, path)
        if not _ID_RE.fullmatch(text):
            raise self.fail(path, f"{_show(text)} is not a valid id: {_ID_RULE}")
        return text

    def integer(self, value: object, path: str, low: int, high: int | None = None) -> int:
        if not _is_int(value):
            raise self.fail(path, f"expected a whole number, got {_kind(value)}")
        assert isinstance(value, int)
        if value < low or (high is not None and value > high):
            limits = f"at least {low}" if high is None else f"between {low} and {high}"
            raise self.fail(path, f"must be {limits}, got {value}")
        return value

    def number(self, value: object, path: str, low: float, high: float) -> float:
        if not (_is_int(value) or isinstance(value, float)):
            raise self.fail(path, f"expected a number, got {_kind(value)}")
        assert isinstance(value, int | float)
        number = float(value)
        if not math.isfinite(number) or not low <= number <= high:
            raise self.fail(path, f"must be between {low:g} and {high:g}, got {value}")
        return number

    def text(self, value: object, path: str, limit: int) -> str:
        text = self.string(value, path)
        if not text.strip():
            raise self.fail(path, "text is blank")
        if len(text) > limit:
            raise self.fail(path, f"text is {len(text)} characters; the limit is {limit}")
        # A stray control character shows up as a box on screen, or worse in a log.
        for ch in text:
            if ch != "\n" and unicodedata.category(ch) == "Cc":
                raise self.fail(path, f"text contains a control character ({ch!r})")
        return text

    def text_map(self, value: object, path: str, limit: int) -> dict[str, str]:
        if not isinstance(value, dict):
            raise self.fail(
                path, f"expected an object with one text per locale, got {_kind(value)}"
            )
        for key in value:
            if key not in self.locales:
                raise self.fail(
                    path,
                    f"translation for {_show(key)}, which is not one of the survey's locales "
                    f"({', '.join(self.locales)})",
                )
        for locale in self.locales:
            if locale not in value:
                raise self.fail(path, f"missing translation for '{locale}'")
        return {loc: self.text(value[loc], _child(path, loc), limit) for loc in self.locales}

    # the survey's own fields

    def locale_list(self, value: object, path: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list of locales, got {_kind(value)}")
        if not value:
            raise self.fail(path, "needs at least one locale")
        seen: list[str] = []
        for i, item in enumerate(value):
            locale = self.string(item, _item(path, i))
            if locale not in SUPPORTED_LOCALES:
                raise self.fail(
                    _item(path, i),
                    f"locale {_show(locale)} is not supported "
                    f"(supported: {', '.join(SUPPORTED_LOCALES)})",
                )
            if locale in seen:
                raise self.fail(_item(path, i), f"locale '{locale}' is listed twice")
            seen.append(locale)
        return tuple(seen)

    def default_locale(self, value: object, path: str) -> str:
        locale = self.string(value, path)
        if locale not in self.locales:
            raise self.fail(
                path,
                f"default locale {_show(locale)} is not one of the survey's locales "
                f"({', '.join(self.locales)})",
            )
        return locale

    def scale(self, value: object, path: str) -> Scale:
        name = self.string(value, path)
        scale = SCALES.get(name)
        if scale is None:
            raise self.fail(
                path, f"unknown scale {_show(name)} (known: {', '.join(sorted(SCALES))})"
            )
        # A face scale without its faces would show empty buttons.
        for icon in scale.icons:
            if not self._icon_exists(icon):
                raise self.fail(
                    path,
                    f"scale '{name}' needs icon file '{icon}', not found in {self.icons_label}",
                )
        return scale

    def icon(self, value: object, path: str) -> str:
        icon = self.string(value, path)
        if not icon:
            raise self.fail(path, "icon path is empty")
        if icon.startswith(ICON_PREFIX):
            digest = icon[len(ICON_PREFIX) :]
            if not ICON_HASH_RE.fullmatch(digest):
                raise self.fail(
                    path, f"uploaded icon {_show(icon)} must be 'svg:' and a sha256 (64 hex digits)"
                )
            if digest not in self.icons:
                raise self.fail(path, f"uploaded icon {_show(icon)} is not in the survey's icons")
            return icon
        if len(icon) > MAX_ICON_PATH_CHARS:
            raise self.fail(path, f"icon path is longer than {MAX_ICON_PATH_CHARS} characters")
        if not _ICON_RE.match(icon):
            raise self.fail(
                path,
                f"icon path {_show(icon)} may only use letters, digits, '_', '-', '.' and '/'",
            )
        pure = PurePosixPath(icon)
        if pure.is_absolute():
            raise self.fail(path, f"icon path {_show(icon)} must be relative to {self.icons_label}")
        if ".." in pure.parts:
            raise self.fail(path, f"icon path {_show(icon)} must not contain '..'")
        if not icon.endswith(".svg"):
            raise self.fail(path, f"icon {_show(icon)} must be an .svg file")
        if not self._icon_exists(icon):
            raise self.fail(path, f"icon file {_show(icon)} not found in {self.icons_label}")
        return icon

    def _icon_exists(self, icon: str) -> bool:
        candidate = self.icons_root / icon
        try:
            # resolve() follows symlinks, so a link pointing out of the folder is refused too.
            inside = candidate.resolve().is_relative_to(self.icons_root.resolve())
        except (OSError, RuntimeError):
            return False
        return inside and candidate.is_file()

    def factors(self, value: object, path: str) -> tuple[Factor, ...]:
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list of factors, got {_kind(value)}")
        if not MIN_FACTORS <= len(value) <= MAX_FACTORS:
            raise self.fail(path, f"needs {MIN_FACTORS} to {MAX_FACTORS} factors, got {len(value)}")
        factors: list[Factor] = []
        for i, item in enumerate(value):
            factor = self.factor(item, _item(path, i))
            if any(f.id == factor.id for f in factors):
                raise self.fail(
                    _child(_item(path, i), "id"), f"factor id '{factor.id}' is used twice"
                )
            factors.append(factor)
        return tuple(factors)

    def factor(self, value: object, path: str) -> Factor:
        fields = self.obj(value, path, _FACTOR_FIELDS, required=("id", "label", "icon"))
        return Factor(
            id=self.identifier(fields["id"], _child(path, "id")),
            label=self.text_map(fields["label"], _child(path, "label"), MAX_LABEL_CHARS),
            icon=self.icon(fields["icon"], _child(path, "icon")),
        )

    def why(self, value: object, path: str) -> tuple[dict[str, str], tuple[Factor, ...]]:
        fields = self.obj(value, path, _WHY_FIELDS, required=("prompt", "factors"))
        prompt = self.text_map(fields["prompt"], _child(path, "prompt"), MAX_PROMPT_CHARS)
        return prompt, self.factors(fields["factors"], _child(path, "factors"))

    def comment(self, value: object, path: str) -> CommentSettings:
        fields = self.obj(value, path, _COMMENT_FIELDS, required=("enabled",))
        enabled = fields["enabled"]
        if not isinstance(enabled, bool):
            raise self.fail(
                _child(path, "enabled"), f"expected true or false, got {_kind(enabled)}"
            )
        if enabled and "prompt" not in fields:
            raise self.fail(
                _child(path, "prompt"), "required field is missing (the comment is enabled)"
            )
        prompt: dict[str, str] = {}
        if "prompt" in fields:
            prompt = self.text_map(fields["prompt"], _child(path, "prompt"), MAX_PROMPT_CHARS)
        max_length = DEFAULT_COMMENT_LENGTH
        if "max_length" in fields:
            max_length = self.integer(
                fields["max_length"],
                _child(path, "max_length"),
                MIN_COMMENT_LENGTH,
                MAX_COMMENT_LENGTH,
            )
        return CommentSettings(enabled=enabled, prompt=prompt, max_length=max_length)

    def attract(self, value: object, path: str) -> tuple[str, dict[str, str]]:
        fields = self.obj(value, path, _ATTRACT_FIELDS, required=("mode",))
        mode = self.string(fields["mode"], _child(path, "mode"))
        if mode not in ATTRACT_MODES:
            raise self.fail(
                _child(path, "mode"),
                f"unknown mode {_show(mode)} (known: {', '.join(ATTRACT_MODES)})",
            )
        if "teaser" in fields:
            teaser = self.text_map(fields["teaser"], _child(path, "teaser"), MAX_TEASER_CHARS)
        else:
            teaser = self.default_teaser()
        return mode, teaser

    def default_teaser(self) -> dict[str, str]:
        return {loc: DEFAULT_TEASERS[loc] for loc in self.locales}

    def uploaded_icons(self, value: object, path: str) -> dict[str, str]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected an object of SVG texts by sha256, got {_kind(value)}")
        icons: dict[str, str] = {}
        for digest, svg in value.items():
            where = _child(path, digest)
            if not ICON_HASH_RE.fullmatch(digest):
                raise self.fail(where, f"{_show(digest)} is not a sha256 (64 lowercase hex digits)")
            text = self.string(svg, where)
            if len(text.encode("utf-8")) > MAX_SVG_BYTES:
                raise self.fail(where, f"icon is larger than the limit of {MAX_SVG_BYTES:,} bytes")
            if icon_hash(text) != digest:
                raise self.fail(where, "the icon's sha256 is not its name")
            # Only the sanitiser's own output is accepted: a script or an outside reference
            # added by hand after the upload is refused here, on the kiosk too.
            if not is_clean(text):
                raise self.fail(
                    where, "icon is not a sanitised SVG (scripts, links or outside references?)"
                )
            icons[digest] = text
        return icons

    def touchpoint(self, value: object, path: str) -> str | None:
        return None if value is None else self.identifier(value, path)

    def survey(self, doc: object, raw: bytes) -> Survey:
        if not isinstance(doc, dict):
            raise self.fail("", f"expected a JSON object at the top level, got {_kind(doc)}")
        top = self.obj(doc, "", _TOP_FIELDS, required=_TOP_REQUIRED)
        # Locales come first: every text map is checked against them; icons before factors.
        self.locales = self.locale_list(top["locales"], "locales")
        if "icons" in top:
            self.icons = self.uploaded_icons(top["icons"], "icons")
        survey_id = self.identifier(top["id"], "id")
        version = self.integer(top["version"], "version", 1, MAX_VERSION)
        default_locale = self.default_locale(top["default_locale"], "default_locale")
        scale = self.scale(top.get("scale", DEFAULT_SCALE), "scale")
        touchpoint = self.touchpoint(top.get("touchpoint"), "touchpoint")
        attract_mode, teaser = DEFAULT_ATTRACT_MODE, self.default_teaser()
        if "attract" in top:
            attract_mode, teaser = self.attract(top["attract"], "attract")
        question = self.text_map(top["question"], "question", MAX_QUESTION_CHARS)
        why_prompt, factors = self.why(top["why"], "why")
        comment = CommentSettings(enabled=False, prompt={}, max_length=DEFAULT_COMMENT_LENGTH)
        if "comment" in top:
            comment = self.comment(top["comment"], "comment")
        idle = DEFAULT_IDLE_TIMEOUT_S
        if "idle_timeout_s" in top:
            idle = self.number(
                top["idle_timeout_s"], "idle_timeout_s", MIN_IDLE_TIMEOUT_S, MAX_IDLE_TIMEOUT_S
            )
        thanks = self.text_map(top["thanks"], "thanks", MAX_THANKS_CHARS)
        used = {f.uploaded_icon for f in factors}
        for digest in self.icons:
            if digest not in used:
                raise self.fail(_child("icons", digest), "icon is not used by any factor")
        return Survey(
            id=survey_id,
            version=version,
            default_locale=default_locale,
            locales=self.locales,
            scale=scale,
            question=question,
            why_prompt=why_prompt,
            factors=factors,
            comment=comment,
            idle_timeout_s=idle,
            thanks=thanks,
            attract_mode=attract_mode,
            teaser=teaser,
            touchpoint=touchpoint,
            source=self.source,
            raw=raw,
            icons=self.icons,
        )


# --- public entry points -------------------------------------------------------------


def parse_survey(data: bytes, source: str, icons_root: Path | None = None) -> Survey:
    """Validate ``data`` (the bytes of a survey file) and build the Survey it describes.

    ``source`` names the file in error messages. Icons are looked up under ``icons_root``,
    by default the kiosk's own assets/icons.
    """
    raw = bytes(data)
    doc = _decode_json(raw, source)
    if icons_root is None:
        checker = _Checker(source, icons_dir(), "assets/icons")
    else:
        checker = _Checker(source, icons_root, str(icons_root))
    return checker.survey(doc, raw)


def load_survey(path: Path, icons_root: Path | None = None) -> Survey:
    """Read and validate a survey file; any problem, reading included, is a SurveyError."""
    source = path.name or str(path)
    data = _read_capped(path, source)
    return parse_survey(data, source, icons_root)


def _read_capped(path: Path, source: str) -> bytes:
    # Read one byte past the limit rather than the whole file: enough to know it is too big.
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_SURVEY_BYTES + 1)
    except FileNotFoundError:
        raise SurveyError(source, FILE_FIELD, f"file not found: {path}") from None
    except IsADirectoryError:
        raise SurveyError(source, FILE_FIELD, f"is a folder, not a file: {path}") from None
    except OSError as e:
        reason = e.strerror or str(e)
        raise SurveyError(source, FILE_FIELD, f"cannot read the file: {reason}") from None


__all__ = [
    "MAX_SURVEY_BYTES",
    "CommentSettings",
    "Factor",
    "Survey",
    "SurveyError",
    "load_survey",
    "parse_survey",
]
