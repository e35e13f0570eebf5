"""The survey editor's form and the survey document, both ways, with field names for errors.

The form is flat (one field per text per language, up to eight factor rows); the document
is the survey JSON that ces.survey validates. ``document_of`` builds the document and says
which form field a problem is in; ``field_of`` turns a validator's field path (e.g.
``why.factors[1].label.nl``) into the form field to show its error beside.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ces.locales import SUPPORTED_LOCALES
from ces.scales import DEFAULT_SCALE
from ces.survey import DEFAULT_COMMENT_LENGTH, DEFAULT_IDLE_TIMEOUT_S, MAX_FACTORS
from ces.svg import ICON_HASH_RE, ICON_PREFIX, SvgError, icon_hash, sanitise_svg

FACTOR_ROWS = MAX_FACTORS
TEXT_FIELDS = ("question", "why_prompt", "teaser", "comment_prompt", "thanks")
# A carried uploaded icon: "svg_<sha256>" holds its sanitised text from one submit to the next.
_CARRIED = "svg_"
_PATH_TOKEN = re.compile(r"[^.\[\]]+|\[\d+\]")


class FormProblem(ValueError):
    """The form cannot become a survey: ``field`` is the form field, ``problem`` English."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


@dataclass(frozen=True)
class Built:
    document: dict[str, Any]
    rows: tuple[int, ...]  # the form row of each factor in the document, in order
    removed: dict[int, tuple[str, ...]]  # form row -> what the sanitiser took out of its upload
    form: dict[str, str]  # the form as it should show again (uploads turned into choices)


def blank_document() -> dict[str, Any]:
    """A new survey's starting point: the form shows these."""
    return {
        "id": "",
        "default_locale": "nl",
        "locales": ["nl", "en"],
        "scale": DEFAULT_SCALE,
        "attract": {"mode": "teaser"},
        "question": {},
        "why": {"prompt": {}, "factors": []},
        "comment": {"enabled": False, "max_length": DEFAULT_COMMENT_LENGTH},
        "idle_timeout_s": DEFAULT_IDLE_TIMEOUT_S,
        "thanks": {},
    }


