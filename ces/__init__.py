"""The Customer Effort Score contract shared by the kiosk and HQ.

Standard library only, and nothing of ours: the survey model and its validation, scales
and bands, locales, the answer record and its wire fields, the one timestamp format, secret
hashing and where the shipped assets live.
"""

__version__ = "0.1.0"
