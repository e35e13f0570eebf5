"""Survey versions in HQ's database: drafts, published versions, and where each one runs.

A survey has published versions, which never change (answers name the version they
answered, and its words are what the dashboard shows for them), and at most one draft,
numbered above every published version. Publishing turns the draft into the next published
version and runs it at the journey touchpoints chosen; kiosks get it with their next config.

Every change to what is published raises a generation number in hq_meta, so each ces-hq
process on the database (several on PostgreSQL) picks the surveys up at its next look
(``CatalogHolder``) without a restart.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from ces.answer import ID_RE
from ces.survey import MAX_SURVEY_BYTES, Survey, SurveyError, parse_survey
from hq.db.database import SURVEYS_GENERATION_KEY, HQDatabase
from hq.db.tables import audit_log, journey_touchpoints, meta, survey_versions
from hq.moments import moment, stamp, utcnow
from hq.survey_files import Imported, SurveyFileError, canonical_json, read_survey
from hq.surveys import SurveyCatalog, default_folder
from hq.validate import SurveyRules, survey_rules

log = logging.getLogger("effortless.hq.surveys")

DRAFT = "draft"
PUBLISHED = "published"
# hq_meta: the shipped (or --surveys folder's) surveys were seeded as published versions once,
# so a survey the analyst replaced is not brought back at the next start.
SEEDED_KEY = "surveys_seeded"
MAX_VERSION = 2**31 - 1
# Who made the versions seeded from the survey folder.
SEED_USER = "ces-hq"


class SurveyVersionError(ValueError):
    """A survey or version refused: ``field`` is a ces.survey field path (e.g.
    ``factors[0].label.nl``), "id", "version", "touchpoints" or "state"; ``problem`` says
    what is wrong, in English."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


@dataclass(frozen=True)
class VersionInfo:
    survey_id: str
    version: int
    state: str  # DRAFT or PUBLISHED
    created_at: Any  # datetime
    created_by: str
    published_at: Any  # datetime | None
    published_by: str | None
    question_en: str
    touchpoints: tuple[str, ...]  # the journey touchpoints running this version


@dataclass(frozen=True)
class SurveyInfo:
    survey_id: str
    published: int | None  # the newest published version
    draft: int | None
    question: dict[str, str]  # of the newest version (the draft, if there is one)
    touchpoints: tuple[str, ...]  # the journey touchpoints running any version of it


# --- reading ----------------------------------------------------------------------------------


def _rows(conn: Connection, survey_id: str | None = None) -> list[Any]:
    query = select(survey_versions).order_by(
        survey_versions.c.survey_id, survey_versions.c.version.desc()
    )
    if survey_id is not None:
        query = query.where(survey_versions.c.survey_id == survey_id)
    return list(conn.execute(query))


def _running(conn: Connection) -> dict[str, tuple[str, int | None]]:
    """Journey touchpoint -> (survey id, pinned version or None: the newest published)."""
    return {
        r.touchpoint: (r.survey_id, r.survey_version)
        for r in conn.execute(
            select(
                journey_touchpoints.c.touchpoint,
                journey_touchpoints.c.survey_id,
                journey_touchpoints.c.survey_version,
            )
        )
    }


def _newest_published(rows: list[Any]) -> dict[str, int]:
    newest: dict[str, int] = {}
    for r in rows:
        if r.state == PUBLISHED and r.version > newest.get(r.survey_id, 0):
            newest[r.survey_id] = r.version
    return newest


def _runs(
    running: Mapping[str, tuple[str, int | None]], newest: Mapping[str, int]
) -> dict[tuple[str, int], list[str]]:
    """(survey id, version) -> the touchpoints running it, sorted."""
    out: dict[tuple[str, int], list[str]] = {}
    for touchpoint, (survey_id, pinned) in sorted(running.items()):
        version = pinned if pinned is not None else newest.get(survey_id)
        if version is not None:
            out.setdefault((survey_id, version), []).append(touchpoint)
    return out


def _question(document: str) -> dict[str, str]:
    found = json.loads(document).get("question")
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def _question_en(question: Mapping[str, str]) -> str:
    return question.get("en") or next(iter(question.values()), "")


