"""The kiosk's QML module: its name, and where its folder is.

Every module that registers a type for QML imports these names, since PySide's
``QmlElement`` reads ``QML_IMPORT_NAME`` and ``QML_IMPORT_MAJOR_VERSION`` from the
registering module's globals."""

from __future__ import annotations

from pathlib import Path

QML_IMPORT_NAME = "Effortless.Kiosk"
QML_IMPORT_MAJOR_VERSION = 1
# The folder the engine looks in for modules; the module is in a subfolder named after it.
QML_IMPORT_PATH = Path(__file__).resolve().parent / "qml"
QML_MODULE_DIR = QML_IMPORT_PATH.joinpath(*QML_IMPORT_NAME.split("."))
MAIN_COMPONENT = "Main"
