pragma ComponentBehavior: Bound
import QtQuick

// The manager's PIN pad; the digits live in the controller, never in QML.
Rectangle {
    id: root
    property real unit: 8
    required property ManagerController manager
    readonly property var words: root.manager.data.words || {}
    color: Theme.overlay
    // Modal for assistive technology as it is on screen: Main hides what is underneath.
    Accessible.role: Accessible.Dialog
    Accessible.name: pinTitle.text
    // A keyboard types the PIN as the keys do: digits, Backspace to clear, Enter for OK,
    // Escape to cancel.
    onVisibleChanged: {
        if (root.visible)
            root.forceActiveFocus()
    }
    Keys.onPressed: (event) => {
        if (event.key >= Qt.Key_0 && event.key <= Qt.Key_9)
            root.manager.pinDigit(String(event.key - Qt.Key_0))
        else if (event.key === Qt.Key_Backspace || event.key === Qt.Key_Delete)
            root.manager.pinClear()
        else if (event.key === Qt.Key_Return || event.key === Qt.Key_Enter)
            root.manager.pinSubmit()
        else if (event.key === Qt.Key_Escape)
            root.manager.close()
        else
            return
        event.accepted = true
    }

    MouseArea { anchors.fill: parent; onPressed: root.manager.touched() }

    Column {
        anchors.centerIn: parent
        spacing: root.unit * 2
        Text {
            id: pinTitle
            objectName: "pinTitle"
            textFormat: Text.PlainText
            Accessible.role: Accessible.Heading
            Accessible.name: pinTitle.text
            anchors.horizontalCenter: parent.horizontalCenter
            text: root.manager.pinTitle || "PIN"
            color: Theme.overlayText
            font.pixelSize: Math.max(28, root.unit * 4)
            font.weight: Font.Bold
        }
        Text {
            objectName: "pinDots"
            textFormat: Text.PlainText
            anchors.horizontalCenter: parent.horizontalCenter
            text: "●".repeat(root.manager.pinLength) || " "
            color: Theme.overlayText
            font.pixelSize: Math.max(28, root.unit * 4)
        }
        // Room for two lines of message at all times, so the keys never move when a
        // message comes or goes.
        Item {
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.max(keys.width, Theme.minTouch * 5)
            height: pinMessage.font.pixelSize * 2.8
            Text {
                id: pinMessage
                objectName: "pinMessage"
                textFormat: Text.PlainText
                Accessible.role: Accessible.StaticText
                Accessible.name: pinMessage.text
                anchors.fill: parent
                horizontalAlignment: Text.AlignHCenter
                verticalAlignment: Text.AlignVCenter
                text: root.manager.pinMessage
                color: Theme.overlayText
                font.pixelSize: Math.max(20, root.unit * 2.5)
                wrapMode: Text.WordWrap
                elide: Text.ElideRight
                maximumLineCount: 2
            }
        }
        Grid {
            id: keys
            anchors.horizontalCenter: parent.horizontalCenter
            columns: 3
            spacing: root.unit * 1.5
            Repeater {
                model: ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
                BigButton {
                    required property string modelData
                    objectName: "pinKey_" + modelData
                    width: Theme.minTouch * 1.2; height: Theme.minTouch
                    text: modelData
                    fontSize: Math.max(28, root.unit * 4)
                    onClicked: root.manager.pinDigit(modelData)
                }
            }
            BigButton {
                objectName: "pinClear"
                width: Theme.minTouch * 1.2; height: Theme.minTouch
                secondary: true
                text: root.words.clear || "Clear"
                fontSize: Math.max(18, root.unit * 2.2)
                onClicked: root.manager.pinClear()
            }
            BigButton {
                objectName: "pinKey_0"
                width: Theme.minTouch * 1.2; height: Theme.minTouch
                text: "0"
                fontSize: Math.max(28, root.unit * 4)
                onClicked: root.manager.pinDigit("0")
            }
            BigButton {
                objectName: "pinOk"
                width: Theme.minTouch * 1.2; height: Theme.minTouch
                text: root.words.ok || "OK"
                fontSize: Math.max(22, root.unit * 3)
                onClicked: root.manager.pinSubmit()
            }
        }
        BigButton {
            objectName: "pinCancel"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Theme.minTouch * 3
            secondary: true
            text: root.words.cancel || "Cancel"
            fontSize: Math.max(20, root.unit * 2.5)
            onClicked: root.manager.close()
        }
    }
}
