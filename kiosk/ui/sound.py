"""The "still there?" overlay's sound cue: a short chime as the overlay appears, so a
shopper who looked away hears that the kiosk asks before it gives up (issue 16).

The sound effect is made at the first cue, not at start: Qt Multimedia's start costs time
on a slow tablet, and a kiosk whose shoppers never idle needs none of it. Its module is
imported then too: loading it looks for PipeWire and says so on stderr when it is missing,
which before the application exists would bypass the kiosk's filter for Qt's messages
(kiosk.ui.app).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl, Signal

from ces.assets import sounds_dir
from kiosk.ui.controller import KioskController

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QSoundEffect

log = logging.getLogger("effortless.sound")

STILL_THERE_SOUND = "still-there.wav"
# Clearly heard in a shop, not startling.
VOLUME = 0.8


def still_there_sound() -> Path:
    return sounds_dir() / STILL_THERE_SOUND


class SoundCue(QObject):
    """Plays the still-there chime each time the overlay appears."""

    # Past tense, for tests: play() was asked of the sound effect.
    cue_played = Signal()

    def __init__(
        self, controller: KioskController, source: Path, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._source = QUrl.fromLocalFile(str(source))
        self._effect: QSoundEffect | None = None
        controller.stillThereChanged.connect(self._on_still_there_changed)

    @property
    def effect(self) -> QSoundEffect | None:
        """The sound effect, once a cue has made it."""
        return self._effect

    def _made_effect(self) -> QSoundEffect:
        if self._effect is None:
            from PySide6.QtMultimedia import QSoundEffect

            self._effect = QSoundEffect(self)
            self._effect.setVolume(VOLUME)
            self._effect.setSource(self._source)
        return self._effect

    def _on_still_there_changed(self) -> None:
        if not self._controller.stillThere:
            return
        effect = self._made_effect()
        # Without a sound device the effect stays silent; the overlay shows all the same.
        effect.play()
        log.debug("still-there cue played")
        self.cue_played.emit()

    def shutdown(self) -> None:
        self._controller.stillThereChanged.disconnect(self._on_still_there_changed)
        if self._effect is not None:
            self._effect.stop()
