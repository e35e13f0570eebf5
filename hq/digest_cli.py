"""``ces-hq digest ...``: the weekly digest e-mail, looked at or sent by hand.

    ces-hq digest preview [--user NAME] [--week 2026-W48] [--format text|html] [--lang en|nl]
    ces-hq digest send --smtp-url URL [--public-url URL] [--week 2026-W48] [--lang en|nl]

``preview`` prints a digest as its recipient would get it (without --user: the analysts'
one, every store). ``send`` mails the week's digests now, under the same claim as the
scheduler in `ces-hq serve` (hq.digest_sending): a week already sent, or being sent, by any
process is refused, so nobody gets it twice. The week is the last complete one (Monday to
Sunday, the chain's time zone) unless --week names another.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from hq import digest, digest_render, digest_sending, jobs, roles, storeinfo
from hq.dashboard import webtexts
from hq.db.database import HQDatabase
from hq.mail import Mailer, MailError

# Where links in a previewed digest point when no --public-url is given.
PREVIEW_URL = "http://127.0.0.1:8080"


class DigestCliError(Exception):
    """A command line the digest commands cannot carry out; one line."""


def add_digest_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    options: Callable[[argparse.ArgumentParser], None],
) -> None:
    """``options`` adds the database options to a command."""
    digest_parser = commands.add_parser("digest", help="the weekly digest e-mail: preview or send")
    actions = digest_parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    preview = actions.add_parser("preview", help="print a digest as its recipient gets it")
    preview.add_argument(
        "--user", metavar="NAME", help="the digest of this user (default: every store's)"
    )
    preview.add_argument(
        "--format", choices=("text", "html"), default="text", help="which part (text)"
    )
    _common(preview)
    options(preview)
    send = actions.add_parser(
        "send", help="mail the week's digests now (once per week, whichever process sends)"
    )
    send.add_argument(
        "--smtp-url", metavar="URL", required=True, help="the SMTP server (as for serve)"
    )
    _common(send)
    options(send)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--week",
        metavar="YYYY-Www",
        help="the ISO week to report on, e.g. 2026-W48 (default: the last complete week)",
    )
    parser.add_argument(
        "--lang", choices=webtexts.LANGUAGES, default="en", help="the digest's language (en)"
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help=f"the dashboard's address for links (default for preview: {PREVIEW_URL})",
    )


def run(args: argparse.Namespace, open_database: Callable[[], HQDatabase]) -> int:
    week = digest.parse_week(args.week) if args.week else None
    if args.action == "send":
        try:
            mailer = Mailer.from_url(args.smtp_url)
        except MailError as e:
            raise DigestCliError(f"--smtp-url: {e}") from None
    db = open_database()
    try:
        chosen = week or digest.last_complete_week(
            digest_sending.today_in(storeinfo.chain_zone(db))
        )
        if args.action == "preview":
            return _preview(db, args, chosen)
        return _send(db, mailer, args, chosen)
    finally:
        db.close()


def _preview(db: HQDatabase, args: argparse.Namespace, week: digest.Week) -> int:
    if args.user:
        member = roles.member(db, args.user)
        if member is None:
            raise DigestCliError(f"no user {args.user!r}")
        if member.role not in digest.DIGEST_ROLES:
            print(
                f"note: {member.name} is an {member.role}: the scheduler mails no digest to "
                "admins; this is the every-store digest",
                file=sys.stderr,
            )
        elif not member.email:
            print(
                f"note: {member.name} has no e-mail address: no digest is mailed", file=sys.stderr
            )
    else:
        member = roles.Member("analysts", roles.ANALYST, None, None)
    found = digest.build(db, member, week)
    url = args.public_url or PREVIEW_URL
    body = (
        digest_render.text(found, url, args.lang)
        if args.format == "text"
        else digest_render.html(found, url, args.lang)
    )
    # Bytes: the digest is UTF-8 whatever the terminal's locale says.
    sys.stdout.buffer.write(body.encode("utf-8"))
    sys.stdout.flush()
    return 0


def _send(db: HQDatabase, mailer: Mailer, args: argparse.Namespace, week: digest.Week) -> int:
    if not jobs.claim(db, digest_sending.JOB, week.label):
        by = jobs.claimed_by(db, digest_sending.JOB, week.label) or "another process"
        raise DigestCliError(
            f"the digest of {week.label} is sent or being sent already (by {by}): "
            "nobody gets it twice"
        )
    try:
        outcome = digest_sending.send_week(
            db, mailer, week, public_url=args.public_url or PREVIEW_URL, lang=args.lang
        )
    except BaseException:
        jobs.release(db, digest_sending.JOB, week.label)
        raise
    if outcome.waiting:
        # Handed back: running this again (or the scheduler) mails only those waiting.
        jobs.release(db, digest_sending.JOB, week.label)
        raise DigestCliError(
            f"the digest of {week.label}: mailed {len(outcome.sent)} user(s), "
            f"{len(outcome.waiting)} still waiting ({outcome.problem}); run this again to "
            "mail them"
        )
    jobs.finish(db, digest_sending.JOB, week.label)
    print(
        f"the digest of {week.label}: mailed {len(outcome.sent)} user(s)"
        + (f", {len(outcome.already)} had it already" if outcome.already else "")
        + (f", {len(outcome.refused)} refused by the SMTP server" if outcome.refused else "")
    )
    return 0
