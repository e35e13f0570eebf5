"""Protocol v1 between kiosks and HQ (docs/protocol.md): one router per group of endpoints."""