def surveys(db: HQDatabase) -> list[SurveyInfo]:
    """Every survey HQ knows, sorted by id."""
    with db.reading() as conn:
        rows = _rows(conn)
        running = _running(conn)
    newest = _newest_published(rows)
    per_survey: dict[str, list[Any]] = {}
    for r in rows:
        per_survey.setdefault(r.survey_id, []).append(r)
    out = []
    for survey_id in sorted(per_survey):
        mine = per_survey[survey_id]  # newest first
        draft = next((r.version for r in mine if r.state == DRAFT), None)
        touchpoints = tuple(sorted(tp for tp, (s, _) in running.items() if s == survey_id))
        out.append(
            SurveyInfo(
                survey_id=survey_id,
                published=newest.get(survey_id),
                draft=draft,
                question=_question(mine[0].document),
                touchpoints=touchpoints,
            )
        )
    return out


def versions(db: HQDatabase, survey_id: str) -> list[VersionInfo]:
    """The survey's versions, newest first; [] for a survey HQ does not know."""
    with db.reading() as conn:
        rows = _rows(conn, survey_id)
        running = _running(conn)
    runs = _runs(running, _newest_published(rows))
    return [
        VersionInfo(
            survey_id=r.survey_id,
            version=r.version,
            state=r.state,
            created_at=moment(r.created_at),
            created_by=r.created_by,
            published_at=moment(r.published_at),
            published_by=r.published_by,
            question_en=_question_en(_question(r.document)),
            touchpoints=tuple(runs.get((r.survey_id, r.version), ()))
            if r.state == PUBLISHED
            else (),
        )
        for r in rows
    ]


def document(db: HQDatabase, survey_id: str, version: int) -> dict[str, Any] | None:
    """The version's survey JSON as stored, or None if there is no such version."""
    with db.reading() as conn:
        found = conn.execute(
            select(survey_versions.c.document).where(
                survey_versions.c.survey_id == survey_id, survey_versions.c.version == version
            )
        ).scalar()
    if found is None:
        return None
    loaded: dict[str, Any] = json.loads(found)
    return loaded


def document_text(db: HQDatabase, survey_id: str, version: int | None = None) -> str | None:
    """The stored canonical text of a version (None: the newest published), or None."""
    query = select(survey_versions.c.document).where(survey_versions.c.survey_id == survey_id)
    if version is None:
        query = query.where(survey_versions.c.state == PUBLISHED).order_by(
            survey_versions.c.version.desc()
        )
    else:
        query = query.where(survey_versions.c.version == version)
    with db.reading() as conn:
        found = conn.execute(query.limit(1)).scalar()
    return None if found is None else str(found)


# --- checks -----------------------------------------------------------------------------------


def checked(doc: object, version: int) -> Survey:
    """``doc`` with ``version`` as HQ numbers it, validated as the kiosk validates a survey."""
    if not isinstance(doc, dict):
        raise SurveyVersionError("(top level)", "a survey must be a JSON object")
    numbered = {**doc, "version": version}
    try:
        raw = json.dumps(numbered, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError, RecursionError):
        raise SurveyVersionError("(top level)", "not something JSON can hold") from None
    if len(raw) > MAX_SURVEY_BYTES:
        raise SurveyVersionError(
            "(file)", f"the survey is larger than the limit of {MAX_SURVEY_BYTES:,} bytes"
        )
    try:
        return parse_survey(raw, source="survey")
    except SurveyError as e:
        raise SurveyVersionError(e.field, e.problem) from None


def _check_id(survey_id: object, field: str = "id") -> str:
    if not isinstance(survey_id, str) or not ID_RE.fullmatch(survey_id):
        raise SurveyVersionError(
            field, "not a survey id (1 to 64 of a-z, 0-9, '_', '-', starting with a-z or 0-9)"
        )
    return survey_id


def _user(user: str) -> str:
    # The column holds 64 characters; the name is who did it, for the record.
    return str(user)[:64] or "?"


# --- changing ---------------------------------------------------------------------------------


def save_draft(db: HQDatabase, doc: dict[str, Any], user: str, *, creating: bool = False) -> Survey:
    """Validate ``doc`` and keep it as its survey's one draft (made, or replaced). HQ numbers
    it: the draft's number, else one above the newest version. ``creating``: a new survey,
    refused if the id is taken."""
    survey_id = _check_id(doc.get("id") if isinstance(doc, dict) else None)
    with _refusing_races(), db.writing() as conn:
        rows = _locked_rows(conn, survey_id)
        if creating and rows:
            raise SurveyVersionError("id", f"there is a survey {survey_id!r} already")
        draft = next((r for r in rows if r.state == DRAFT), None)
        number = draft.version if draft is not None else _next_number(rows)
        survey = checked(doc, number)
        text = canonical_json(survey)
        now = stamp(utcnow())
        if draft is not None:
            conn.execute(
                update(survey_versions)
                .where(_is_version(survey_id, number), survey_versions.c.state == DRAFT)
                .values(document=text, created_at=now, created_by=_user(user))
            )
        else:
            _insert(conn, survey, text, DRAFT, user, now)
    return survey


