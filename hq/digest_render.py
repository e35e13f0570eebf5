"""The weekly digest as an e-mail: a plain-text part and an HTML part saying the same.

The HTML comes from assets/hq/templates/digest.html with autoescaping, so a comment's
"<script>" arrives as text; the plain text folds each comment to one line
(hq.digest.plain_comment), so a comment cannot forge lines of the digest around it. Words
are the dashboard's (webtexts, in English or Dutch).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hq.dashboard import webtexts
from hq.dashboard.headlines import Delta, Direction, Headline
from hq.dashboard.journeyview import Stop, Verdict
from hq.dashboard.rendering import templates
from hq.digest import ActionLine, Comment, Digest, ParticipationLine, Section, TopFactor
from hq.mail import Mail

_DIRECTIONS = {
    Direction.UP: "dg_up",
    Direction.DOWN: "dg_down",
    Direction.NOISE: "dg_noise",
    Direction.TOO_FEW: "dg_too_few",
}
_VERDICTS = {
    Verdict.MET: "jv_met",
    Verdict.MISSED: "jv_missed",
    Verdict.UNCLEAR: "jv_unclear",
    Verdict.NO_ANSWERS: "jv_no_answers",
}


@dataclass(frozen=True)
class Words:
    """What the digest says, in one language."""

    lang: str
    t: Mapping[str, str]

    def num(self, value: float | None, digits: int = 1) -> str:
        return webtexts.number(value, self.lang, digits)

    def count(self, value: int) -> str:
        return webtexts.count(value, self.lang)

    def signed(self, value: float | None, digits: int = 1) -> str:
        if value is None:
            return webtexts.number(None, self.lang)
        shown = webtexts.number(abs(value), self.lang, digits)
        return ("+" if value >= 0 else "−") + shown

    def scale(self, scale_id: str) -> str:
        return self.t.get(f"scale_{scale_id}", scale_id)

    def short_scale(self, scale_id: str) -> str:
        """The scale's name without its explanation: "CES 2.0"."""
        return self.scale(scale_id).split(" (")[0]

    # --- lines ------------------------------------------------------------------------------

    def week(self, d: Digest) -> str:
        return self.t["dg_week"].format(
            week=d.week.label, start=d.week.start.isoformat(), end=d.week.end.isoformat()
        )

    def recipient(self, d: Digest) -> str:
        who = d.recipient
        if who.stores is None:
            return self.t["dg_for_chain"].format(name=who.name)
        return self.t["dg_for_stores"].format(name=who.name, stores=", ".join(sorted(who.stores)))

    def section_title(self, s: Section) -> str:
        return s.label or self.t["dg_all_stores"]

    def easy(self, h: Headline) -> str:
        now = h.now
        if now.n == 0:
            return f"{self.scale(h.scale)}: {self.t['dg_no_answers']}"
        ci = now.easy_ci
        line = self.t["dg_easy"].format(
            pct=self.num(now.pct_easy),
            n=self.count(now.n),
            low=self.num(ci.low if ci else None),
            high=self.num(ci.high if ci else None),
        )
        if now.too_few:
            line = f"{line}: {self.t['too_few']}"
        return f"{self.scale(h.scale)}: {line}"

    def against_last_week(self, h: Headline) -> str:
        if h.before.n == 0:
            return self.t["dg_no_last_week"]
        before = self.t["dg_last_week"].format(
            pct=self.num(h.before.pct_easy), n=self.count(h.before.n)
        )
        if h.now.n == 0:
            return before
        return f"{before}; {self.change(h.pct_easy)}"

    def change(self, delta: Delta) -> str:
        points = self.t["dg_change"].format(change=self.signed(delta.change))
        return f"{points}, {self.t[_DIRECTIONS[delta.direction]]}"

    def target(self, stop: Stop) -> str:
        summary = stop.summary
        assert summary is not None
        return self.t["dg_target"].format(
            name=stop.touchpoint.name(self.lang),
            pct=self.num(summary.pct_easy),
            n=self.count(summary.n),
            scale=self.short_scale(summary.scale),
            target=stop.touchpoint.target,
            verdict=self.t[_VERDICTS[stop.verdict]],
        )

    def target_change(self, stop: Stop) -> str:
        if stop.change is None:
            return ""
        return self.t["dg_vs_last_week"].format(change=self.change(stop.change))

    def factor(self, d: Digest, top: TopFactor) -> str:
        p = top.priority
        return self.t["dg_factor"].format(
            scale=self.scale(top.scale),
            factor=d.factor(p.factor, self.lang),
            count=self.count(p.difficult),
            total=self.count(p.difficult_total),
            share=self.num(p.share, 0),
            low=self.num(p.share_ci.low, 0),
            high=self.num(p.share_ci.high, 0),
        )

    def comment_about(self, d: Digest, c: Comment) -> str:
        parts = [c.day.isoformat(), c.store_id, c.touchpoint]
        parts.append(
            self.t["dg_comment_score"].format(score=c.score, scale=self.short_scale(c.scale))
        )
        if c.factor:
            parts.append(d.factor(c.factor, self.lang))
        return " · ".join(parts)

    def comments_head(self, s: Section) -> str:
        return self.t["dg_comments_head"].format(total=self.count(s.comments_total))

    def action(self, a: ActionLine) -> str:
        where = ", ".join(a.stores) if a.stores else self.t["dg_every_store"]
        if a.points is None:
            effect = self.t["dg_no_effect"]
        else:
            effect = self.t["dg_effect"].format(
                scale=self.short_scale(a.scale or ""),
                points=self.signed(a.points),
                low=self.signed(a.low),
                high=self.signed(a.high),
                relative=self.signed(a.relative, 0),
            )
        running = f"; {self.t['dg_running']}" if a.running else ""
        return f"{a.title} ({where}): {effect}{running}"

    def participation(self, p: ParticipationLine) -> str:
        line = self.t["dg_part"].format(
            store=p.store_id,
            per_100=self.num(p.per_100),
            answers=self.count(p.answers),
            visitors=self.count(p.visitors),
        )
        return f"{line}: {self.t['dg_part_low']}" if p.too_low else line

    def participation_more(self, d: Digest) -> str:
        shown = len(d.participation)
        if shown >= d.participation_stores:
            return ""
        return self.t["dg_part_more"].format(shown=shown, total=d.participation_stores)


