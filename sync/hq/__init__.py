"""The HQ service (ces-hq): enrols kiosks and collects their answers. No Qt here."""
