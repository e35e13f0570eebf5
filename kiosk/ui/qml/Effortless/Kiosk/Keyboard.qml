pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Components
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
        panel.chooseLayouts()
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

    // Names for assistive technology: Qt's keys expose nothing themselves (issue 16), so
    // each key gets a named child: a character key says its character, a function key
    // its name from the catalog (Main sets keyNames to the shopper's texts).
    property var keyNames: ({})
    function keyName(key: BaseKey): string {
        switch (key.keyType) {
        case QtVirtualKeyboard.KeyType.BackspaceKey: return panel.keyNames.key_backspace || ""
        case QtVirtualKeyboard.KeyType.EnterKey: return key.displayText || panel.keyNames.key_enter || ""
        case QtVirtualKeyboard.KeyType.ShiftKey: return panel.keyNames.key_shift || ""
        case QtVirtualKeyboard.KeyType.SpaceKey: return panel.keyNames.key_space || ""
        case QtVirtualKeyboard.KeyType.HideKeyboardKey: return panel.keyNames.key_hide || ""
        case QtVirtualKeyboard.KeyType.ChangeLanguageKey: return panel.keyNames.key_language || ""
        }
        return key.displayText
    }
    Component {
        id: keyNameComponent
        Item {
            id: named
            objectName: "keyName"
            required property BaseKey target
            anchors.fill: parent
            Accessible.role: Accessible.Button
            Accessible.name: panel.keyName(named.target)
            Accessible.ignored: Accessible.name === ""
        }
    }
    function nameKeys() {
        const stack = [panel.keyboard]
        while (stack.length > 0) {
            const item = stack.pop()
            let named = false
            for (const child of item.children) {
                if (child.objectName === "keyName")
                    named = true
                else
                    stack.push(child)
            }
            if (!named && item instanceof BaseKey)
                keyNameComponent.createObject(item, { target: item })
        }
    }
    onActiveChanged: {
        if (panel.active)
            Qt.callLater(panel.nameKeys)
    }
    Connections {
        target: panel.keyboard
        function onLayoutChanged() { Qt.callLater(panel.nameKeys) }
        function onSymbolModeChanged() { Qt.callLater(panel.nameKeys) }
    }

    Binding {
        target: VirtualKeyboardSettings
        property: "locale"
        value: panel.keyboardLocale
    }
    // Rows of at least the smallest touch size. Qt sizes the keyboard by its style's design
    // ratio (2560 x 800): 800 px wide (portrait) that gives rows of 10.5 mm on a 10.1"
    // panel, 1170 px (landscape, Main.qml) 15.5 mm. A taller design height, where needed,
    // makes four rows and their margins 4.2 touch sizes tall: 15.7 mm rows (five rows 5.2,
    // and so on, for the kiosk's portrait layouts). The style
    // scales its glyphs by height over design height, so they keep their size.
    Binding {
        target: panel.keyboard.style
        when: panel.keyboard.style !== null && panel.width > 0
        property: "keyboardDesignHeight"
        value: Math.max(800, 2560 * Theme.minTouch * (panel.layoutRows + 0.2) / panel.width)
        restoreMode: Binding.RestoreBindingOrValue
    }
    // Portrait: the kiosk's own layouts (kiosk/ui/keyboardlayouts.py), at most eight keys a
    // row, as ten in 800 px are narrower than the smallest touch size; landscape keeps Qt's.
    // Set, not bound: the settings are the process's, and a Binding does not give Qt's
    // folder back when it lets go.
    readonly property bool portrait: panel.windowHeight > panel.width
    onPortraitChanged: panel.chooseLayouts()
    function chooseLayouts() {
        // undefined resets the path to Qt's own layouts.
        VirtualKeyboardSettings.layoutPath = panel.portrait ? Theme.portraitKeyboardLayouts
                                                            : undefined
    }
    // Qt reloads the layout when the locale's name changes, not when the same locale comes
    // from another folder: ask it once the folder is read (the locales are listed then).
    Connections {
        target: VirtualKeyboardSettings
        function onAvailableLocalesChanged() { Qt.callLater(panel.keyboard.updateLayout) }
    }
    // Qt's layouts have four rows; the kiosk's say how many they have.
    // A var: a layout is a loaded file, whose own properties the type checker cannot know.
    readonly property var layout: panel.keyboard.keyboardLayoutLoader.item
    readonly property int layoutRows: typeof panel.layout?.kioskRows === "number"
                                      ? panel.layout.kioskRows : 4
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
