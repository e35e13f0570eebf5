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
        FillerKey { weight: 80 }
        Key { text: "q" }
        Key { text: "w" }
        Key { text: "e"; alternativeKeys: "êeëèé" }
        Key { text: "r" }
        Key { text: "t" }
        Key { text: "y"; alternativeKeys: "ÿyý" }
        Key { text: "u"; alternativeKeys: "ûüuùú" }
        FillerKey { weight: 80 }
    }
    KeyboardRow {
        FillerKey { weight: 80 }
        Key { text: "i"; alternativeKeys: "îïiìí" }
        Key { text: "o"; alternativeKeys: "œøõôöòóo" }
        Key { text: "p" }
        Key { text: "a"; alternativeKeys: "aäåãâàá" }
        Key { text: "s"; alternativeKeys: "sšşś" }
        Key { text: "d" }
        Key { text: "f" }
        FillerKey { weight: 80 }
    }
    KeyboardRow {
        FillerKey { weight: 160 }
        Key { text: "g" }
        Key { text: "h" }
        Key { text: "j" }
        Key { text: "k" }
        Key { text: "l" }
        Key { text: "z"; alternativeKeys: "zžżź" }
        FillerKey { weight: 160 }
    }
    KeyboardRow {
        FillerKey { weight: 160 }
        Key { text: "x" }
        Key { text: "c"; alternativeKeys: "çcćč" }
        Key { text: "v" }
        Key { text: "b" }
        Key { text: "n"; alternativeKeys: "ñńn" }
        Key { text: "m" }
        FillerKey { weight: 160 }
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
