"""The names under which the kiosk keeps its settings and its outbox's notes.

Settings (settings.json, sync.settings) hold enrolment, PIN, placement and language; meta
keys (kiosk.db's kiosk_meta, sync.outbox) hold what the sync worker and the manager screen
leave for each other. The kiosk's flow and its sync both use these names, so they live here.
"""

from __future__ import annotations

KIOSK_ID = "kiosk_id"
HQ_URL = "hq_url"
TOKEN = "hq_token"
INSECURE = "allow_insecure_http"
# The CA file (in the data dir) HQ's certificate is checked against instead of the default.
HQ_CA = "hq_ca"
STORE_ID = "store_id"
TOUCHPOINT = "touchpoint"
PIN_HASH = "manager_pin"
PIN_FAILED = "pin_failed_tries"
PIN_LOCKOUTS = "pin_lockouts"
PIN_LOCKED_UNTIL = "pin_locked_until"
HOME_LOCALE = "default_locale"
CHOSEN_SURVEY = "chosen_survey"

# The keys that belong in settings.json; earlier releases kept them in kiosk.db's kiosk_meta.
SETTINGS_KEYS = frozenset(
    {
        KIOSK_ID,
        HQ_URL,
        TOKEN,
        INSECURE,
        HQ_CA,
        STORE_ID,
        TOUCHPOINT,
        PIN_HASH,
        PIN_FAILED,
        PIN_LOCKOUTS,
        PIN_LOCKED_UNTIL,
        HOME_LOCALE,
        CHOSEN_SURVEY,
    }
)

# Meta keys in kiosk.db.
# Written by the manager screen, sent with the next heartbeat.
MANAGER_EVENTS = "manager_events"
# Sync bookkeeping of the worker.
LAST_SYNC_AT = "last_sync_at"
LAST_ERROR = "last_sync_error"
# The same error as a kind and values (sync.problems), for the kiosk's screens.
LAST_PROBLEM = "last_sync_problem"
NOT_AUTHORISED = "not_authorised"
CONFIG_ETAG = "config_etag"
CONFIG_ERROR = "config_error"
# The latest rejected_at among the rejected answers a heartbeat HQ acknowledged reported
# (sync.worker); only those may be deleted, once old enough.
REJECTED_REPORTED = "rejected_reported_upto"
