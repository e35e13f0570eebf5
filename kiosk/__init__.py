"""The kiosk program: the shopper's screens on a store tablet (``ces-kiosk``)."""
