"""The thin Qt layer: QML views bound to small Python QObjects."""

# Once PySide6 is imported, its import hook reads the source of every module imported after
# it (to see whether the module uses PySide's __feature__ switches). The kiosk's storage and
# sync modules, with sqlite_utils and the rest of their dependencies, are imported here,
# before any module of this package imports PySide6: a twentieth of the kiosk's start on a
# slow tablet (docs/performance.md, issue 11).
import sync.outbox
import sync.worker  # noqa: F401
