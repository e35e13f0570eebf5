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
        z: 10
        width: window.width
        y: active ? window.height - height : window.height
        visible: active && controller.screen === "comment"
    }

    Binding {
        target: VirtualKeyboardSettings
        property: "locale"
        value: controller.texts.keyboardLocale || "en_GB"
    }

    StillThereOverlay {
        objectName: "stillThereOverlay"
        anchors.fill: parent
        z: 20
        unit: window.unit
        visible: controller.stillThere
    }
}
