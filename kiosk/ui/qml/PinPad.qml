import QtQuick

// The manager's PIN pad; the digits live in the controller, never in QML.
Rectangle {
    id: root
    property real unit: 8
    readonly property var words: manager.data.words || {}
    color: theme.overlay

    MouseArea { anchors.fill: parent; onPressed: manager.touched() }

    Column {
        anchors.centerIn: parent
        spacing: root.unit * 2
        Text {
            textFormat: Text.PlainText
            anchors.horizontalCenter: parent.horizontalCenter
            text: root.words.pin_title || "PIN"
            color: theme.overlayText
            font.pixelSize: Math.max(28, root.unit * 4)
            font.weight: Font.Bold
        }
        Text {
            objectName: "pinDots"
            textFormat: Text.PlainText
            anchors.horizontalCenter: parent.horizontalCenter
            text: "●".repeat(manager.pinLength) || " "
            color: theme.overlayText
            font.pixelSize: Math.max(28, root.unit * 4)
        }
        Text {
            objectName: "pinMessage"
            textFormat: Text.PlainText
            anchors.horizontalCenter: parent.horizontalCenter
            text: manager.pinMessage
            color: theme.overlayText
            font.pixelSize: Math.max(20, root.unit * 2.5)
        }
        Grid {
            anchors.horizontalCenter: parent.horizontalCenter
            columns: 3
            spacing: root.unit * 1.5
            Repeater {
                model: ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
                BigButton {
                    required property string modelData
                    objectName: "pinKey_" + modelData
                    width: theme.minTouch * 1.2; height: theme.minTouch
                    text: modelData
                    fontSize: Math.max(28, root.unit * 4)
                    onClicked: manager.pinDigit(modelData)
                }
            }
            BigButton {
                objectName: "pinClear"
                width: theme.minTouch * 1.2; height: theme.minTouch
                secondary: true
                text: root.words.clear || "Clear"
                fontSize: Math.max(18, root.unit * 2.2)
                onClicked: manager.pinClear()
            }
            BigButton {
                objectName: "pinKey_0"
                width: theme.minTouch * 1.2; height: theme.minTouch
                text: "0"
                fontSize: Math.max(28, root.unit * 4)
                onClicked: manager.pinDigit("0")
            }
            BigButton {
                objectName: "pinOk"
                width: theme.minTouch * 1.2; height: theme.minTouch
                text: root.words.ok || "OK"
                fontSize: Math.max(22, root.unit * 3)
                onClicked: manager.pinSubmit()
            }
        }
        BigButton {
            objectName: "pinCancel"
            anchors.horizontalCenter: parent.horizontalCenter
            width: theme.minTouch * 3
            secondary: true
            text: root.words.cancel || "Cancel"
            fontSize: Math.max(20, root.unit * 2.5)
            onClicked: manager.close()
        }
    }
}
