"""The HQ dashboard: server-rendered pages (Jinja2) over hq.dashboard.insights.

Every page and export needs an HQ user's session (a cookie from /login); kiosk tokens open
nothing here. Charts are drawn by Chart.js, shipped in assets/hq/static, from numbers the
page also shows as a table. Forms that change something carry the session's CSRF token.
"""
