"""The kiosk's outbox and (later) its sync with HQ. No Qt here."""
