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
    // Whether Qt's touch selection handles work: in the manager's and setup's forms. The
    // shopper's comment field offers no selection (selectByMouse: false), and there the
    // handles' 200 ms fades, which run at every focus change though the handles never show,
    // would keep the window drawing frames on the CPU the next tap needs
    // (docs/performance.md, issue 11).
    property bool selectionHandles: true
    property Item selectionControl: null

    Component.onCompleted: {
        for (const child of panel.children) {
            if (child.objectName === "selectionControl")
                panel.selectionControl = child
        }
    }
    // What the selection control reads from the input context, as it is without a selection.
    QtObject {
        id: noSelection
        readonly property bool selectionControlVisible: false
        readonly property bool anchorRectIntersectsClipRect: false
        readonly property bool cursorRectIntersectsClipRect: false
        readonly property rect anchorRectangle: Qt.rect(0, 0, 0, 0)
        readonly property rect cursorRectangle: Qt.rect(0, 0, 0, 0)
    }
    Binding {
        target: panel.selectionControl
        when: panel.selectionControl !== null && !panel.selectionHandles
        property: "inputContext"
        value: noSelection
    }

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