def new_draft_from(db: HQDatabase, survey_id: str, user: str) -> int:
    """A draft copied from the survey's newest version; the draft's number if it has one."""
    with _refusing_races(), db.writing() as conn:
        rows = _locked_rows(conn, survey_id)
        if not rows:
            raise SurveyVersionError("id", f"there is no survey {str(survey_id)[:70]!r}")
        draft = next((r for r in rows if r.state == DRAFT), None)
        if draft is not None:
            return int(draft.version)
        number = _next_number(rows)
        survey = checked(json.loads(rows[0].document), number)
        _insert(conn, survey, canonical_json(survey), DRAFT, user, stamp(utcnow()))
    return number


def discard_draft(db: HQDatabase, survey_id: str) -> bool:
    """Remove the survey's draft; False if it had none."""
    with db.writing() as conn:
        gone = conn.execute(
            delete(survey_versions).where(
                survey_versions.c.survey_id == survey_id, survey_versions.c.state == DRAFT
            )
        )
    return bool(gone.rowcount)


def publish(
    db: HQDatabase, survey_id: str, version: int, user: str, touchpoints: Collection[str]
) -> None:
    """Publish the draft ``version`` (from then on it never changes) and run it at the
    journey ``touchpoints``; for a published version, only run it there."""
    if isinstance(touchpoints, str):
        touchpoints = [touchpoints]  # one id, not its letters
    chosen = sorted({str(tp) for tp in touchpoints})
    if isinstance(version, str) and version.isascii() and version.isdigit() and len(version) < 10:
        version = int(version)  # as a form sends it
    now = utcnow()
    with _refusing_races(), db.writing() as conn:
        rows = _locked_rows(conn, survey_id)
        row = next((r for r in rows if r.version == version), None)
        if row is None or isinstance(version, bool):
            raise SurveyVersionError(
                "version", f"survey {str(survey_id)[:70]!r} has no version {str(version)[:12]}"
            )
        known = set(
            conn.scalars(
                select(journey_touchpoints.c.touchpoint).where(
                    journey_touchpoints.c.touchpoint.in_(chosen)
                )
            )
        )
        unknown = [tp for tp in chosen if tp not in known]
        if unknown:
            raise SurveyVersionError(
                "touchpoints", f"no journey has a touchpoint {str(unknown[0])[:70]!r}"
            )
        if row.state == DRAFT:
            # Checked again: the validator may be stricter than when the draft was saved.
            checked(json.loads(row.document), version)
            conn.execute(
                update(survey_versions)
                .where(_is_version(survey_id, version), survey_versions.c.state == DRAFT)
                .values(state=PUBLISHED, published_at=stamp(now), published_by=_user(user))
            )
        if chosen:
            conn.execute(
                update(journey_touchpoints)
                .where(journey_touchpoints.c.touchpoint.in_(chosen))
                .values(survey_id=survey_id, survey_version=version)
            )
        conn.execute(
            insert(audit_log).values(
                at=stamp(now),
                actor=_user(user),
                action="survey_published",
                count=len(chosen),
                detail=f"{survey_id} v{version}" + (f" at {', '.join(chosen)}" if chosen else ""),
            )
        )
        bump_generation(conn)
    log.info(
        "%s published survey %s version %d at %s",
        _user(user),
        survey_id,
        version,
        ", ".join(chosen) or "no touchpoint",
    )


def import_published(db: HQDatabase, survey: Survey, user: str) -> str:
    """Store a survey file's version as published ("new", "unchanged"); a version that
    exists with other content, or one not above the newest, is refused."""
    text = canonical_json(survey)
    with _refusing_races(), db.writing() as conn:
        rows = _locked_rows(conn, survey.id)
        same = next((r for r in rows if r.version == survey.version), None)
        if same is not None:
            if same.state == PUBLISHED and json.loads(same.document) == json.loads(text):
                return "unchanged"
            raise SurveyVersionError(
                "version",
                f"version {survey.version} of {survey.id!r} exists with different content"
                + ("" if same.state == PUBLISHED else " (a draft)")
                + '; a published version never changes: raise "version"',
            )
        draft = next((r for r in rows if r.state == DRAFT), None)
        if draft is not None:
            # A draft is numbered above every published version: it would fall below this one.
            raise SurveyVersionError(
                "state",
                f"{survey.id!r} has a draft (version {draft.version}) in HQ's database: publish "
                "or discard it first",
            )
        newest = max((r.version for r in rows), default=0)
        if survey.version < newest:
            raise SurveyVersionError(
                "version",
                f"HQ's database has version {newest} of {survey.id!r}, newer than version "
                f"{survey.version}; a lower version never replaces a higher one",
            )
        _insert(conn, survey, text, PUBLISHED, user, stamp(utcnow()), published=True)
        bump_generation(conn)
    return "new"


