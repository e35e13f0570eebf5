"""The dashboard's words, in English and Dutch, and how numbers are written in each."""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("en", "nl")

EN: dict[str, str] = {
    # The participation page (hq.footfall) and the stores page (hq.storeinfo).
    "nav_participation": "Participation",
    "nav_stores": "Stores",
    "pa_intro": (
        "Answers per 100 visitors, per store and day, for the stores whose door-counter "
        "footfall was loaded (ces-hq footfall import). Under {min} answer per 100 visitors "
        "the few who answer are those with something to say, not the store's shoppers: such "
        "days are marked too low to trust."
    ),
    "pa_none": (
        "No footfall for these stores and days. Load door-counter figures with: ces-hq "
        "footfall import FILE.csv"
    ),
    "pa_low_count": (
        "On {count} store days fewer than {min} in 100 visitors answered: their figures are "
        "not to be trusted."
    ),
    "pa_by_store": "Per store over the range",
    "pa_by_day": "Per store and day",
    "pa_only_low": (
        "There are {count} store days: {shown} listed here are those too low to trust. Choose "
        "a store or region, or fewer days, to see every day."
    ),
    "pa_store": "Store",
    "pa_day": "Day",
    "pa_days": "Days with footfall",
    "pa_answers": "Answers",
    "pa_visitors": "Visitors",
    "pa_per_100": "Answers per 100 visitors",
    "pa_note": "Note",
    "pa_too_low": "too low to trust",
    "pa_no_visitors": "no visitors counted",
    "st_intro": (
        "Every store's name, region, time zone and weekly opening hours in its time zone. "
        "Kiosks take no answers outside opening hours; a store without hours counts as always "
        "open."
    ),
    "st_intro_read": (
        "Every store's name, region, time zone and weekly opening hours in its time zone. "
        "Only an admin can change them."
    ),
    "st_none": (
        "No stores yet: they appear when a kiosk is added for them or with ces-hq store set."
    ),
    "st_store": "Store",
    "st_name": "Name",
    "st_region": "Region",
    "st_zone": "Time zone",
    "st_hours": "Opening hours",
    "st_chain_zone": "the chain's ({zone})",
    "st_always_open": "no hours set (always open)",
    "st_edit": "Edit",
    "st_edit_title": "Store {store}",
    "st_zone_help": "An IANA time zone such as Europe/Brussels; empty: the chain's ({zone}).",
    "st_hours_help": (
        "Days, then times or 'closed', parts separated by ';': mon-fri 09:00-21:00; sat "
        "09:00-12:00,13:00-18:00; sun closed. Empty: always open."
    ),
    "st_save": "Save",
    "st_cancel": "Cancel",
    "st_saved": "The store was saved; its kiosks get the new hours with their next configuration.",
    "st_not_saved": "Not saved",
    "st_p_region": "the region is not an id (letters, digits, '_' or '-', at most 64)",
    "st_p_name": "a store name is at most 128 printable characters",
    "st_p_zone": "{zone} is not a time zone; use an IANA name such as Europe/Amsterdam",
    "st_p_too_long": "the opening hours are longer than {n} characters",
    "st_p_control": "the opening hours contain control characters",
    "st_p_too_many": "the opening hours have too many time ranges",
    "st_p_days_hours": (
        "opening hours {part}: give days and then times or 'closed', e.g. 'mon-fri 09:00-17:00'"
    ),
    "st_p_twice": "opening hours {part}: {day} is named twice",
    "st_p_day": "opening hours {part}: {item} is not a day or day range (mon..sun, ma..zo)",
    "st_p_range": "opening hours {part}: {item} is not a time range (hh:mm-hh:mm) or 'closed'",
    "st_p_midnight": "opening hours {part}: 24:00 can only end a range",
    "st_p_backwards": (
        "opening hours {part}: {item} ends before it starts; past midnight, split it at 24:00 "
        "over two days"
    ),
    "st_p_overlap": "opening hours {part}: time ranges overlap",
    "st_p_time": "opening hours {part}: {item} is not a time (hh:mm)",
    "st_p_time_of_day": "opening hours {part}: {item} is not a time of day (00:00-24:00)",
    # The weekly digest e-mail (hq.digest_render).
    "dg_subject": "Effortless weekly digest {week}",
    "dg_subject_stores": "Effortless weekly digest {week}: {stores}",
    "dg_title": "Weekly digest",
    "dg_week": "Week {week}, {start} to {end}",
    "dg_for_stores": "For {name}, store manager of {stores}",
    "dg_for_chain": "For {name}, analyst: every store",
    "dg_all_stores": "All stores",
    "dg_easy_head": "% easy this week against last week",
    "dg_easy": "{pct}% easy (n = {n}; 95% interval {low} to {high})",
    "dg_last_week": "last week {pct}% (n = {n})",
    "dg_no_last_week": "no answers last week",
    "dg_change": "{change} points",
    "dg_up": "up, beyond noise",
    "dg_down": "down, beyond noise",
    "dg_noise": "within noise",
    "dg_too_few": "too few answers to compare",
    "dg_no_answers": "No answers this week.",
    "dg_targets_head": "Touchpoints against their targets",
    "dg_target": "{name}: {pct}% easy (n = {n}, {scale}), target {target}%: {verdict}",
    "dg_no_targets": "No journey touchpoint had answers this week.",
    "dg_vs_last_week": "against last week: {change}",
    "dg_factor_head": "Top factor among difficult answers",
    "dg_factor": (
        "{scale}: {factor}, named in {count} of {total} difficult answers "
        "({share}%; 95% interval {low} to {high}%)"
    ),
    "dg_no_factor": "No difficult answer named a factor this week.",
    "dg_comments_head": "New difficult comments ({total} this week, newest first)",
    "dg_no_comments": "No difficult answer left a comment this week.",
    "dg_comment_score": "{score} on {scale}",
    "dg_open": "Open in the dashboard",
    "dg_actions_head": "Actions in progress",
    "dg_no_actions": "No action in progress.",
    "dg_effect": (
        "{points} points of % easy against comparable stores (95% interval {low} to "
        "{high}; {relative}% relative; {scale})"
    ),
    "dg_no_effect": "no effect measured yet",
    "dg_running": "still running",
    "dg_every_store": "every store",
    "dg_part_head": "Participation (answers per 100 visitors)",
    "dg_part": "{store}: {per_100} per 100 visitors ({answers} answers, {visitors} visitors)",
    "dg_part_low": "too low to trust the figures",
    "dg_part_more": "{shown} of {total} stores shown, those too low first",
    "dg_part_none": "No visitor counts for this week.",
    "dg_footer": (
        "You get this e-mail as a user of Effortless HQ with an e-mail address. Every figure "
        "is per scale with its number of answers (n), never averaged across scales; "
        "intervals are 95%."
    ),
    "title": "Effortless HQ",
    "nav_overview": "Overview",
    "nav_factors": "Factors",
    "nav_priorities": "Priorities",
    "nav_trend": "Trend",
    "nav_compare": "Side by side",
    "nav_actions": "Actions",
    "nav_fleet": "Fleet",
    "nav_comments": "Comments",
    # --- alerts (hq.dashboard.routes.alerts) ---
    "nav_alerts": "Alerts",
    "al_intro": (
        "Alerts raised by the rules below: % easy dropping beyond noise, runs of difficult "
        "answers, silent kiosks and kiosks failing to sync. An alert stays open while its "
        "condition holds and closes by itself when it clears."
    ),
    "al_open_count": "Open alerts: {n}",
    "al_none": "No alerts.",
    "al_open": "open",
    "al_closed": "closed {at}",
    "al_opened": "opened {at}",
    "al_seen": "seen {n} times, last {at}",
    "al_rule": "Rule",
    "al_channel_email": "e-mail",
    "al_channel_webhook": "webhook",
    "al_delivery_pending": "waiting",
    "al_delivery_sent": "sent",
    "al_delivery_failed": "failed",
    "al_delivery_skipped": "not sent (no e-mail server)",
    "al_acknowledge": "Acknowledge",
    "al_acknowledged": "Alert acknowledged.",
    "al_acknowledged_by": "Acknowledged by {user} at {at}",
    "al_times_utc": "Times are UTC.",
    "al_no_such_alert": "No such alert.",
    "al_no_such_rule": "No such rule.",
    "al_rules_forbidden": "Only admins and analysts manage alert rules.",
    "al_rules": "Rules",
    "al_no_rules": "No rules yet: add one below.",
    "al_rule_name": "Name",
    "al_kind": "Kind",
    "al_kind_easy_below_target": "% easy below the target",
    "al_kind_easy_below_baseline": "% easy below the store's own baseline",
    "al_kind_difficult_run": "A run of difficult answers",
    "al_kind_kiosk_silent": "A kiosk silent while open",
    "al_kind_kiosk_sync": "A kiosk not seen or failing to sync",
    "al_scope": "Scope",
    "al_scope_id": "Region, store or touchpoint id",
    "al_scope_chain": "The whole chain",
    "al_scope_region": "A region",
    "al_scope_store": "A store",
    "al_scope_touchpoint": "A touchpoint",
    "al_settings": "Settings",
    "al_settings_hint": (
        "Empty: the default shown. window_days, baseline_weeks, confidence and min_n for % easy; "
        "k and minutes for a run; history_weeks and min_minutes for silence; minutes for sync."
    ),
    "al_sends_to": "Sends to",
    "al_inbox_only": "this inbox only",
    "al_emails": "E-mail addresses (separated by spaces or commas)",
    "al_webhook": "Webhook URL (https://)",
    "al_webhook_format": "Webhook format",
    "al_quiet_hours": "Quiet hours (HH:MM-HH:MM, the store's clock)",
    "al_switch_col": "On or off",
    "al_cooldown": "Cool-down after an alert closes (minutes)",
    "al_add_rule": "Add rule",
    "al_rule_added": "Rule added.",
    "al_rule_enabled": "Rule switched on.",
    "al_rule_disabled": "Rule switched off.",
    "al_rule_removed": "Rule removed, with its alerts.",
    "al_enable": "Switch on",
    "al_disable": "Switch off",
    "al_remove": "Remove",
    "log_out": "Log out",
    "logged_in_as": "Logged in as",
    "login_title": "Log in to Effortless HQ",
    "user": "User name",
    "password": "Password",
    "log_in": "Log in",
    "login_wrong": "Wrong user name or password.",
    "login_locked": "Too many wrong passwords: try again after {until} UTC.",
    "login_throttled": (
        "Too many login attempts from your address: try again in {seconds} seconds."
    ),
    "login_busy": "HQ is checking many passwords right now: try again in a moment.",
    "f_from": "From",
    "f_to": "To",
    "f_store": "Store",
    "f_region": "Region",
    "f_touchpoint": "Touchpoint",
    "f_survey": "Survey",
    "f_version": "Version",
    "f_version_about": "A version of the survey chosen (choose a survey first); empty: every version",
    "f_all": "all",
    "f_apply": "Apply",
    "f_label": "Filters",
    "f_reset": "Reset",
    "export_csv": "Export CSV",
    "export_json": "Export JSON",
    "export_minimised": "Without the kiosk, every time rounded down to the hour",
    "export_full": "Full, with kiosk and exact times:",
    "days_local": "Days are each store's local days ({zone}).",
    "days_local_own": "Days are each store's local days ({zone}; some stores have their own time zone).",
    "bad_filter": "This filter cannot be used",
    "field_from": "from",
    "field_to": "to",
    "field_store": "store",
    "field_region": "region",
    "field_touchpoint": "touchpoint",
    "field_survey": "survey",
    "filter_date_format": "expected a date as YYYY-MM-DD",
    "filter_outside": "{day} is outside {first} .. {last}",
    "filter_before_from": "{end} is before from ({start})",
    "filter_too_long": "the range is longer than {days} days",
    "filter_bad_id": "not a valid id (letters, digits, '_' or '-', at most 64)",
    "filter_choice": "expected {allowed}",
    "field_version": "version",
    "filter_version_format": "expected a version number (1 or more)",
    "filter_version_survey": "choose a survey for a version",
    "pooled": "pools versions {versions} of {survey} — choose one:",
    "pooled_differs": (
        "pools versions {versions} of {survey}, which ask the question in different words — "
        "choose one:"
    ),
    "pooled_version": "version {version}",
    "and": "and",
    "field_rapid": "rapid answers",
    "field_timeouts": "timeouts",
    "counted_rapid_out": "{n} rapid answers left out",
    "counted_rapid_in": "{n} rapid answers counted",
    "counted_timeouts_in": "{n} timeouts counted",
    "counted_timeouts_out": "{n} timeouts left out",
    "counted_include": "include them",
    "a_counted": "Before and after leave out rapid answers and count timeouts.",
    "counted_leave_out": "leave them out",
    "counted_about": (
        "Rapid: one of several surveys finished in quick succession, as when a child taps "
        "through. "
        "Timeout: a score, then the shopper walked away."
    ),
    "no_answers": "No answers match these filters.",
    "scale_ces7": "CES 2.0 (1-7, 7 = strongly agree it was easy)",
    "scale_ces5": "CES 1.0 (1-5, 1 = very low effort)",
    "scale_smiley5": "Smileys (1-5, 5 = happiest)",
    "n": "n",
    "pct_easy": "% easy",
    "pct_difficult": "% difficult",
    "net_easy": "Net Easy",
    "mean": "Mean",
    "ci": "95% CI",
    "too_few": "too few answers",
    "too_few_long": "Fewer than {min} answers: read these figures as an indication only.",
    "ci_one_answer": "(one answer: too few for an interval)",
    "h_title": "This period against the one before",
    "h_periods": (
        "{start} – {end} ({days} days) against the {days} days just before: "
        "{prev_start} – {prev_end}, with the same filters."
    ),
    "h_before": "before",
    "h_up": "▲ up, beyond noise",
    "h_down": "▼ down, beyond noise",
    "h_noise": "no change beyond noise",
    "h_prev_too_few": "previous period: too few answers to compare",
    "h_now_too_few": "this period: too few answers to compare",
    "h_note": (
        "Changes in points, with their 95% CI. A change is marked ▲ or ▼ only when its "
        "interval leaves out 0 (% easy: Newcombe; Net Easy: the Bonett–Price adjusted "
        "estimates) and both periods have at least {min} answers."
    ),
    "distribution": "Distribution",
    "point": "Score",
    "label": "Label",
    "count": "Answers",
    "share": "Share",
    "band_easy": "easy",
    "band_neutral": "neutral",
    "band_difficult": "difficult",
    "factor": "Factor",
    "no_factor": "(no factor chosen)",
    "chosen": "Chosen",
    "pct_of_answers": "% of answers",
    "factors_intro": (
        "Per factor: how often shoppers chose it as what influenced their answer most, "
        "and how those shoppers found their visit."
    ),
    "priorities_intro": (
        "Factors ranked by the share of difficult answers that name them: fix the top one "
        "first. {total} difficult answers on this scale."
    ),
    "rank": "Rank",
    "share_of_difficult": "Share of difficult answers",
    "difficult_naming": "Difficult answers naming it",
    "pct_difficult_choosers": "Difficult among those who chose it",
    "pct_difficult_all": "Difficult among all answers",
    "ahead": "Ahead of the next?",
    "ahead_yes": "yes, clearly",
    "ahead_no": "not clearly (within noise)",
    "no_factor_named": "no factor named",
    "no_factor_named_note": (
        "{share}% of the difficult answers ({count} of {total}) name no factor: they are in "
        "the total but cannot be ranked (the last row), so the ranked shares leave them out."
    ),
    "no_difficult": "No difficult answers in this selection.",
    "trend_by": "Per",
    "by_week": "week",
    "by_day": "day",
    "period": "Period",
    "split_by": "Lines per",
    "split_top": (
        "The {count} stores with the most answers on this scale (filter by region for others)."
    ),
    "partial_days": "({days} of {length} days)",
    "partial_note": (
        "Weeks marked “(… of 7 days)” and drawn as hollow points are cut by the chosen "
        "range: they hold only those days' answers."
    ),
    "week_of": "week of",
    "compare_by": "Side by side per",
    "by_store": "store",
    "by_touchpoint": "touchpoint",
    "by_region": "region",
    "group": "Group",
    "no_region": "(no region)",
    "chart_top": "Chart: the {count} groups with the most answers; the table has all.",
    "actions_intro": (
        "Record an improvement. The dashboard compares % easy in the {days} days after its date "
        "with the {days} days before, on the same stores and touchpoint."
    ),
    "a_title": "What was improved",
    "a_stores": "Stores (none selected: every store)",
    "a_touchpoint": "Touchpoint",
    "a_date": "Date",
    "a_message": "“You said, we did” text for the kiosks (optional)",
    "a_message_lang": "Text ({lang})",
    "a_hint": "The kiosk puts “{prefix}:” before this text itself: do not type it.",
    "a_preview": "On the kiosk",
    "a_message_until": "Show until (default: 30 days)",
    "a_save": "Record action",
    "a_saved": "Action recorded.",
    "a_removed": "Action removed.",
    "a_remove": "Remove",
    "a_confirm_title": "Remove “{title}”?",
    "a_confirm_body": (
        "Its before and after figures leave this page, and kiosks stop showing its message. "
        "This cannot be undone."
    ),
    "a_confirm": "Yes, remove",
    "a_keep": "Keep it",
    "a_none": "No actions recorded yet.",
    "a_every_store": "every store",
    "a_no_survey_language": "none of HQ's surveys is in this language, so no kiosk would show it",
    "a_every_touchpoint": "every touchpoint",
    "a_markup": (
        "The message may not contain HTML tags such as <img> or entities such as &amp;: "
        "kiosks show it as plain text, exactly as typed."
    ),
    "scale": "Scale",
    "before": "Before",
    "after": "After",
    "change": "Change",
    "p_value": "p",
    "verdict": "Verdict",
    "v_better": "better, more than noise",
    "v_worse": "worse, more than noise",
    "v_noise": "no change beyond noise",
    "v_too_few": "too few answers to tell",
    "v_not_yet": "not started yet",
    "v_running": "still running (day {day} of {days}): no verdict until the {days} days are over",
    # Actions: owner, factor, status, and the effect against comparable stores (issue 15).
    "a_owner": "Owner",
    "a_no_owner": "no owner named",
    "a_factor": "Factor it addresses",
    "a_no_factor": "no factor named",
    "a_status": "Status",
    "status_planned": "planned",
    "status_in_progress": "in progress",
    "status_done": "done",
    "a_update": "Save",
    "a_updated": "Action updated.",
    "did_title": "Against comparable stores over the same weeks",
    "did_intro": (
        "Comparable stores: stores without this action with answers at the same touchpoint "
        "in both windows, and no other action of theirs dated inside them. Effect = the "
        "change in the action's stores minus the change in the comparable stores, so a "
        "season or a chain-wide campaign is not taken for the action's effect. The "
        "interval counts every answer as independent; answers in one store are alike, so "
        "with few stores it is narrower than it should be."
    ),
    "did_treated": "Action's stores",
    "did_control": "Comparable stores",
    "did_effect": "Effect",
    "did_relative": "Relative",
    "did_stores": "{count} stores",
    "did_one_store": "1 store",
    "did_relative_value": "% easy {value}%",
    "did_line": "Net of comparable stores: {points} pp {ci}, % easy {relative}",
    "did_no_control": "no comparable stores",
    "did_every_store": "every store has this action: none to compare with",
    "message_shown": "Message shown on kiosks until {until}",
    "by": "by",
    "fleet_intro": (
        "Every kiosk with its latest heartbeat. A kiosk is marked silent when its store and "
        "touchpoint usually get {expected} or more answers in the time since its last one."
    ),
    "k_store": "Store",
    "k_touchpoint": "Touchpoint",
    "k_status": "Status",
    "k_last_seen": "Last seen",
    "k_last_answer": "Last answer",
    "k_queue": "Queue",
    "k_oldest": "Oldest unsent",
    "k_version": "Version",
    "k_survey": "Survey",
    "k_survey_since": "since {when}",
    "k_move": "Move",
    "k_move_title": "Move this kiosk to another touchpoint",
    "k_moving": "moving from {touchpoint}: takes it with its next config",
    "mv_title": "Move kiosk {kiosk}",
    "mv_body": (
        "This kiosk at {store}, touchpoint {touchpoint}, gets the new touchpoint's survey with "
        "its next config. Answers it gave before stay filed under the touchpoint they were "
        "given at."
    ),
    "mv_to": "New touchpoint",
    "mv_confirm": "Move the kiosk",
    "mv_cancel": "Cancel",
    "mv_done": "Kiosk moved: it takes the new touchpoint with its next config.",
    "mv_err_no_kiosk": "There is no such kiosk.",
    "mv_err_bad_touchpoint": "That is not a touchpoint id.",
    "mv_err_unknown_touchpoint": "No journey or survey has that touchpoint.",
    "mv_err_revoked": "The kiosk is revoked.",
    "mv_err_same_touchpoint": "The kiosk is at that touchpoint already.",
    "k_warning": "Warning",
    "k_silent": "silent: usually {expected} answers since its last one",
    "k_error": "sync error",
    "k_redacted": "Scrubbed by HQ",
    "k_redacted_note": (
        "HQ removed personal data from {count} comment(s): this kiosk runs older software, "
        "update it"
    ),
    "k_rejected_note": (
        "{count} answer(s) rejected by HQ are kept aside on this kiosk (exportable on its "
        "manager screen)"
    ),
    "never": "never",
    "status_enrolled": "enrolled",
    "status_waiting": "waiting for enrolment",
    "status_revoked": "revoked",
    "silent_count": "{count} silent kiosk(s)",
    "no_kiosks": "No kiosks yet: add one with ces-hq kiosk add.",
    "c_search": "Contains",
    "c_band": "Answer",
    "c_all": "all",
    "c_when": "When (store's time)",
    "c_score": "Score",
    "c_comment": "Comment",
    "c_none": "No comments match.",
    "c_count": "Comments: {total}",
    "c_count_more": "Comments: more than {total}",
    "c_pages_more": "{pages} or more",
    "c_next": "Older",
    "c_prev": "Newer",
    "c_delete": "Delete comment",
    "c_delete_title": "Delete this comment?",
    "c_delete_body": (
        "Its text is removed from HQ for good; the answer and its score stay in the figures. "
        "The deletion is recorded in the audit log with your name, without the text. "
        "This cannot be undone."
    ),
    "c_delete_confirm": "Yes, delete the comment",
    "c_keep": "Keep it",
    "c_erased": "Comment deleted. The answer and its score stay in the figures.",
    "c_already_erased": "This comment had already been deleted.",
    "c_no_such": "No such comment: HQ has no answer with this id.",
    "error_title": "Something is not right",
    # The error page for a browser (hq.api.errors); an API client gets JSON.
    "error_not_found": "There is no page at {path}.",
    "error_method": "This page cannot be opened this way ({method}).",
    "error_other": "HQ could not answer this request (HTTP {status}).",
    "error_unavailable": "The database did not answer; try again in a moment.",
    "error_crash": "HQ failed to handle this request; it was logged as {request_id}.",
    "csrf": "This form has expired; reload the page and try again.",
    # Roles (hq.roles): who may see and change what, the users and audit pages.
    "admin_only": "Only an admin can open this page.",
    "no_such_store": "No such store.",
    "nav_users": "Users",
    "nav_audit": "Audit log",
    "role_admin": "Admin",
    "role_analyst": "Analyst",
    "role_store_manager": "Store manager",
    "u_intro": (
        "An admin manages users, journeys, surveys and kiosks and sees every store; an analyst "
        "sees every store's figures, comments and exports and records actions; a store manager "
        "sees only their own stores."
    ),
    "u_none": "No users yet.",
    "u_name": "User",
    "u_role": "Role",
    "u_stores": "Stores",
    "u_email": "E-mail",
    "u_save": "Save",
    "u_you": "you",
    "u_stores_hint": "store ids, e.g. s001, s002 (store managers)",
    "u_every_store": "every store",
    "u_no_store": "no store yet: sees nothing",
    "u_saved": "Saved.",
    "u_cli": "New users and passwords: ces-hq user add NAME --role ROLE on the HQ server.",
    "u_no_user": "No such user.",
    "u_err_role": "choose a role.",
    "u_err_store": "a store id has letters, digits, '_' or '-' (at most 64).",
    "u_err_stores_role": "only a store manager has stores of their own; other roles see every store.",
    "u_err_email": "not an e-mail address.",
    "u_err_last_admin": "this is the last admin: make another user an admin first.",
    "u_err_too_many": "too many stores.",
    "u_err_user": "no such user.",
    "u_err_value": "this cannot be saved.",
    "au_intro": "What admins changed, and every erasure and full export, newest first (the latest {limit}).",
    "au_none": "Nothing has been logged yet.",
    "au_at": "When",
    "au_actor": "Who",
    "au_action": "What",
    "au_count": "How many",
    "au_detail": "Detail",
    "a_own_stores": "choose one or more of your own stores for this action.",
    # The journeys page and the overview's journey view.
    "nav_journeys": "Journeys",
    "j_intro": (
        "A journey is a customer's way through the store, as its touchpoints in order; each "
        "touchpoint runs one survey against a target (% easy). The overview starts with them."
    ),
    "j_new": "New journey",
    "j_id": "Id",
    "j_id_hint": "lowercase letters, digits, _ or -; scripts use it (ces-hq journey)",
    "j_name_lang": "Name ({lang})",
    "j_add": "Add journey",
    "j_rename": "Save names",
    "j_remove": "Remove journey",
    "j_remove_title": "Remove the journey “{name}” and its touchpoints?",
    "j_new_tp": "Add a touchpoint",
    "j_tp": "Touchpoint",
    "j_tp_hint": "the id kiosks are enrolled for, e.g. in_store_purchase",
    "j_survey": "Survey",
    "j_target": "Target (% easy)",
    "j_tp_add": "Add touchpoint",
    "j_tp_save": "Save",
    "j_tp_remove": "Remove",
    "j_tp_remove_title": "Remove the touchpoint “{name}” from “{journey}”?",
    "j_tp_remove_body": "Its kiosks and answers stay; the journey view no longer shows it, "
    "and its kiosks get the newest version of their survey.",
    "j_remove_body": "Kiosks and answers stay; the journey view no longer shows the journey.",
    "j_remove_confirm": "Remove",
    "j_keep": "Keep it",
    "j_up": "Move up",
    "j_down": "Move down",
    "j_none": "No journeys yet.",
    "j_no_touchpoints": "No touchpoints yet.",
    "j_saved": "Saved.",
    "j_removed": "Removed.",
    "j_err_bad_id": (
        "“{value}” is not an id: lowercase letters, digits, _ or -, starting with a letter "
        "or digit, at most 64"
    ),
    "j_err_bad_locale": "unknown language “{locale}”",
    "j_err_name_long": "at most {max} characters",
    "j_err_name_unprintable": "printable characters only",
    "j_err_name_missing": "a name is needed",
    "j_err_bad_target": "a whole percentage from 1 to 100",
    "j_err_no_survey": "HQ serves no survey “{id}” (its surveys: {known})",
    "j_err_no_journey": "there is no journey “{id}”",
    "j_err_journey_exists": "there is a journey “{id}” already",
    "j_err_too_many_journeys": "at most {max} journeys",
    "j_err_touchpoint_exists": "touchpoint “{id}” is in journey “{journey}” already",
    "j_err_too_many_touchpoints": "at most {max} touchpoints in a journey",
    "j_err_bad_position": "a position from 1 to {count}",
    "j_err_no_touchpoint": "journey “{journey}” has no touchpoint “{id}”",
    "j_err_taken": "“{id}” was added by someone else just now",
    "jv_title": "Journeys",
    "jv_target": "target {target}%",
    "jv_met": "target met",
    "jv_missed": "target missed",
    "jv_unclear": "not distinguishable from the target",
    "jv_no_answers": "no answers",
    "jv_top_factor": "Most named when difficult: {factor} ({count} of {total})",
    "jv_no_factor": "No difficult answer named a factor",
    "jv_up": "up, beyond noise",
    "jv_down": "down, beyond noise",
    "jv_note": (
        "Met: the 95% interval of % easy lies at or above the target; missed: wholly below "
        "it; otherwise the answers cannot tell it from the target. An arrow marks a change "
        "beyond noise against the {days} days before."
    ),
    "jv_manage": "Manage journeys",
    # The survey editor: surveys and versions, a draft's form, its preview, publishing.
    "nav_surveys": "Surveys",
    "s_intro": (
        "A survey's published versions never change; to change a survey, edit its draft, "
        "preview it on every kiosk screen, then publish it to journey touchpoints."
    ),
    "s_none": "No surveys yet.",
    "s_new": "New survey",
    "s_edit": "Survey {id}, draft version {version}",
    "s_edit_intro": (
        "Checked by the same rules as on the kiosk when you save; a problem shows beside its field."
    ),
    "s_saved": "Draft saved.",
    "s_published": "Published.",
    "s_discarded": "Draft discarded.",
    "s_preview": "Preview",
    "s_open_col": "Open",
    "s_publish": "Publish",
    "s_run_at": "Run at touchpoints",
    "s_general": "General",
    "s_id": "Id",
    "s_id_hint": "lowercase letters, digits, _ or -; stored with every answer",
    "s_locales": "Languages",
    "s_default_locale": "Starts in",
    "s_scale": "Scale",
    "s_attract": "Attract screen",
    "s_attract_teaser": "a teaser; the first tap starts",
    "s_attract_question": "the question itself; the first tap answers",
    "s_idle": "Idle timeout (seconds)",
    "s_idle_hint": "from {low} to {high} seconds",
    "s_texts_hint": "Only the ticked languages are used; fill in each of them.",
    "s_teaser": "Teaser (empty: the kiosk's own)",
    "s_question": "Question",
    "s_why_prompt": "Follow-up question (why)",
    "s_factors": "Factors",
    "s_factors_hint": (
        "2 to {max} factors; leave a row empty for fewer. Labels at most {chars} characters; "
        "an uploaded icon is an SVG of at most {kb} KiB, and scripts, links and outside "
        "references are removed from it."
    ),
    "s_factor": "Factor {n}",
    "s_factor_id": "Id",
    "s_icon": "Icon",
    "s_uploaded_icon": "uploaded ({id})",
    "s_upload": "or upload an SVG",
    "s_removed": "Removed from the uploaded icon: {parts}",
    "s_comment": "Comment",
    "s_comment_on": "ask for a comment",
    "s_comment_max": "Longest comment (characters)",
    "s_comment_max_hint": "from {low} to {high}",
    "s_comment_prompt": "Comment question",
    "s_thanks": "Thank-you text",
    "s_save": "Save draft",
    "s_back": "Back to the surveys",
    "s_discard": "Discard this draft",
    "s_discard_title": "Discard the draft of {id} (version {version})?",
    "s_discard_body": "Its changes are lost; the published versions stay as they are.",
    "s_runs_at": "Runs at",
    "s_runs_nowhere": "Runs at no journey touchpoint.",
    "s_edit_draft": "Edit draft (version {version})",
    "s_new_draft": "New draft from the newest version",
    "s_version": "Version",
    "s_state": "State",
    "s_question_col": "Question",
    "s_running": "Runs at",
    "s_state_draft": "draft",
    "s_state_published": "published",
    "s_publish_title": "Publish {id} version {version}",
    "s_publish_intro": (
        "Choose the journey touchpoints that run this version. Their kiosks take it with "
        "their next configuration, between shoppers."
    ),
    "s_no_touchpoints": "There are no journey touchpoints yet: add them on the Journeys page.",
    "s_tp_runs": "(now: {survey})",
    "s_confirm_title": "Publish?",
    "s_confirm_final": "Version {version} is then published: it can no longer be changed.",
    "s_confirm_at": "It will run at:",
    "s_confirm_kiosks": "Their kiosks switch to it between shoppers.",
    "s_confirm_nowhere": "No touchpoint is chosen: it runs nowhere yet.",
    "s_confirm": "Yes, publish",
    "s_cancel": "Cancel",
    "s_preview_title": "Preview of {id} version {version}",
    "s_preview_intro": (
        "Every kiosk screen in each language, at 1280×800 and 800×1280, with the kiosk's "
        "font and sizes. Text that will not fit on the kiosk is marked in red. Texts in "
        "italics are the kiosk's own."
    ),
    "s_fit_problems": "Screens with text that will not fit on the kiosk: {n}",
    "s_fit_wide": "a word is too wide for its place ({width} px, room for {room} px)",
    "s_fit_lines": "{lines} lines, room for {room}",
    "s_fit_tall": "the screen's content is {height} px high, room for {room} px",
    "s_all_fits": "Every text fits on every screen.",
    "s_does_not_fit": "does not fit",
    "s_screen_attract": "Attract",
    "s_screen_question": "Question",
    "s_screen_why": "Why",
    "s_screen_comment": "Comment",
    "s_screen_thanks": "Thanks",
    "s_k_start": "tap to start",
    "s_k_skip": "skip",
    "s_k_send": "send",
    "s_k_type_here": "the shopper types here",
    "s_k_notice": "the kiosk's privacy notice · {n} characters left",
    "s_k_keyboard": "on-screen keyboard",
}

