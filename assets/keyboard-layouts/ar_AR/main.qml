// Made by kiosk/ui/keyboardlayouts.py (python -m kiosk.ui.keyboardlayouts); edit the table
// there, not this file. At most eight keys a row: 15 mm keys 800 px wide (issue 16).
import QtQuick
import QtQuick.Layouts
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Components

KeyboardLayout {
    inputMode: InputEngine.InputMode.Arabic
    keyWeight: 160
    // Read by Keyboard.qml: the keyboard's height is made for this many rows.
    readonly property int kioskRows: 5
    KeyboardRow {
        Key { text: "ض" }
        Key { text: "ص" }
        Key { text: "ث" }
        Key { text: "ق" }
        Key { text: "ف" }
        Key { text: "غ" }
        Key { text: "ع" }
        Key { text: "ه" }
    }
    KeyboardRow {
        Key { text: "خ" }
        Key { text: "ح" }
        Key { text: "ج"; alternativeKeys: "جچ" }
        Key { text: "د" }
        Key { text: "ش" }
        Key { text: "س" }
        Key { text: "ي"; alternativeKeys: "يئ" }
        Key { text: "ب"; alternativeKeys: "بپ" }
    }
    KeyboardRow {
        Key { text: "ل" }
        Key { text: "ا"; alternativeKeys: "إاأآ" }
        Key { text: "ت" }
        Key { text: "ن" }
        Key { text: "م" }
        Key { text: "ك"; alternativeKeys: "كگ" }
        Key { text: "ذ" }
        Key { text: "ء" }
    }
    KeyboardRow {
        FillerKey { weight: 80 }
        Key { text: "ر" }
        Key { text: "ى" }
        Key { text: "ة" }
        Key { text: "و"; alternativeKeys: "وؤ" }
        Key { text: "ز" }
        Key { text: "ط" }
        Key { text: "ظ" }
        FillerKey { weight: 80 }
    }
    KeyboardRow {
        SymbolModeKey {}
        Key { key: Qt.Key_Comma; text: "،" }
        SpaceKey { weight: 480 }
        Key { key: Qt.Key_Period; text: "."; alternativeKeys: "!.?" }
        BackspaceKey {}
        EnterKey {}
    }
}
