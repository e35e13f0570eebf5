import QtQuick

// Outside the store's opening hours: calm, large words and nothing to tap. The words and
// when the store opens again come from the flow (KioskController.reopening).
Rectangle {
    id: root
    property real unit: 8
    required property KioskController controller
    color: Theme.background
    Column {
        anchors.centerIn: parent
        width: parent.width - root.unit * 8
        spacing: root.unit * 3
        Text {
            objectName: "closedText"
            width: parent.width
            textFormat: Text.PlainText
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: root.controller.texts.ui ? root.controller.texts.ui.closed : ""
            color: Theme.text
            font.pixelSize: Math.max(40, root.unit * 8)
            font.weight: Font.Normal
        }
        Text {
            objectName: "reopeningText"
            width: parent.width
            visible: text !== ""
            textFormat: Text.PlainText
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: root.controller.reopening
            color: Theme.mutedText
            font.pixelSize: Math.max(26, root.unit * 4)
        }
    }
}