NL: dict[str, str] = {
    # The participation page (hq.footfall) and the stores page (hq.storeinfo).
    "nav_participation": "Deelname",
    "nav_stores": "Winkels",
    "pa_intro": (
        "Antwoorden per 100 bezoekers, per winkel en dag, voor de winkels waarvan "
        "bezoekersaantallen van de deurteller zijn ingelezen (ces-hq footfall import). Onder "
        "{min} antwoord per 100 bezoekers antwoorden vooral mensen die iets kwijt willen, "
        "niet de klanten van de winkel: zulke dagen zijn gemarkeerd als te laag om op te "
        "vertrouwen."
    ),
    "pa_none": (
        "Geen bezoekersaantallen voor deze winkels en dagen. Lees deurtellercijfers in met: "
        "ces-hq footfall import BESTAND.csv"
    ),
    "pa_low_count": (
        "Op {count} winkeldagen antwoordden minder dan {min} op de 100 bezoekers: hun cijfers "
        "zijn niet betrouwbaar."
    ),
    "pa_by_store": "Per winkel over de periode",
    "pa_by_day": "Per winkel en dag",
    "pa_only_low": (
        "Er zijn {count} winkeldagen: de {shown} die hier staan zijn die met een te lage "
        "deelname. Kies een winkel of regio, of minder dagen, om elke dag te zien."
    ),
    "pa_store": "Winkel",
    "pa_day": "Dag",
    "pa_days": "Dagen met bezoekersaantallen",
    "pa_answers": "Antwoorden",
    "pa_visitors": "Bezoekers",
    "pa_per_100": "Antwoorden per 100 bezoekers",
    "pa_note": "Opmerking",
    "pa_too_low": "te laag om op te vertrouwen",
    "pa_no_visitors": "geen bezoekers geteld",
    "st_intro": (
        "De naam, regio, tijdzone en wekelijkse openingstijden van elke winkel, in haar eigen "
        "tijdzone. Buiten de openingstijden nemen kiosken geen antwoorden aan; een winkel "
        "zonder openingstijden telt als altijd open."
    ),
    "st_intro_read": (
        "De naam, regio, tijdzone en wekelijkse openingstijden van elke winkel, in haar eigen "
        "tijdzone. Alleen een beheerder kan ze wijzigen."
    ),
    "st_none": (
        "Nog geen winkels: ze verschijnen zodra er een kiosk voor wordt toegevoegd of met "
        "ces-hq store set."
    ),
    "st_store": "Winkel",
    "st_name": "Naam",
    "st_region": "Regio",
    "st_zone": "Tijdzone",
    "st_hours": "Openingstijden",
    "st_chain_zone": "die van de keten ({zone})",
    "st_always_open": "geen openingstijden (altijd open)",
    "st_edit": "Wijzigen",
    "st_edit_title": "Winkel {store}",
    "st_zone_help": "Een IANA-tijdzone zoals Europe/Brussels; leeg: die van de keten ({zone}).",
    "st_hours_help": (
        "Dagen, dan tijden of 'gesloten', delen gescheiden door ';': ma-vr 09:00-21:00; za "
        "09:00-12:00,13:00-18:00; zo gesloten. Leeg: altijd open."
    ),
    "st_save": "Opslaan",
    "st_cancel": "Annuleren",
    "st_saved": (
        "De winkel is opgeslagen; de kiosken krijgen de nieuwe tijden met hun volgende "
        "configuratie."
    ),
    "st_not_saved": "Niet opgeslagen",
    "st_p_region": "de regio is geen geldige id (letters, cijfers, '_' of '-', hoogstens 64)",
    "st_p_name": "een winkelnaam is hoogstens 128 afdrukbare tekens",
    "st_p_zone": "{zone} is geen tijdzone; gebruik een IANA-naam zoals Europe/Amsterdam",
    "st_p_too_long": "de openingstijden zijn langer dan {n} tekens",
    "st_p_control": "de openingstijden bevatten stuurtekens",
    "st_p_too_many": "de openingstijden hebben te veel tijdvakken",
    "st_p_days_hours": (
        "openingstijden {part}: geef dagen en dan tijden of 'gesloten', bijvoorbeeld 'ma-vr "
        "09:00-17:00'"
    ),
    "st_p_twice": "openingstijden {part}: {day} staat er twee keer in",
    "st_p_day": "openingstijden {part}: {item} is geen dag of reeks dagen (ma..zo, mon..sun)",
    "st_p_range": "openingstijden {part}: {item} is geen tijdvak (uu:mm-uu:mm) of 'gesloten'",
    "st_p_midnight": "openingstijden {part}: 24:00 kan alleen een tijdvak afsluiten",
    "st_p_backwards": (
        "openingstijden {part}: {item} eindigt voor het begint; na middernacht: splits het op "
        "24:00 over twee dagen"
    ),
    "st_p_overlap": "openingstijden {part}: tijdvakken overlappen",
    "st_p_time": "openingstijden {part}: {item} is geen tijd (uu:mm)",
    "st_p_time_of_day": "openingstijden {part}: {item} is geen tijdstip van de dag (00:00-24:00)",
    # The weekly digest e-mail (hq.digest_render).
    "dg_subject": "Effortless weekoverzicht {week}",
    "dg_subject_stores": "Effortless weekoverzicht {week}: {stores}",
    "dg_title": "Weekoverzicht",
    "dg_week": "Week {week}, {start} tot en met {end}",
    "dg_for_stores": "Voor {name}, winkelmanager van {stores}",
    "dg_for_chain": "Voor {name}, analist: alle winkels",
    "dg_all_stores": "Alle winkels",
    "dg_easy_head": "% makkelijk deze week tegenover vorige week",
    "dg_easy": "{pct}% makkelijk (n = {n}; 95%-interval {low} tot {high})",
    "dg_last_week": "vorige week {pct}% (n = {n})",
    "dg_no_last_week": "vorige week geen antwoorden",
    "dg_change": "{change} punten",
    "dg_up": "gestegen, meer dan ruis",
    "dg_down": "gedaald, meer dan ruis",
    "dg_noise": "binnen de ruis",
    "dg_too_few": "te weinig antwoorden om te vergelijken",
    "dg_no_answers": "Geen antwoorden deze week.",
    "dg_targets_head": "Contactmomenten tegenover hun doel",
    "dg_target": "{name}: {pct}% makkelijk (n = {n}, {scale}), doel {target}%: {verdict}",
    "dg_no_targets": "Geen contactmoment van een klantreis had deze week antwoorden.",
    "dg_vs_last_week": "tegenover vorige week: {change}",
    "dg_factor_head": "Meest genoemde factor bij moeilijke antwoorden",
    "dg_factor": (
        "{scale}: {factor}, genoemd in {count} van {total} moeilijke antwoorden "
        "({share}%; 95%-interval {low} tot {high}%)"
    ),
    "dg_no_factor": "Geen moeilijk antwoord noemde deze week een factor.",
    "dg_comments_head": "Nieuwe moeilijke opmerkingen ({total} deze week, nieuwste eerst)",
    "dg_no_comments": "Geen moeilijk antwoord liet deze week een opmerking achter.",
    "dg_comment_score": "{score} op {scale}",
    "dg_open": "Openen in het dashboard",
    "dg_actions_head": "Lopende acties",
    "dg_no_actions": "Geen lopende actie.",
    "dg_effect": (
        "{points} punten % makkelijk tegenover vergelijkbare winkels (95%-interval {low} "
        "tot {high}; {relative}% relatief; {scale})"
    ),
    "dg_no_effect": "nog geen effect gemeten",
    "dg_running": "loopt nog",
    "dg_every_store": "alle winkels",
    "dg_part_head": "Deelname (antwoorden per 100 bezoekers)",
    "dg_part": "{store}: {per_100} per 100 bezoekers ({answers} antwoorden, {visitors} bezoekers)",
    "dg_part_low": "te laag om de cijfers te vertrouwen",
    "dg_part_more": "{shown} van {total} winkels getoond, de te lage eerst",
    "dg_part_none": "Geen bezoekersaantallen voor deze week.",
    "dg_footer": (
        "U krijgt deze e-mail als gebruiker van Effortless HQ met een e-mailadres. Elk cijfer "
        "hoort bij één schaal met zijn aantal antwoorden (n), nooit gemiddeld over schalen; "
        "intervallen zijn 95%."
    ),
    "title": "Effortless HQ",
    "nav_overview": "Overzicht",
    "nav_factors": "Factoren",
    "nav_priorities": "Prioriteiten",
    "nav_trend": "Verloop",
    "nav_compare": "Naast elkaar",
    "nav_actions": "Acties",
    "nav_fleet": "Kiosken",
    "nav_comments": "Opmerkingen",
    # --- meldingen (hq.dashboard.routes.alerts) ---
    "nav_alerts": "Meldingen",
    "al_intro": (
        "Meldingen van de regels hieronder: % makkelijk dat meer daalt dan toeval verklaart, "
        "reeksen moeilijke antwoorden, stille kiosken en kiosken die niet synchroniseren. Een "
        "melding blijft open zolang de situatie aanhoudt en sluit vanzelf als die voorbij is."
    ),
    "al_open_count": "Open meldingen: {n}",
    "al_none": "Geen meldingen.",
    "al_open": "open",
    "al_closed": "gesloten {at}",
    "al_opened": "geopend {at}",
    "al_seen": "{n} keer gezien, laatst {at}",
    "al_rule": "Regel",
    "al_channel_email": "e-mail",
    "al_channel_webhook": "webhook",
    "al_delivery_pending": "wacht",
    "al_delivery_sent": "verstuurd",
    "al_delivery_failed": "mislukt",
    "al_delivery_skipped": "niet verstuurd (geen e-mailserver)",
    "al_acknowledge": "Gezien",
    "al_acknowledged": "Melding als gezien gemarkeerd.",
    "al_acknowledged_by": "Gezien door {user} om {at}",
    "al_times_utc": "Tijden in UTC.",
    "al_no_such_alert": "Deze melding bestaat niet.",
    "al_no_such_rule": "Deze regel bestaat niet.",
    "al_rules_forbidden": "Alleen beheerders en analisten beheren meldingsregels.",
    "al_rules": "Regels",
    "al_no_rules": "Nog geen regels: voeg er hieronder een toe.",
    "al_rule_name": "Naam",
    "al_kind": "Soort",
    "al_kind_easy_below_target": "% makkelijk onder het doel",
    "al_kind_easy_below_baseline": "% makkelijk onder het eigen niveau van de winkel",
    "al_kind_difficult_run": "Een reeks moeilijke antwoorden",
    "al_kind_kiosk_silent": "Een kiosk stil terwijl de winkel open is",
    "al_kind_kiosk_sync": "Een kiosk niet gezien of synchroniseert niet",
    "al_scope": "Bereik",
    "al_scope_id": "Id van regio, winkel of contactmoment",
    "al_scope_chain": "De hele keten",
    "al_scope_region": "Een regio",
    "al_scope_store": "Een winkel",
    "al_scope_touchpoint": "Een contactmoment",
    "al_settings": "Instellingen",
    "al_settings_hint": (
        "Leeg: de getoonde standaard. window_days, baseline_weeks, confidence en min_n voor "
        "% makkelijk; k en minutes voor een reeks; history_weeks en min_minutes voor stilte; "
        "minutes voor synchronisatie."
    ),
    "al_sends_to": "Stuurt naar",
    "al_inbox_only": "alleen deze inbox",
    "al_emails": "E-mailadressen (gescheiden door spaties of komma's)",
    "al_webhook": "Webhook-URL (https://)",
    "al_webhook_format": "Webhook-formaat",
    "al_quiet_hours": "Stille uren (UU:MM-UU:MM, klok van de winkel)",
    "al_switch_col": "Aan of uit",
    "al_cooldown": "Afkoeltijd nadat een melding sluit (minuten)",
    "al_add_rule": "Regel toevoegen",
    "al_rule_added": "Regel toegevoegd.",
    "al_rule_enabled": "Regel aangezet.",
    "al_rule_disabled": "Regel uitgezet.",
    "al_rule_removed": "Regel verwijderd, met zijn meldingen.",
    "al_enable": "Aanzetten",
    "al_disable": "Uitzetten",
    "al_remove": "Verwijderen",
    "log_out": "Uitloggen",
    "logged_in_as": "Ingelogd als",
    "login_title": "Inloggen bij Effortless HQ",
    "user": "Gebruikersnaam",
    "password": "Wachtwoord",
    "log_in": "Inloggen",
    "login_wrong": "Onjuiste gebruikersnaam of wachtwoord.",
    "login_locked": "Te vaak een onjuist wachtwoord: probeer het na {until} UTC opnieuw.",
    "login_throttled": (
        "Te veel inlogpogingen vanaf uw adres: probeer het over {seconds} seconden opnieuw."
    ),
    "login_busy": "HQ controleert nu veel wachtwoorden: probeer het zo dadelijk opnieuw.",
    "f_from": "Van",
    "f_to": "Tot en met",
    "f_store": "Winkel",
    "f_region": "Regio",
    "f_touchpoint": "Contactmoment",
    "f_survey": "Vragenlijst",
    "f_version": "Versie",
    "f_version_about": "Een versie van de gekozen vragenlijst (kies eerst een vragenlijst); leeg: elke versie",
    "f_all": "alle",
    "f_apply": "Toepassen",
    "f_label": "Filters",
    "f_reset": "Herstellen",
    "export_csv": "Exporteer CSV",
    "export_json": "Exporteer JSON",
    "export_minimised": "Zonder de kiosk, elke tijd afgerond naar beneden op het uur",
    "export_full": "Volledig, met kiosk en exacte tijden:",
    "days_local": "Dagen zijn de lokale dagen van elke winkel ({zone}).",
    "days_local_own": "Dagen zijn de lokale dagen van elke winkel ({zone}; sommige winkels hebben een eigen tijdzone).",
    "bad_filter": "Dit filter kan niet gebruikt worden",
    "field_from": "van",
    "field_to": "tot en met",
    "field_store": "winkel",
    "field_region": "regio",
    "field_touchpoint": "contactmoment",
    "field_survey": "vragenlijst",
    "filter_date_format": "verwacht een datum als JJJJ-MM-DD",
    "filter_outside": "{day} ligt buiten {first} .. {last}",
    "filter_before_from": "{end} ligt vóór van ({start})",
    "filter_too_long": "de periode is langer dan {days} dagen",
    "filter_bad_id": "geen geldige id (letters, cijfers, '_' of '-', hoogstens 64)",
    "filter_choice": "verwacht {allowed}",
    "field_version": "versie",
    "filter_version_format": "verwacht een versienummer (1 of meer)",
    "filter_version_survey": "kies een vragenlijst voor een versie",
    "pooled": "voegt versies {versions} van {survey} samen — kies er één:",
    "pooled_differs": (
        "voegt versies {versions} van {survey} samen, die de vraag anders formuleren — kies er één:"
    ),
    "pooled_version": "versie {version}",
    "and": "en",
    "field_rapid": "snelle antwoorden",
    "field_timeouts": "time-outs",
    "counted_rapid_out": "{n} snelle antwoorden weggelaten",
    "counted_rapid_in": "{n} snelle antwoorden meegeteld",
    "counted_timeouts_in": "{n} time-outs meegeteld",
    "counted_timeouts_out": "{n} time-outs weggelaten",
    "counted_include": "tel ze mee",
    "a_counted": "Voor en na laten snelle antwoorden weg en tellen time-outs mee.",
    "counted_leave_out": "laat ze weg",
    "counted_about": (
        "Snel: een van meerdere vragenlijsten vlak na elkaar ingevuld, zoals wanneer een "
        "kind erdoorheen tikt. Time-out: een score, daarna liep de klant weg."
    ),
    "no_answers": "Geen antwoorden bij deze filters.",
    "scale_ces7": "CES 2.0 (1-7, 7 = helemaal mee eens dat het makkelijk was)",
    "scale_ces5": "CES 1.0 (1-5, 1 = heel weinig moeite)",
    "scale_smiley5": "Smileys (1-5, 5 = blijste gezicht)",
    "n": "n",
    "pct_easy": "% makkelijk",
    "pct_difficult": "% moeilijk",
    "net_easy": "Net Easy",
    "mean": "Gemiddelde",
    "ci": "95%-BI",
    "too_few": "te weinig antwoorden",
    "too_few_long": "Minder dan {min} antwoorden: lees deze cijfers alleen als indicatie.",
    "ci_one_answer": "(één antwoord: te weinig voor een interval)",
    "h_title": "Deze periode tegenover de vorige",
    "h_periods": (
        "{start} – {end} ({days} dagen) tegenover de {days} dagen ervoor: "
        "{prev_start} – {prev_end}, met dezelfde filters."
    ),
    "h_before": "vorige",
    "h_up": "▲ gestegen, meer dan ruis",
    "h_down": "▼ gedaald, meer dan ruis",
    "h_noise": "geen verschil buiten de ruis",
    "h_prev_too_few": "vorige periode: te weinig antwoorden om te vergelijken",
    "h_now_too_few": "deze periode: te weinig antwoorden om te vergelijken",
    "h_note": (
        "Verschillen in punten, met hun 95%-BI. Een verschil krijgt alleen ▲ of ▼ als dat "
        "interval 0 uitsluit (% makkelijk: Newcombe; Net Easy: de aangepaste schattingen van "
        "Bonett–Price) en beide perioden minstens {min} antwoorden hebben."
    ),
    "distribution": "Verdeling",
    "point": "Score",
    "label": "Omschrijving",
    "count": "Antwoorden",
    "share": "Aandeel",
    "band_easy": "makkelijk",
    "band_neutral": "neutraal",
    "band_difficult": "moeilijk",
    "factor": "Factor",
    "no_factor": "(geen factor gekozen)",
    "chosen": "Gekozen",
    "pct_of_answers": "% van de antwoorden",
    "factors_intro": (
        "Per factor: hoe vaak klanten hem kozen als wat hun antwoord het meest beïnvloedde, "
        "en hoe die klanten hun bezoek vonden."
    ),
    "priorities_intro": (
        "Factoren gerangschikt naar het aandeel van de moeilijke antwoorden dat ze noemt: pak "
        "de bovenste eerst aan. {total} moeilijke antwoorden op deze schaal."
    ),
    "rank": "Rang",
    "share_of_difficult": "Aandeel van de moeilijke antwoorden",
    "difficult_naming": "Moeilijke antwoorden die hem noemen",
    "pct_difficult_choosers": "Moeilijk bij wie hem koos",
    "pct_difficult_all": "Moeilijk bij alle antwoorden",
    "ahead": "Duidelijk boven de volgende?",
    "ahead_yes": "ja, duidelijk",
    "ahead_no": "niet duidelijk (binnen de ruis)",
    "no_factor_named": "geen factor genoemd",
    "no_factor_named_note": (
        "{share}% van de moeilijke antwoorden ({count} van {total}) noemt geen factor: ze tellen "
        "mee in het totaal maar krijgen geen rang (de laatste rij), dus de aandelen van de "
        "factoren laten ze weg."
    ),
    "no_difficult": "Geen moeilijke antwoorden in deze selectie.",
    "trend_by": "Per",
    "by_week": "week",
    "by_day": "dag",
    "period": "Periode",
    "split_by": "Lijnen per",
    "split_top": (
        "De {count} winkels met de meeste antwoorden op deze schaal (filter op regio voor andere)."
    ),
    "partial_days": "({days} van {length} dagen)",
    "partial_note": (
        "Weken gemarkeerd met “(… van 7 dagen)” en getekend als open punten worden door het "
        "gekozen bereik afgesneden: ze bevatten alleen de antwoorden van die dagen."
    ),
    "week_of": "week van",
    "compare_by": "Naast elkaar per",
    "by_store": "winkel",
    "by_touchpoint": "contactmoment",
    "by_region": "regio",
    "group": "Groep",
    "no_region": "(geen regio)",
    "chart_top": "Grafiek: de {count} groepen met de meeste antwoorden; de tabel heeft ze allemaal.",
    "actions_intro": (
        "Leg een verbetering vast. Het dashboard vergelijkt % makkelijk in de {days} dagen na de "
        "datum met de {days} dagen ervoor, bij dezelfde winkels en hetzelfde contactmoment."
    ),
    "a_title": "Wat is er verbeterd",
    "a_stores": "Winkels (geen gekozen: alle winkels)",
    "a_touchpoint": "Contactmoment",
    "a_date": "Datum",
    "a_message": "“U zei, wij deden”-tekst voor de kiosken (niet verplicht)",
    "a_message_lang": "Tekst ({lang})",
    "a_hint": "De kiosk zet zelf “{prefix}:” voor deze tekst: typ die niet.",
    "a_preview": "Op de kiosk",
    "a_message_until": "Tonen tot en met (standaard: 30 dagen)",
    "a_save": "Actie vastleggen",
    "a_saved": "Actie vastgelegd.",
    "a_removed": "Actie verwijderd.",
    "a_remove": "Verwijderen",
    "a_confirm_title": "“{title}” verwijderen?",
    "a_confirm_body": (
        "De cijfers van voor en na verdwijnen van deze pagina en kiosken tonen het bericht niet "
        "meer. Dit kan niet ongedaan worden gemaakt."
    ),
    "a_confirm": "Ja, verwijderen",
    "a_keep": "Behouden",
    "a_none": "Nog geen acties vastgelegd.",
    "a_every_store": "alle winkels",
    "a_no_survey_language": "geen vragenlijst van HQ is in deze taal, dus geen kiosk zou het tonen",
    "a_every_touchpoint": "alle contactmomenten",
    "a_markup": (
        "Het bericht mag geen HTML-tags zoals <img> of entiteiten zoals &amp; bevatten: "
        "kiosken tonen het als platte tekst, precies zoals getypt."
    ),
    "scale": "Schaal",
    "before": "Voor",
    "after": "Na",
    "change": "Verschil",
    "p_value": "p",
    "verdict": "Oordeel",
    "v_better": "beter, meer dan ruis",
    "v_worse": "slechter, meer dan ruis",
    "v_noise": "geen verschil buiten de ruis",
    "v_too_few": "te weinig antwoorden om te zeggen",
    "v_not_yet": "nog niet begonnen",
    "v_running": "loopt nog (dag {day} van {days}): geen oordeel voor de {days} dagen voorbij zijn",
    "a_owner": "Eigenaar",
    "a_no_owner": "geen eigenaar genoemd",
    "a_factor": "Factor die het aanpakt",
    "a_no_factor": "geen factor genoemd",
    "a_status": "Status",
    "status_planned": "gepland",
    "status_in_progress": "bezig",
    "status_done": "klaar",
    "a_update": "Opslaan",
    "a_updated": "Actie bijgewerkt.",
    "did_title": "Tegenover vergelijkbare winkels in dezelfde weken",
    "did_intro": (
        "Vergelijkbare winkels: winkels zonder deze actie met antwoorden bij hetzelfde "
        "contactmoment in beide periodes, en zonder eigen actie die erin valt. Effect = het "
        "verschil in de winkels van de actie min het verschil in de vergelijkbare winkels, "
        "zodat een seizoen of een landelijke campagne niet voor het effect van de actie "
        "wordt gehouden. Het interval telt elk antwoord als onafhankelijk; antwoorden in "
        "één winkel lijken op elkaar, dus met weinig winkels is het smaller dan het zou "
        "moeten zijn."
    ),
    "did_treated": "Winkels van de actie",
    "did_control": "Vergelijkbare winkels",
    "did_effect": "Effect",
    "did_relative": "Relatief",
    "did_stores": "{count} winkels",
    "did_one_store": "1 winkel",
    "did_relative_value": "% makkelijk {value}%",
    "did_line": "Na aftrek van vergelijkbare winkels: {points} pp {ci}, % makkelijk {relative}",
    "did_no_control": "geen vergelijkbare winkels",
    "did_every_store": "alle winkels hebben deze actie: niets om mee te vergelijken",
    "message_shown": "Bericht op de kiosken tot en met {until}",
    "by": "door",
    "fleet_intro": (
        "Elke kiosk met zijn laatste heartbeat. Een kiosk heet stil als zijn winkel en "
        "contactmoment sinds zijn laatste antwoord gewoonlijk {expected} of meer antwoorden krijgen."
    ),
    "k_store": "Winkel",
    "k_touchpoint": "Contactmoment",
    "k_status": "Status",
    "k_last_seen": "Laatst gezien",
    "k_last_answer": "Laatste antwoord",
    "k_queue": "Wachtrij",
    "k_oldest": "Oudste niet verzonden",
    "k_version": "Versie",
    "k_survey": "Enquête",
    "k_survey_since": "sinds {when}",
    "k_move": "Verplaatsen",
    "k_move_title": "Deze kiosk naar een ander contactmoment verplaatsen",
    "k_moving": "wordt verplaatst van {touchpoint}: met de volgende configuratie",
    "mv_title": "Kiosk {kiosk} verplaatsen",
    "mv_body": (
        "Deze kiosk in {store}, contactmoment {touchpoint}, krijgt de enquête van het nieuwe "
        "contactmoment met de volgende configuratie. Antwoorden van daarvoor blijven bij het "
        "contactmoment waar ze gegeven zijn."
    ),
    "mv_to": "Nieuw contactmoment",
    "mv_confirm": "Kiosk verplaatsen",
    "mv_cancel": "Annuleren",
    "mv_done": "Kiosk verplaatst: het nieuwe contactmoment geldt vanaf de volgende configuratie.",
    "mv_err_no_kiosk": "Die kiosk bestaat niet.",
    "mv_err_bad_touchpoint": "Dat is geen id van een contactmoment.",
    "mv_err_unknown_touchpoint": "Geen klantreis of enquête heeft dat contactmoment.",
    "mv_err_revoked": "De kiosk is ingetrokken.",
    "mv_err_same_touchpoint": "De kiosk staat al bij dat contactmoment.",
    "k_warning": "Waarschuwing",
    "k_silent": "stil: gewoonlijk {expected} antwoorden sinds het laatste",
    "k_error": "synchronisatiefout",
    "k_redacted": "Opgeschoond door HQ",
    "k_redacted_note": (
        "HQ haalde persoonsgegevens uit {count} opmerking(en): deze kiosk draait oudere "
        "software, werk hem bij"
    ),
    "k_rejected_note": (
        "{count} door HQ geweigerde antwoord(en) liggen apart op deze kiosk (te exporteren "
        "op zijn beheerscherm)"
    ),
    "never": "nooit",
    "status_enrolled": "aangemeld",
    "status_waiting": "wacht op aanmelding",
    "status_revoked": "ingetrokken",
    "silent_count": "{count} stille kiosk(en)",
    "no_kiosks": "Nog geen kiosken: voeg er een toe met ces-hq kiosk add.",
    "c_search": "Bevat",
    "c_band": "Antwoord",
    "c_all": "alle",
    "c_when": "Wanneer (tijd van de winkel)",
    "c_score": "Score",
    "c_comment": "Opmerking",
    "c_none": "Geen opmerkingen gevonden.",
    "c_count": "Opmerkingen: {total}",
    "c_count_more": "Opmerkingen: meer dan {total}",
    "c_pages_more": "{pages} of meer",
    "c_next": "Ouder",
    "c_prev": "Nieuwer",
    "c_delete": "Opmerking verwijderen",
    "c_delete_title": "Deze opmerking verwijderen?",
    "c_delete_body": (
        "De tekst verdwijnt definitief uit HQ; het antwoord en de score blijven in de cijfers. "
        "Het verwijderen komt met uw naam, zonder de tekst, in het auditlog. "
        "Dit kan niet ongedaan worden gemaakt."
    ),
    "c_delete_confirm": "Ja, opmerking verwijderen",
    "c_keep": "Behouden",
    "c_erased": "Opmerking verwijderd. Het antwoord en de score blijven in de cijfers.",
    "c_already_erased": "Deze opmerking was al verwijderd.",
    "c_no_such": "Deze opmerking bestaat niet: HQ heeft geen antwoord met dit id.",
    "error_title": "Er klopt iets niet",
    "error_not_found": "Er is geen pagina op {path}.",
    "error_method": "Deze pagina kan niet zo geopend worden ({method}).",
    "error_other": "HQ kon dit verzoek niet beantwoorden (HTTP {status}).",
    "error_unavailable": "De database antwoordde niet; probeer het zo nog eens.",
    "error_crash": "HQ kon dit verzoek niet afhandelen; het is gelogd als {request_id}.",
    "csrf": "Dit formulier is verlopen; laad de pagina opnieuw en probeer het nog eens.",
    # Rollen (hq.roles): wie wat mag zien en wijzigen, de pagina's gebruikers en auditlog.
    "admin_only": "Alleen een beheerder kan deze pagina openen.",
    "no_such_store": "Deze winkel bestaat niet.",
    "nav_users": "Gebruikers",
    "nav_audit": "Auditlog",
    "role_admin": "Beheerder",
    "role_analyst": "Analist",
    "role_store_manager": "Winkelmanager",
    "u_intro": (
        "Een beheerder beheert gebruikers, klantreizen, vragenlijsten en kiosken en ziet elke "
        "winkel; een analist ziet de cijfers, opmerkingen en exports van elke winkel en legt "
        "acties vast; een winkelmanager ziet alleen de eigen winkels."
    ),
    "u_none": "Nog geen gebruikers.",
    "u_name": "Gebruiker",
    "u_role": "Rol",
    "u_stores": "Winkels",
    "u_email": "E-mail",
    "u_save": "Opslaan",
    "u_you": "jij",
    "u_stores_hint": "winkelcodes, bijv. s001, s002 (winkelmanagers)",
    "u_every_store": "elke winkel",
    "u_no_store": "nog geen winkel: ziet niets",
    "u_saved": "Opgeslagen.",
    "u_cli": "Nieuwe gebruikers en wachtwoorden: ces-hq user add NAAM --role ROL op de HQ-server.",
    "u_no_user": "Deze gebruiker bestaat niet.",
    "u_err_role": "kies een rol.",
    "u_err_store": "een winkelcode bestaat uit letters, cijfers, '_' of '-' (hoogstens 64).",
    "u_err_stores_role": "alleen een winkelmanager heeft eigen winkels; andere rollen zien elke winkel.",
    "u_err_email": "geen e-mailadres.",
    "u_err_last_admin": "dit is de laatste beheerder: maak eerst een andere gebruiker beheerder.",
    "u_err_too_many": "te veel winkels.",
    "u_err_user": "deze gebruiker bestaat niet.",
    "u_err_value": "dit kan niet worden opgeslagen.",
    "au_intro": "Wat beheerders wijzigden, en elke verwijdering en volledige export, nieuwste eerst (de laatste {limit}).",
    "au_none": "Er is nog niets vastgelegd.",
    "au_at": "Wanneer",
    "au_actor": "Wie",
    "au_action": "Wat",
    "au_count": "Hoeveel",
    "au_detail": "Details",
    "a_own_stores": "kies een of meer van je eigen winkels voor deze actie.",
    # The journeys page and the overview's journey view.
    "nav_journeys": "Klantreizen",
    "j_intro": (
        "Een klantreis is de weg van een klant door de winkel, als contactmomenten op "
        "volgorde; elk contactmoment stelt één vragenlijst met een doel (% makkelijk). "
        "Het overzicht begint ermee."
    ),
    "j_new": "Nieuwe klantreis",
    "j_id": "Id",
    "j_id_hint": "kleine letters, cijfers, _ of -; scripts gebruiken het (ces-hq journey)",
    "j_name_lang": "Naam ({lang})",
    "j_add": "Klantreis toevoegen",
    "j_rename": "Namen opslaan",
    "j_remove": "Klantreis verwijderen",
    "j_remove_title": "De klantreis “{name}” en haar contactmomenten verwijderen?",
    "j_new_tp": "Een contactmoment toevoegen",
    "j_tp": "Contactmoment",
    "j_tp_hint": "het id waarvoor kiosken zijn aangemeld, bv. in_store_purchase",
    "j_survey": "Vragenlijst",
    "j_target": "Doel (% makkelijk)",
    "j_tp_add": "Contactmoment toevoegen",
    "j_tp_save": "Opslaan",
    "j_tp_remove": "Verwijderen",
    "j_tp_remove_title": "Het contactmoment “{name}” uit “{journey}” verwijderen?",
    "j_tp_remove_body": "De kiosken en antwoorden blijven; het klantreisoverzicht toont het "
    "niet meer, en de kiosken krijgen de nieuwste versie van hun vragenlijst.",
    "j_remove_body": "Kiosken en antwoorden blijven; het klantreisoverzicht toont de klantreis "
    "niet meer.",
    "j_remove_confirm": "Verwijderen",
    "j_keep": "Behouden",
    "j_up": "Omhoog",
    "j_down": "Omlaag",
    "j_none": "Nog geen klantreizen.",
    "j_no_touchpoints": "Nog geen contactmomenten.",
    "j_saved": "Opgeslagen.",
    "j_removed": "Verwijderd.",
    "j_err_bad_id": (
        "“{value}” is geen id: kleine letters, cijfers, _ of -, beginnend met een letter "
        "of cijfer, hoogstens 64"
    ),
    "j_err_bad_locale": "onbekende taal “{locale}”",
    "j_err_name_long": "hoogstens {max} tekens",
    "j_err_name_unprintable": "alleen afdrukbare tekens",
    "j_err_name_missing": "een naam is nodig",
    "j_err_bad_target": "een heel percentage van 1 tot en met 100",
    "j_err_no_survey": "HQ heeft geen vragenlijst “{id}” (wel: {known})",
    "j_err_no_journey": "er is geen klantreis “{id}”",
    "j_err_journey_exists": "er is al een klantreis “{id}”",
    "j_err_too_many_journeys": "hoogstens {max} klantreizen",
    "j_err_touchpoint_exists": "contactmoment “{id}” zit al in klantreis “{journey}”",
    "j_err_too_many_touchpoints": "hoogstens {max} contactmomenten in een klantreis",
    "j_err_bad_position": "een positie van 1 tot en met {count}",
    "j_err_no_touchpoint": "klantreis “{journey}” heeft geen contactmoment “{id}”",
    "j_err_taken": "“{id}” is zojuist door iemand anders toegevoegd",
    "jv_title": "Klantreizen",
    "jv_target": "doel {target}%",
    "jv_met": "doel gehaald",
    "jv_missed": "doel gemist",
    "jv_unclear": "niet te onderscheiden van het doel",
    "jv_no_answers": "geen antwoorden",
    "jv_top_factor": "Meest genoemd bij moeilijk: {factor} ({count} van {total})",
    "jv_no_factor": "Geen moeilijk antwoord noemde een factor",
    "jv_up": "gestegen, meer dan ruis",
    "jv_down": "gedaald, meer dan ruis",
    "jv_note": (
        "Gehaald: het 95%-interval van % makkelijk ligt op of boven het doel; gemist: "
        "helemaal eronder; anders zijn de antwoorden niet van het doel te onderscheiden. "
        "Een pijl toont een verandering groter dan ruis ten opzichte van de {days} dagen ervoor."
    ),
    "jv_manage": "Klantreizen beheren",
    # The survey editor: surveys and versions, a draft's form, its preview, publishing.
    "nav_surveys": "Vragenlijsten",
    "s_intro": (
        "Gepubliceerde versies van een vragenlijst veranderen nooit; om een vragenlijst te "
        "wijzigen bewerkt u het concept, bekijkt u het op elk kioskscherm en publiceert u "
        "het naar contactmomenten van klantreizen."
    ),
    "s_none": "Nog geen vragenlijsten.",
    "s_new": "Nieuwe vragenlijst",
    "s_edit": "Vragenlijst {id}, conceptversie {version}",
    "s_edit_intro": (
        "Bij opslaan gecontroleerd met dezelfde regels als op de kiosk; een probleem staat "
        "naast het veld."
    ),
    "s_saved": "Concept opgeslagen.",
    "s_published": "Gepubliceerd.",
    "s_discarded": "Concept verwijderd.",
    "s_preview": "Voorbeeld",
    "s_open_col": "Openen",
    "s_publish": "Publiceren",
    "s_run_at": "Op contactmomenten gebruiken",
    "s_general": "Algemeen",
    "s_id": "Id",
    "s_id_hint": "kleine letters, cijfers, _ of -; bij elk antwoord bewaard",
    "s_locales": "Talen",
    "s_default_locale": "Begint in",
    "s_scale": "Schaal",
    "s_attract": "Wachtscherm",
    "s_attract_teaser": "een lokker; de eerste tik begint",
    "s_attract_question": "de vraag zelf; de eerste tik is het antwoord",
    "s_idle": "Wachttijd (seconden)",
    "s_idle_hint": "van {low} tot {high} seconden",
    "s_texts_hint": "Alleen de aangevinkte talen worden gebruikt; vul ze alle in.",
    "s_teaser": "Lokker (leeg: die van de kiosk)",
    "s_question": "Vraag",
    "s_why_prompt": "Vervolgvraag (waarom)",
    "s_factors": "Factoren",
    "s_factors_hint": (
        "2 tot {max} factoren; laat een rij leeg voor minder. Labels hoogstens {chars} tekens; "
        "een geüpload pictogram is een SVG van hoogstens {kb} KiB, waaruit scripts, links en "
        "verwijzingen naar buiten worden verwijderd."
    ),
    "s_factor": "Factor {n}",
    "s_factor_id": "Id",
    "s_icon": "Pictogram",
    "s_uploaded_icon": "geüpload ({id})",
    "s_upload": "of upload een SVG",
    "s_removed": "Uit het geüploade pictogram verwijderd: {parts}",
    "s_comment": "Opmerking",
    "s_comment_on": "om een opmerking vragen",
    "s_comment_max": "Langste opmerking (tekens)",
    "s_comment_max_hint": "van {low} tot {high}",
    "s_comment_prompt": "Vraag bij de opmerking",
    "s_thanks": "Bedanktekst",
    "s_save": "Concept opslaan",
    "s_back": "Terug naar de vragenlijsten",
    "s_discard": "Dit concept verwijderen",
    "s_discard_title": "Het concept van {id} (versie {version}) verwijderen?",
    "s_discard_body": "De wijzigingen gaan verloren; de gepubliceerde versies blijven zoals ze zijn.",
    "s_runs_at": "Gebruikt op",
    "s_runs_nowhere": "Op geen enkel contactmoment in gebruik.",
    "s_edit_draft": "Concept bewerken (versie {version})",
    "s_new_draft": "Nieuw concept van de nieuwste versie",
    "s_version": "Versie",
    "s_state": "Status",
    "s_question_col": "Vraag",
    "s_running": "Gebruikt op",
    "s_state_draft": "concept",
    "s_state_published": "gepubliceerd",
    "s_publish_title": "{id} versie {version} publiceren",
    "s_publish_intro": (
        "Kies de contactmomenten die deze versie gebruiken. Hun kiosken nemen haar over met "
        "hun volgende configuratie, tussen twee klanten in."
    ),
    "s_no_touchpoints": "Er zijn nog geen contactmomenten: voeg ze toe op de pagina Klantreizen.",
    "s_tp_runs": "(nu: {survey})",
    "s_confirm_title": "Publiceren?",
    "s_confirm_final": "Versie {version} is dan gepubliceerd: ze kan niet meer veranderen.",
    "s_confirm_at": "Ze wordt gebruikt op:",
    "s_confirm_kiosks": "Hun kiosken schakelen tussen twee klanten in over.",
    "s_confirm_nowhere": "Er is geen contactmoment gekozen: ze wordt nog nergens gebruikt.",
    "s_confirm": "Ja, publiceren",
    "s_cancel": "Annuleren",
    "s_preview_title": "Voorbeeld van {id} versie {version}",
    "s_preview_intro": (
        "Elk kioskscherm in elke taal, op 1280×800 en 800×1280, met het lettertype en de "
        "maten van de kiosk. Tekst die op de kiosk niet past, is rood gemarkeerd. Cursieve "
        "teksten zijn die van de kiosk zelf."
    ),
    "s_fit_problems": "Schermen met tekst die op de kiosk niet past: {n}",
    "s_fit_wide": "een woord is te breed voor zijn plek ({width} px, ruimte voor {room} px)",
    "s_fit_lines": "{lines} regels, ruimte voor {room}",
    "s_fit_tall": "de inhoud van het scherm is {height} px hoog, ruimte voor {room} px",
    "s_all_fits": "Alle tekst past op elk scherm.",
    "s_does_not_fit": "past niet",
    "s_screen_attract": "Wachtscherm",
    "s_screen_question": "Vraag",
    "s_screen_why": "Waarom",
    "s_screen_comment": "Opmerking",
    "s_screen_thanks": "Bedankt",
    "s_k_start": "tik om te beginnen",
    "s_k_skip": "overslaan",
    "s_k_send": "versturen",
    "s_k_type_here": "hier typt de klant",
    "s_k_notice": "de privacymelding van de kiosk · nog {n} tekens",
    "s_k_keyboard": "schermtoetsenbord",
}

TEXTS: dict[str, dict[str, str]] = {"en": EN, "nl": NL}
# Message languages, each named in itself.
LANGUAGE_NAMES = {
    "en": {"en": "English", "nl": "Dutch"},
    "nl": {"en": "Engels", "nl": "Nederlands"},
}


def choose_language(asked: str | None, cookie: str | None, accept: str | None) -> str:
    for candidate in (asked, cookie):
        if candidate in LANGUAGES:
            return candidate
    for part in (accept or "").split(",")[:20]:
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return "en"


def number(value: float | None, lang: str, digits: int = 1) -> str:
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}"
    if lang == "nl":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return text


def count(value: int, lang: str) -> str:
    return number(value, lang, 0)


def text(lang: str) -> Mapping[str, str]:
    return TEXTS[lang]
