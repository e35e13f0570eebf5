"""The kiosk's outbox and its sender to HQ. No Qt here; imports only ``ces``."""
