"""The kiosk's logic without Qt: survey model, flow state machine, timers."""
