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
        Key { text: "a"; alternativeKeys: "aäåãâàá" }
        Key { text: "z"; alternativeKeys: "zžżź" }
        Key { text: "e"; alternativeKeys: "êeëèé" }
        Key { text: "r" }
        Key { text: "t" }
        Key { text: "y"; alternativeKeys: "ÿyý" }
        Key { text: "u"; alternativeKeys: "ûüuùú" }
        Key { text: "i"; alternativeKeys: "îïiìí" }
    }
    KeyboardRow {
        Key { text: "o"; alternativeKeys: "œøõôöòóo" }
        Key { text: "p" }
        Key { text: "q" }
        Key { text: "s"; alternativeKeys: "sšşś" }
        Key { text: "d" }
        Key { text: "f" }
        Key { text: "g" }
        Key { text: "h" }
    }
    KeyboardRow {
        Key { text: "j" }
        Key { text: "k" }
        Key { text: "l" }
        Key { text: "m" }
        Key { text: "w" }
        Key { text: "x" }
        Key { text: "c"; alternativeKeys: "çcćč" }
        Key { text: "v" }
    }
    KeyboardRow {
        FillerKey { weight: 80 }
        Key { text: "b" }
        Key { text: "n"; alternativeKeys: "ñńn" }
        Key { text: "é" }
        Key { text: "è" }
        Key { text: "à" }
        Key { text: "ç" }
        Key { text: "'" }
        FillerKey { weight: 80 }
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
