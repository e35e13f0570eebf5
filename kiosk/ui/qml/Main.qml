import QtQuick
import QtQuick.Window
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings

Window {
    id: window
    objectName: "kioskWindow"
    title: "Effortless"
    color: theme.background
    // Sizes follow the shorter side, so landscape and portrait both fit.
    readonly property real unit: Math.min(width, height) / 100

    Item {
        id: screens
        anchors.fill: parent
        AttractScreen {
            objectName: "attractScreen"
            anchors.fill: parent
            unit: window.unit
            visible: controller.screen === "attract"
        }
        QuestionScreen {
            objectName: "questionScreen"
            anchors.fill: parent
            unit: window.unit
            visible: controller.screen === "question"
        }
        WhyScreen {
            objectName: "whyScreen"
            anchors.fill: parent
            unit: window.unit
            visible: controller.screen === "why"
        }
        CommentScreen {
            objectName: "commentScreen"
            anchors.fill: parent
            unit: window.unit
            keyboardHeight: keyboard.active ? keyboard.height : 0
            visible: controller.screen === "comment"
        }
        ThanksScreen {
            objectName: "thanksScreen"
            anchors.fill: parent
            unit: window.unit
            visible: controller.screen === "thanks"
        }
        OutOfOrderScreen {
            objectName: "outOfOrderScreen"
            anchors.fill: parent
            unit: window.unit
            visible: controller.screen === "out_of_order"
        }
    }

    InputPanel {
        id: keyboard
        objectName: "onScreenKeyboard"
        z: 40
        width: window.width
        y: active ? window.height - height : window.height
        visible: active && (controller.screen === "comment"
                            || (manager !== null && manager.mode === "open")
                            || (setup !== null && setup.active))
    }

    Binding {
        target: VirtualKeyboardSettings
        property: "locale"
        value: controller.texts.keyboardLocale || "en_GB"
    }

    // The hidden way in for the store manager: five taps in the top-left corner of the
    // attract (or out-of-order) screen. Nothing shows it.
    MouseArea {
        objectName: "managerCorner"
        z: 15
        width: theme.minTouch * 1.3; height: width
        visible: manager !== null && manager.mode === "closed" && (setup === null || !setup.active)
                 && (controller.screen === "attract" || controller.screen === "out_of_order")
        // On release: a handler that hides itself on press hands the release to whatever
        // is underneath, which would start a shopper session.
        onReleased: manager.cornerTapped()
    }

    Loader {
        anchors.fill: parent
        z: 35
        active: setup !== null && setup.active
        sourceComponent: SetupScreen {
            objectName: "setupScreen"
            unit: window.unit
        }
    }

    // Without a database there is no manager to talk to: these are not even made then.
    Loader {
        anchors.fill: parent
        z: 30
        active: manager !== null
        sourceComponent: ManagerScreen {
            objectName: "managerScreen"
            unit: window.unit
            visible: manager.mode === "open"
        }
    }

    Loader {
        anchors.fill: parent
        z: 31
        active: manager !== null
        sourceComponent: PinPad {
            objectName: "pinPad"
            unit: window.unit
            visible: manager.mode === "pin"
        }
    }

    StillThereOverlay {
        objectName: "stillThereOverlay"
        anchors.fill: parent
        z: 45  // above the on-screen keyboard: "still there?" must be answerable
        unit: window.unit
        visible: controller.stillThere
    }
}