def exported(db: HQDatabase, survey_id: str, version: int | None = None) -> str:
    """A stored version as canonical JSON (the newest published one unless ``version``)."""
    text = document_text(db, survey_id, version)
    if text is not None:
        return text
    stored = versions(db, survey_id)
    if not stored:
        known = ", ".join(s.survey_id for s in surveys(db)) or "none"
        raise SurveyFileError(
            f"no survey {survey_id[:70]!r} in HQ's database; the surveys are: {known}"
        )
    numbers = ", ".join(str(v.version) for v in reversed(stored))
    what = f"no version {version}" if version is not None else "no published version"
    raise SurveyFileError(
        f"survey {survey_id!r} has {what} in HQ's database; the versions there are: {numbers}"
    )


def import_file(db: HQDatabase, source: Path, user: str) -> Imported:
    """A survey file stored as a published version (hq.survey_files)."""
    survey = read_survey(source)
    before = next((s.published for s in surveys(db) if s.survey_id == survey.id), None)
    try:
        done = import_published(db, survey, user)
    except SurveyVersionError as e:
        raise SurveyFileError(f"{source}: {e.problem}") from None
    return Imported(survey, replaced=before, unchanged=done == "unchanged")


def seed(db: HQDatabase, catalog: SurveyCatalog) -> list[str]:
    """At HQ's first start, the folder's surveys as published versions; never again (hq_meta
    remembers). Returns the ids of the surveys stored."""
    try:
        with db.writing() as conn:
            if conn.execute(select(meta.c.value).where(meta.c.key == SEEDED_KEY)).scalar():
                return []
            present = set(conn.scalars(select(survey_versions.c.survey_id).distinct()))
            made = []
            now = stamp(utcnow())
            for survey_id in sorted(catalog.by_id):
                if survey_id in present:
                    continue
                survey = catalog.by_id[survey_id]
                _insert(conn, survey, canonical_json(survey), PUBLISHED, SEED_USER, now, True)
                made.append(survey_id)
            conn.execute(insert(meta).values(key=SEEDED_KEY, value=now))
            bump_generation(conn)
    except IntegrityError:
        return []  # another ces-hq starting at the same time seeded them
    if made:
        log.info("stored the surveys of %s as published versions: %s", catalog.folder, made)
    return made


def _locked_rows(conn: Connection, survey_id: str) -> list[Any]:
    """The survey's versions, newest first. On PostgreSQL, changes to one survey take turns
    (FOR UPDATE); a survey with no rows yet is guarded by its primary key (_refusing_races)."""
    return list(
        conn.execute(
            select(survey_versions)
            .where(survey_versions.c.survey_id == survey_id)
            .order_by(survey_versions.c.version.desc())
            .with_for_update()
        )
    )


def _next_number(rows: list[Any]) -> int:
    number = max((int(r.version) for r in rows), default=0) + 1
    if number > MAX_VERSION:
        raise SurveyVersionError("version", "no version numbers are left for this survey")
    return number


def _is_version(survey_id: str, version: int) -> Any:
    return and_(survey_versions.c.survey_id == survey_id, survey_versions.c.version == version)


def _insert(
    conn: Connection,
    survey: Survey,
    text: str,
    state: str,
    user: str,
    now: str,
    published: bool = False,
) -> None:
    conn.execute(
        insert(survey_versions).values(
            survey_id=survey.id,
            version=survey.version,
            state=state,
            document=text,
            created_at=now,
            created_by=_user(user),
            published_at=now if published else None,
            published_by=_user(user) if published else None,
        )
    )


@contextmanager
def _refusing_races() -> Iterator[None]:
    """Another writer (a second ces-hq on PostgreSQL) made the same version since our look."""
    try:
        yield
    except IntegrityError:
        raise SurveyVersionError(
            "state", "someone else changed this survey at the same time; try again"
        ) from None


