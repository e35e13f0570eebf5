"""Writes the type information that tells qmllint about the kiosk's Python types.

The way pyside6-project builds a QML module: ``pyside6-metaobjectdump`` reads the
registering modules' source into moc-style JSON, and ``pyside6-qmltyperegistrar`` turns
that into the ``.qmltypes`` file named in the module's qmldir. metaobjectdump reads the
source, not the live classes, and leaves out ``constant``; so each property is checked
against the real meta-object here, and takes its constness from there.

Run by scripts/qmllint: ``python -m kiosk.ui.qmltypes``. The engine does not need the
file (QmlElement registers the types at import), so it is generated, never committed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from PySide6.QtCore import QLibraryInfo, QMetaObject, QObject

from kiosk.ui import controller, manager, setup, themeobject
from kiosk.ui.qmlmodule import QML_IMPORT_MAJOR_VERSION, QML_IMPORT_NAME, QML_MODULE_DIR

# The modules whose classes carry QmlElement, and the file the qmldir's typeinfo names.
REGISTERING: tuple[ModuleType, ...] = (controller, manager, setup, themeobject)
TYPEINFO = QML_MODULE_DIR / "kiosk.qmltypes"
# Qt's own types the kiosk's types derive from or use (QObject, QVariantMap ...).
FOREIGN = ("qt6core_metatypes.json", "qt6qml_metatypes.json")


class TypeInfoError(RuntimeError):
    pass


def _tool(name: str) -> str:
    # Next to this interpreter: the venv's bin directory, where PySide6 puts its tools.
    return str(Path(sys.executable).with_name(name))


def _text(name: str | bytes | bytearray | memoryview) -> str:
    # The stubs say bytes; PySide hands out str.
    return name if isinstance(name, str) else bytes(name).decode()


def check_against_runtime(dump: list[dict[str, Any]]) -> None:
    """Make each class's properties what the live meta-object says they are."""
    classes = {
        name: value
        for module in REGISTERING
        for name, value in vars(module).items()
        if isinstance(value, type)
        and issubclass(value, QObject)
        and value.__module__ == module.__name__
    }
    for entry in dump:
        for described in entry["classes"]:
            cls = classes[described["className"]]
            meta: QMetaObject = cls.staticMetaObject  # type: ignore[attr-defined]  # not in the stub
            live = {
                _text(meta.property(i).name()): meta.property(i)
                for i in range(meta.propertyOffset(), meta.propertyCount())
            }
            dumped = {prop["name"]: prop for prop in described.get("properties", [])}
            if set(dumped) != set(live):
                raise TypeInfoError(
                    f"{described['className']}: metaobjectdump saw {sorted(dumped)}, "
                    f"the class has {sorted(live)}"
                )
            for name, prop in dumped.items():
                live_type = _text(live[name].typeName())
                if prop["type"] != live_type:
                    raise TypeInfoError(
                        f"{described['className']}.{name}: metaobjectdump says {prop['type']}, "
                        f"the class says {live_type}"
                    )
                if live[name].isConstant():
                    prop["constant"] = True


def write_typeinfo(target: Path = TYPEINFO) -> Path:
    sources = [str(Path(str(module.__file__))) for module in REGISTERING]
    metatypes = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.ArchDataPath)) / "metatypes"
    with tempfile.TemporaryDirectory(prefix="effortless-qmltypes-") as tmp:
        dump_file = Path(tmp) / "kiosk_metatypes.json"
        subprocess.run(
            [_tool("pyside6-metaobjectdump"), "--quiet", "-o", str(dump_file), *sources],
            check=True,
        )
        dump = json.loads(dump_file.read_text(encoding="utf-8"))
        check_against_runtime(dump)
        dump_file.write_text(json.dumps(dump, indent=1), encoding="utf-8")
        subprocess.run(
            [
                _tool("pyside6-qmltyperegistrar"),
                "--generate-qmltypes",
                str(target),
                "-o",
                str(Path(tmp) / "registrations.cpp"),
                "--import-name",
                QML_IMPORT_NAME,
                "--major-version",
                str(QML_IMPORT_MAJOR_VERSION),
                "--minor-version",
                "0",
                "--foreign-types=" + ",".join(str(metatypes / name) for name in FOREIGN),
                str(dump_file),
            ],
            check=True,
        )
    return target


def main() -> int:
    try:
        write_typeinfo()
    except (TypeInfoError, subprocess.CalledProcessError) as exc:
        print(f"qmltypes: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
