pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings

// Qt's on-screen keyboard, made by Main's loader once the first frame is up (or at once
// when a field needs it): loading it is a seventh of the kiosk's start on a slow tablet.
// Main sets the properties below; what the screens need from the keyboard goes back to
// the loader (the parent) as panelActive and panelHeight.
InputPanel {
    id: panel
    objectName: "onScreenKeyboard"
    property string keyboardLocale: "en_GB"
    property bool wanted: false
    property real windowHeight: 0
    y: active ? windowHeight - height : windowHeight
    visible: active && wanted

    Binding {
        target: VirtualKeyboardSettings
        property: "locale"
        value: panel.keyboardLocale
    }
    Binding {
        target: panel.parent
        property: "panelActive"
        value: panel.active
    }
    Binding {
        target: panel.parent
        property: "panelHeight"
        value: panel.height
    }
}
