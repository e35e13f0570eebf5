"""Effortless: an in-store Customer Effort Score kiosk."""

__version__ = "0.1.0"
