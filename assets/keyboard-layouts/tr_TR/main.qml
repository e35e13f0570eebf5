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
        Key { text: "q" }
        Key { text: "w" }
        Key { text: "e" }
        Key { text: "r" }
        Key { text: "t" }
        Key { text: "y" }
        Key { text: "u" }
        Key { text: "i" }
    }
    KeyboardRow {
        Key { text: "o" }
        Key { text: "p" }
        Key { text: "a" }
        Key { text: "s" }
        Key { text: "d" }
        Key { text: "f" }
        Key { text: "g" }
        Key { text: "h" }
    }
    KeyboardRow {
        Key { text: "j" }
        Key { text: "k" }
        Key { text: "l" }
        Key { text: "z" }
        Key { text: "x" }
        Key { text: "c" }
        Key { text: "v" }
        Key { text: "b" }
    }
    KeyboardRow {
        Key { text: "n" }
        Key { text: "m" }
        Key { text: "ç" }
        Key { text: "ğ" }
        Key { text: "ı" }
        Key { text: "ö" }
        Key { text: "ş" }
        Key { text: "ü" }
    }
    KeyboardRow {
        ShiftKey {}
        SymbolModeKey {}
        Key { key: Qt.Key_Comma; text: "," }
        SpaceKey { weight: 320 }
        Key { key: Qt.Key_Period; text: "."; alternativeKeys: "!.?" }
        BackspaceKey {}
        EnterKey {}
    }
}
