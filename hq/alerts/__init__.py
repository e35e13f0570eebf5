"""Alerts: rules that watch the answers and the kiosks, the alerts they raise, and their
delivery by e-mail and webhook (issue 15).

- ``rules``: what a rule is, checked (kinds, scopes, settings, channels);
- ``checks``: what each kind finds at a moment, per subject;
- ``inbox``: ``evaluate(db, now)``: open, count and close alerts (one open per rule and
  subject, a cool-down, quiet hours), and what the dashboard lists and acknowledges;
- ``delivery``: e-mail and webhook bodies (plain JSON, Slack, Teams) and their sending,
  retried with a back-off;
- ``job``: the scheduled job `ces-hq serve` runs every few minutes.
"""
