// Made by kiosk/ui/keyboardlayouts.py (python -m kiosk.ui.keyboardlayouts); edit the table
// there, not this file. At most eight keys a row: 15 mm keys 800 px wide (issue 16).
import QtQuick
import QtQuick.Layouts
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Components

KeyboardLayout {
    inputMode: InputEngine.InputMode.Numeric
    keyWeight: 160
    // Read by Keyboard.qml: the keyboard's height is made for this many rows.
    readonly property int kioskRows: 4
    KeyboardRow {
        FillerKey { weight: 400 }
        Key { text: "1" }
        Key { text: "2" }
        Key { text: "3" }
        FillerKey { weight: 400 }
    }
    KeyboardRow {
        FillerKey { weight: 400 }
        Key { text: "4" }
        Key { text: "5" }
        Key { text: "6" }
        FillerKey { weight: 400 }
    }
    KeyboardRow {
        FillerKey { weight: 400 }
        Key { text: "7" }
        Key { text: "8" }
        Key { text: "9" }
        FillerKey { weight: 400 }
    }
    KeyboardRow {
        FillerKey { weight: 400 }
        Key { text: "0" }
        BackspaceKey {}
        EnterKey {}
        FillerKey { weight: 400 }
    }
}
