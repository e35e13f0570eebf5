pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Window

Window {
    id: window
    objectName: "kioskWindow"
    title: "Effortless"
    color: Theme.background
    // Sizes follow the shorter side, so landscape and portrait both fit.
    readonly property real unit: Math.min(width, height) / 100

    // Set by the kiosk (kiosk/ui/app.py). Without a database there is no manager and no
    // setup: those stay null until it can be used.
    required property KioskController controller
    property ManagerController manager: null
    property SetupController setup: null
    readonly property int flowScreen: window.controller.screen
    readonly property bool setupActive: window.setup !== null && window.setup.active

    Item {
        id: screens
        anchors.fill: parent
        AttractScreen {
            objectName: "attractScreen"
            anchors.fill: parent
            unit: window.unit
            controller: window.controller
            visible: window.flowScreen === KioskController.Screen.ATTRACT
        }
        QuestionScreen {
            objectName: "questionScreen"
            anchors.fill: parent
            unit: window.unit
            controller: window.controller
            visible: window.flowScreen === KioskController.Screen.QUESTION
        }
        WhyScreen {
            objectName: "whyScreen"
            anchors.fill: parent
            unit: window.unit
            controller: window.controller
            visible: window.flowScreen === KioskController.Screen.WHY
        }
        CommentScreen {
            objectName: "commentScreen"
            anchors.fill: parent
            unit: window.unit
            controller: window.controller
            keyboardHeight: keyboard.up ? keyboard.panelHeight : 0
            visible: window.flowScreen === KioskController.Screen.COMMENT
        }
        ThanksScreen {
            objectName: "thanksScreen"
            anchors.fill: parent
            unit: window.unit
            controller: window.controller
            visible: window.flowScreen === KioskController.Screen.THANKS
        }
        OutOfOrderScreen {
            objectName: "outOfOrderScreen"
            anchors.fill: parent
            unit: window.unit
            controller: window.controller
            visible: window.flowScreen === KioskController.Screen.OUT_OF_ORDER
        }
        ClosedScreen {
            objectName: "closedScreen"
            anchors.fill: parent
            unit: window.unit
            controller: window.controller
            visible: window.flowScreen === KioskController.Screen.CLOSED
        }
    }

    // The on-screen keyboard (Keyboard.qml): made just after the first frame, so the
    // attract screen is up sooner, or at once when a field needs it before then. Once made
    // it stays.
    Loader {
        id: keyboard
        z: 40
        width: window.width
        readonly property bool needed: window.flowScreen === KioskController.Screen.COMMENT
                                       || (window.manager !== null
                                           && window.manager.mode === ManagerController.Mode.OPEN)
                                       || window.setupActive
        property bool preload: false
        // Set by Keyboard.qml.
        property bool panelActive: false
        property real panelHeight: 0
        // Up on screen (a field has the focus).
        readonly property bool up: keyboard.status === Loader.Ready && keyboard.panelActive
        active: keyboard.preload || keyboard.needed
        source: "Keyboard.qml"
        onLoaded: keyboard.preload = true
    }
    Binding {
        target: keyboard.item
        when: keyboard.status === Loader.Ready
        property: "keyboardLocale"
        value: window.controller.texts.keyboardLocale || "en_GB"
    }
    Binding {
        target: keyboard.item
        when: keyboard.status === Loader.Ready
        property: "wanted"
        value: keyboard.needed
    }
    Binding {
        target: keyboard.item
        when: keyboard.status === Loader.Ready
        property: "windowHeight"
        value: window.height
    }
    Binding {
        target: keyboard.item
        when: keyboard.status === Loader.Ready
        property: "selectionHandles"
        value: window.setupActive
               || (window.manager !== null && window.manager.mode === ManagerController.Mode.OPEN)
    }
    Timer {
        id: keyboardPreload
        interval: 0
        onTriggered: keyboard.preload = true
    }
    Connections {
        target: window
        enabled: !keyboard.preload
        function onFrameSwapped() { keyboardPreload.start() }
    }

    // The hidden way in for the store manager: five taps in the top-left corner of the
    // attract (or out-of-order, or closed) screen. Nothing shows it.
    MouseArea {
        objectName: "managerCorner"
        z: 15
        width: Theme.minTouch * 1.3; height: width
        visible: window.manager !== null && window.manager.mode === ManagerController.Mode.CLOSED
                 && !window.setupActive
                 && (window.flowScreen === KioskController.Screen.ATTRACT
                     || window.flowScreen === KioskController.Screen.OUT_OF_ORDER
                     || window.flowScreen === KioskController.Screen.CLOSED)
        // On release: a handler that hides itself on press hands the release to whatever
        // is underneath, which would start a shopper session.
        onReleased: window.manager.cornerTapped()
    }

    Loader {
        anchors.fill: parent
        z: 35
        active: window.setupActive
        sourceComponent: SetupScreen {
            objectName: "setupScreen"
            unit: window.unit
            setup: window.setup
            keyboardHeight: keyboard.up ? keyboard.panelHeight : 0
        }
    }

    // Without a database there is no manager to talk to: these are not even made then.
    Loader {
        anchors.fill: parent
        z: 30
        active: window.manager !== null
        sourceComponent: ManagerScreen {
            objectName: "managerScreen"
            unit: window.unit
            manager: window.manager
            keyboardHeight: keyboard.up ? keyboard.panelHeight : 0
            visible: window.manager.mode === ManagerController.Mode.OPEN
        }
    }

    Loader {
        anchors.fill: parent
        z: 31
        active: window.manager !== null
        sourceComponent: PinPad {
            objectName: "pinPad"
            unit: window.unit
            manager: window.manager
            visible: window.manager.mode === ManagerController.Mode.PIN
        }
    }

    StillThereOverlay {
        objectName: "stillThereOverlay"
        anchors.fill: parent
        z: 45  // above the on-screen keyboard: "still there?" must be answerable
        unit: window.unit
        controller: window.controller
        visible: window.controller.stillThere
    }
}
