"""The HQ service (``ces-hq``): enrols kiosks, collects their answers, shows the dashboard.
No Qt here; imports only ``ces``."""
