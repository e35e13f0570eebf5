"""Routes Qt's own messages into Python logging under the 'qt' logger."""

from __future__ import annotations

import logging
import re

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


# Qt Multimedia on a kiosk without a sound device, or without its optional libraries
# (VA-API, PipeWire): the still-there chime (kiosk.ui.sound) is then silent, no fault to
# alarm anyone about. Told as information, not as warnings.
_QUIET_CATEGORIES = ("qt.multimedia.symbolsresolver",)
_NO_SOUND = re.compile(
    r"^(PulseAudioService: pa_context_connect\(\) failed"
    r"|QSoundEffect: playback of this format is not supported on the selected audio device)"
)


def _handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    category = context.category or "default"
    level = _LEVELS.get(mode, logging.WARNING)
    if level == logging.WARNING and (
        category in _QUIET_CATEGORIES or _NO_SOUND.match(message) is not None
    ):
        level = logging.INFO
    logging.getLogger(f"qt.{category}").log(level, "%s", message)


def route_qt_messages() -> None:
    qInstallMessageHandler(_handler)