def _texts(value: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def form_of(doc: Mapping[str, Any]) -> dict[str, str]:
    """The form's fields filled from a survey document."""
    form: dict[str, str] = {
        "id": str(doc.get("id", "")),
        "default_locale": str(doc.get("default_locale", "")),
        "scale": str(doc.get("scale", DEFAULT_SCALE)),
        "touchpoint": str(doc.get("touchpoint") or ""),
    }
    for locale in doc.get("locales", []):
        form[f"locale_{locale}"] = "on"
    attract = doc.get("attract") or {}
    form["attract_mode"] = str(attract.get("mode", "teaser"))
    why = doc.get("why") or {}
    comment = doc.get("comment") or {}
    texts = {
        "question": doc.get("question"),
        "why_prompt": why.get("prompt"),
        "teaser": attract.get("teaser"),
        "comment_prompt": comment.get("prompt"),
        "thanks": doc.get("thanks"),
    }
    for name, value in texts.items():
        for locale, text in _texts(value).items():
            form[f"{name}_{locale}"] = text
    if comment.get("enabled"):
        form["comment_enabled"] = "on"
    form["comment_max_length"] = _number(comment.get("max_length", DEFAULT_COMMENT_LENGTH))
    form["idle_timeout_s"] = _number(doc.get("idle_timeout_s", DEFAULT_IDLE_TIMEOUT_S))
    for row, factor in enumerate(why.get("factors") or []):
        form[f"factor{row}_id"] = str(factor.get("id", ""))
        form[f"factor{row}_icon"] = str(factor.get("icon", ""))
        for locale, text in _texts(factor.get("label")).items():
            form[f"factor{row}_label_{locale}"] = text
    for digest, svg in (doc.get("icons") or {}).items():
        form[_CARRIED + str(digest)] = str(svg)
    return form


def carried_icons(form: Mapping[str, str]) -> dict[str, str]:
    """The uploaded icons the form carries, by sha256."""
    return {
        name[len(_CARRIED) :]: value
        for name, value in form.items()
        if name.startswith(_CARRIED) and ICON_HASH_RE.fullmatch(name[len(_CARRIED) :])
    }


def _text(form: Mapping[str, str], name: str) -> str:
    # Browsers send a textarea's line breaks as CR LF; the survey format has LF only.
    return form.get(name, "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _text_map(form: Mapping[str, str], name: str, locales: list[str]) -> dict[str, str]:
    return {locale: _text(form, f"{name}_{locale}") for locale in locales}


def _whole(form: Mapping[str, str], name: str) -> int:
    raw = form.get(name, "").strip()
    try:
        return int(raw)
    except ValueError:
        raise FormProblem(name, f"expected a whole number, got {raw[:20]!r}") from None


def _seconds(form: Mapping[str, str], name: str) -> int | float:
    raw = form.get(name, "").strip().replace(",", ".")
    try:
        number = float(raw)
    except ValueError:
        raise FormProblem(name, f"expected a number of seconds, got {raw[:20]!r}") from None
    return int(number) if number.is_integer() else number


def document_of(
    form: Mapping[str, str], uploads: Mapping[str, bytes], base: Mapping[str, Any] | None = None
) -> Built:
    """The survey document the form describes (``version`` is HQ's to set).

    ``uploads`` are the files sent, by form field (``factor<row>_upload``); each is
    sanitised and becomes its row's icon. Fields the editor does not show are kept from
    ``base`` (the version being edited)."""
    shown = dict(form)
    locales = [loc for loc in SUPPORTED_LOCALES if form.get(f"locale_{loc}")]
    doc: dict[str, Any] = {
        k: v for k, v in (base or {}).items() if k not in ("icons", "version", "touchpoint")
    }
    doc["id"] = form.get("id", "").strip()
    doc["locales"] = locales
    doc["default_locale"] = form.get("default_locale", "")
    doc["scale"] = form.get("scale", DEFAULT_SCALE)
    touchpoint = form.get("touchpoint", "").strip()
    if touchpoint:
        doc["touchpoint"] = touchpoint
    attract: dict[str, Any] = {"mode": form.get("attract_mode", "teaser")}
    teaser = _text_map(form, "teaser", locales)
    if any(teaser.values()):
        attract["teaser"] = teaser
    doc["attract"] = attract
    doc["question"] = _text_map(form, "question", locales)
    icons = carried_icons(form)
    removed: dict[int, tuple[str, ...]] = {}
    factors: list[dict[str, Any]] = []
    rows: list[int] = []
    for row in range(FACTOR_ROWS):
        upload = uploads.get(f"factor{row}_upload")
        if upload:
            try:
                clean = sanitise_svg(upload)
            except SvgError as e:
                raise FormProblem(f"factor{row}_upload", f"the icon {e}") from None
            icons[clean.sha256] = clean.text
            shown[f"factor{row}_icon"] = clean.reference
            shown[_CARRIED + clean.sha256] = clean.text
            if clean.removed:
                removed[row] = clean.removed
        factor_id = form.get(f"factor{row}_id", "").strip()
        labels = _text_map(form, f"factor{row}_label", locales)
        if not factor_id and not any(labels.values()):
            continue  # an empty row: no factor
        rows.append(row)
        factors.append(
            {"id": factor_id, "label": labels, "icon": shown.get(f"factor{row}_icon", "")}
        )
    doc["why"] = {"prompt": _text_map(form, "why_prompt", locales), "factors": factors}
    enabled = bool(form.get("comment_enabled"))
    comment: dict[str, Any] = {"enabled": enabled}
    prompt = _text_map(form, "comment_prompt", locales)
    if enabled or any(prompt.values()):
        comment["prompt"] = prompt
    max_length = _whole(form, "comment_max_length")
    # Off and at the default, the limit is left out, as a survey without a comment has it.
    if enabled or max_length != DEFAULT_COMMENT_LENGTH:
        comment["max_length"] = max_length
    doc["comment"] = comment
    doc["idle_timeout_s"] = _seconds(form, "idle_timeout_s")
    doc["thanks"] = _text_map(form, "thanks", locales)
    used = {
        f["icon"][len(ICON_PREFIX) :] for f in factors if str(f["icon"]).startswith(ICON_PREFIX)
    }
    # Only the icons a factor uses travel with the survey; each is named by its own hash,
    # whatever the form claimed (the validator checks the text is the sanitiser's too).
    kept = {icon_hash(text): text for digest, text in icons.items() if digest in used}
    if kept:
        doc["icons"] = kept
    return Built(doc, tuple(rows), removed, shown)


def field_of(path: str, built: Built | None) -> str | None:
    """The form field a validator's ``path`` is about; None: the whole form."""
    tokens = _PATH_TOKEN.findall(path)
    if not tokens or tokens[0] in ("(file)", "(top level)", "state", "version"):
        return None
    head, rest = str(tokens[0]), [str(t) for t in tokens[1:]]
    if head == "locales":
        return "locales"
    if head in ("id", "default_locale", "scale", "idle_timeout_s", "touchpoint"):
        return head
    if head in ("question", "thanks"):
        return f"{head}_{rest[0]}" if rest else head
    if head == "attract":
        if rest[:1] == ["teaser"]:
            return "teaser_" + rest[1] if len(rest) > 1 else "teaser"
        return "attract_mode"
    if head == "comment":
        if rest[:1] == ["prompt"]:
            return "comment_prompt_" + rest[1] if len(rest) > 1 else "comment_prompt"
        return {"enabled": "comment_enabled", "max_length": "comment_max_length"}.get(
            rest[0] if rest else "", "comment_enabled"
        )
    if head == "why":
        if rest[:1] == ["prompt"]:
            return "why_prompt_" + rest[1] if len(rest) > 1 else "why_prompt"
        if len(rest) >= 2 and rest[1].startswith("[") and built is not None:
            index = int(rest[1][1:-1])
            row = built.rows[index] if index < len(built.rows) else index
            part = rest[2:]
            if part[:1] == ["label"]:
                return f"factor{row}_label_{part[1]}" if len(part) > 1 else f"factor{row}_label"
            if part[:1] == ["icon"]:
                return f"factor{row}_icon"
            return f"factor{row}_id"
        return "factors"
    if head == "icons" and built is not None and rest:
        for index, factor in enumerate(built.document["why"]["factors"]):
            if factor["icon"] == ICON_PREFIX + rest[0]:
                return f"factor{built.rows[index]}_icon"
    return None