# --- the catalog HQ serves ----------------------------------------------------------------------


def bump_generation(conn: Connection) -> None:
    """Tell every ces-hq process that what is published changed (in the caller's transaction)."""
    current = conn.execute(
        select(meta.c.value).where(meta.c.key == SURVEYS_GENERATION_KEY).with_for_update()
    ).scalar()
    if current is None:
        conn.execute(insert(meta).values(key=SURVEYS_GENERATION_KEY, value="1"))
    else:
        conn.execute(
            update(meta)
            .where(meta.c.key == SURVEYS_GENERATION_KEY)
            .values(value=str(int(current) + 1))
        )


def generation(db: HQDatabase) -> int:
    with db.reading() as conn:
        found = conn.execute(
            select(meta.c.value).where(meta.c.key == SURVEYS_GENERATION_KEY)
        ).scalar()
    return int(found or 0)


def published_catalog(db: HQDatabase, folder: SurveyCatalog | None = None) -> SurveyCatalog:
    """Every published version, the newest of each survey first in line (what kiosks are
    offered when their touchpoint pins none), and what each journey touchpoint runs."""
    with db.reading() as conn:
        found = conn.execute(
            select(meta.c.value).where(meta.c.key == SURVEYS_GENERATION_KEY)
        ).scalar()
        rows = list(
            conn.execute(
                select(survey_versions)
                .where(survey_versions.c.state == PUBLISHED)
                .order_by(survey_versions.c.survey_id, survey_versions.c.version)
            )
        )
        running = _running(conn)
    every: dict[tuple[str, int], Survey] = {}
    for r in rows:
        try:
            every[(r.survey_id, r.version)] = parse_survey(
                r.document.encode("utf-8"), source=f"{r.survey_id} v{r.version}"
            )
        except SurveyError as e:
            # A version stored by an older HQ that today's validator refuses: not offered,
            # but answers to it are still taken as far as the newest version's rules go.
            log.error("survey %s version %d cannot be served: %s", r.survey_id, r.version, e)
    by_id = {survey_id: survey for (survey_id, _), survey in every.items()}  # newest wins
    if not by_id and folder is not None:
        # An empty database (seeding failed): the folder, as before.
        return replace(folder, generation=int(found or 0))
    pinned: dict[str, Survey] = {}
    for touchpoint, (survey_id, version) in running.items():
        chosen = every.get((survey_id, version)) if version is not None else by_id.get(survey_id)
        if chosen is not None:
            pinned[touchpoint] = chosen
    return SurveyCatalog(
        by_id=by_id,
        rules=survey_rules(by_id),
        documents=tuple(json.loads(by_id[key].raw) for key in sorted(by_id)),
        folder=folder.folder if folder is not None else default_folder(),
        versions=every,
        version_rules=survey_rules_by_version(every),
        touchpoints=pinned,
        generation=int(found or 0),
    )


def survey_rules_by_version(
    every: Mapping[tuple[str, int], Survey],
) -> dict[tuple[str, int], SurveyRules]:
    return {
        key: SurveyRules(survey.scale, frozenset(f.id for f in survey.factors))
        for key, survey in every.items()
    }


class CatalogHolder:
    """The catalog one ces-hq process serves, read again when the generation changed.

    ``current()`` costs one primary-key read of hq_meta; callers run it in a worker thread.
    """

    def __init__(self, db: HQDatabase, catalog: SurveyCatalog) -> None:
        self._db = db
        self._folder = catalog
        self._lock = threading.Lock()
        self.catalog = catalog

    def current(self) -> SurveyCatalog:
        seen = generation(self._db)
        if seen != self.catalog.generation:
            with self._lock:
                if seen != self.catalog.generation:
                    reloaded = self.catalog.generation >= 0  # not the start's first read
                    self.catalog = published_catalog(self._db, self._folder)
                    if reloaded:
                        log.info(
                            "serving the published surveys of generation %d: %s",
                            self.catalog.generation,
                            ", ".join(f"{s.id} v{s.version}" for s in self.catalog.by_id.values()),
                        )
        return self.catalog


__all__ = [
    "DRAFT",
    "PUBLISHED",
    "CatalogHolder",
    "SurveyInfo",
    "SurveyVersionError",
    "VersionInfo",
    "discard_draft",
    "document",
    "new_draft_from",
    "publish",
    "published_catalog",
    "save_draft",
    "seed",
    "surveys",
    "versions",
]
