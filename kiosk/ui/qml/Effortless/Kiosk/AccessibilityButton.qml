import QtQuick

// The shopper's accessibility mode, on every shopper screen and within low reach: larger
// text, high contrast, longer times, every control in the lower two thirds (issue 16).
// The flow decides; this shows its state (filled and the switch on) and forwards the tap.
BigButton {
    id: root
    required property KioskController controller
    property real unit: 8
    readonly property bool checked: root.controller.accessible
    readonly property string label: root.controller.texts.ui ? root.controller.texts.ui.accessibility : ""
    readonly property color ink: root.checked ? Theme.buttonText : Theme.secondaryButtonText
    objectName: "accessibilityButton"
    accessibleName: root.label
    secondary: !root.checked
    implicitWidth: content.implicitWidth + root.unit * 4
    implicitHeight: Math.max(Theme.minTouch, content.implicitHeight + root.unit * 2)
    border.width: Math.max(3, Theme.buttonBorder)
    border.color: Theme.factorButtonBorder
    onClicked: root.controller.toggleAccessible()
    // A switch for assistive technology too: on or off, as the switch drawn in it shows.
    // The keypad's * key switches it as well (Main.qml).
    Accessible.checkable: true
    Accessible.checked: root.checked

    Row {
        id: content
        anchors.centerIn: parent
        spacing: root.unit * 1.5
        Image {
            anchors.verticalCenter: parent.verticalCenter
            source: root.controller.shape.accessibilityIcon || ""
            width: Math.max(48, root.unit * 6) * Theme.textScale; height: width
            sourceSize.width: width; sourceSize.height: height
            Accessible.ignored: true
        }
        Text {
            objectName: "accessibilityLabel"
            anchors.verticalCenter: parent.verticalCenter
            textFormat: Text.PlainText
            text: root.label
            color: root.ink
            font.pixelSize: Math.max(Theme.minText, root.unit * 3) * Theme.textScale
            font.weight: Font.DemiBold
        }
        // An on/off switch: the knob to the end and the track filled when the mode is on.
        Rectangle {
            objectName: "accessibilitySwitch"
            anchors.verticalCenter: parent.verticalCenter
            width: height * 1.8
            height: Math.max(28, root.unit * 3.5) * Theme.textScale
            radius: height / 2
            color: root.checked ? root.ink : "transparent"
            border.width: 3
            border.color: root.ink
            Rectangle {
                x: root.checked ? parent.width - width - 4 : 4
                anchors.verticalCenter: parent.verticalCenter
                width: parent.height - 8; height: width
                radius: width / 2
                color: root.checked ? Theme.button : root.ink
            }
        }
    }
}
