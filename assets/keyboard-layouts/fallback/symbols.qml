// Made by kiosk/ui/keyboardlayouts.py (python -m kiosk.ui.keyboardlayouts); edit the table
// there, not this file. At most eight keys a row: 15 mm keys 800 px wide (issue 16).
import QtQuick
import QtQuick.Layouts
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Components

KeyboardLayout {
    inputMode: InputEngine.InputMode.Latin
    keyWeight: 160
    // Read by Keyboard.qml: the keyboard's height is made for this many rows.
    readonly property int kioskRows: 5
    KeyboardRow {
        Key { text: "1" }
        Key { text: "2" }
        Key { text: "3" }
        Key { text: "4" }
        Key { text: "5" }
        Key { text: "6" }
        Key { text: "7" }
        Key { text: "8" }
    }
    KeyboardRow {
        Key { text: "9" }
        Key { text: "0" }
        Key { text: "-" }
        Key { text: "/" }
        Key { text: ":" }
        Key { text: ";" }
        Key { text: "(" }
        Key { text: ")" }
    }
    KeyboardRow {
        Key { text: "@" }
        Key { text: "\"" }
        Key { text: "'" }
        Key { text: "!" }
        Key { text: "?" }
        Key { text: "%" }
        Key { text: "#" }
        Key { text: "&" }
    }
    KeyboardRow {
        Key { text: "+" }
        Key { text: "=" }
        Key { text: "_" }
        Key { text: "*" }
        Key { text: "€" }
        Key { text: "£" }
        Key { text: "$" }
        Key { text: "~" }
    }
    KeyboardRow {
        SymbolModeKey { displayText: "ABC" }
        Key { key: Qt.Key_Comma; text: "," }
        SpaceKey { weight: 480 }
        Key { key: Qt.Key_Period; text: "."; alternativeKeys: "!.?" }
        BackspaceKey {}
        EnterKey {}
    }
}