def words(lang: str) -> Words:
    return Words(lang, webtexts.text(lang))


def subject(d: Digest, lang: str = "en") -> str:
    t = webtexts.text(lang)
    if d.recipient.stores is None:
        return t["dg_subject"].format(week=d.week.label)
    return t["dg_subject_stores"].format(
        week=d.week.label, stores=", ".join(sorted(d.recipient.stores))
    )


def link(public_url: str, section: Section) -> str:
    """The dashboard's overview for the section's week and store."""
    return f"{public_url.rstrip('/')}/?{section.query}"


def text(d: Digest, public_url: str, lang: str = "en") -> str:
    w = words(lang)
    t = w.t
    out = [f"{t['dg_title']} · {w.week(d)}", w.recipient(d), ""]
    for s in d.sections:
        title = w.section_title(s)
        out += [title, "=" * len(title), ""]
        out.append(t["dg_easy_head"])
        if not s.headlines:
            out.append(f"  {t['dg_no_answers']}")
        for h in s.headlines:
            out.append(f"  {w.easy(h)}")
            out.append(f"    {w.against_last_week(h)}")
        out += ["", t["dg_targets_head"]]
        if not s.touchpoints:
            out.append(f"  {t['dg_no_targets']}")
        for stop in s.touchpoints:
            out.append(f"  {w.target(stop)}")
            if stop.change is not None:
                out.append(f"    {w.target_change(stop)}")
        out += ["", t["dg_factor_head"]]
        if not s.top_factors:
            out.append(f"  {t['dg_no_factor']}")
        out += [f"  {w.factor(d, top)}" for top in s.top_factors]
        out += ["", w.comments_head(s)]
        if not s.comments:
            out.append(f"  {t['dg_no_comments']}")
        for c in s.comments:
            out.append(f"  {w.comment_about(d, c)}")
            out.append(f"    “{c.text}”")
        out += ["", f"{t['dg_open']}: {link(public_url, s)}", ""]
    out += [t["dg_actions_head"], "=" * len(t["dg_actions_head"])]
    if not d.actions:
        out.append(f"  {t['dg_no_actions']}")
    out += [f"  {w.action(a)}" for a in d.actions]
    out += ["", t["dg_part_head"], "=" * len(t["dg_part_head"])]
    if not d.participation:
        out.append(f"  {t['dg_part_none']}")
    out += [f"  {w.participation(p)}" for p in d.participation]
    more = w.participation_more(d)
    if more:
        out.append(f"  ({more})")
    out.append("")
    out += ["-- ", t["dg_footer"]]
    return "\n".join(out) + "\n"


def html(d: Digest, public_url: str, lang: str = "en") -> str:
    return (
        templates()
        .get_template("digest.html")
        .render(
            d=d, w=words(lang), t=webtexts.text(lang), lang=lang, link=lambda s: link(public_url, s)
        )
    )


def mail(d: Digest, public_url: str, lang: str = "en") -> Mail:
    """The digest as a message to its recipient (who must have an e-mail address)."""
    assert d.recipient.email is not None
    return Mail(
        to=(d.recipient.email,),
        subject=subject(d, lang),
        text=text(d, public_url, lang),
        html=html(d, public_url, lang),
    )
