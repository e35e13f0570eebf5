import QtQuick

Rectangle {
    id: root
    property real unit: 8
    required property KioskController controller
    color: Theme.accent
    Item {
        objectName: "thanksArea"
        anchors.fill: parent
        TapHandler {
            objectName: "pressHandler"
            gesturePolicy: TapHandler.ReleaseWithinBounds
            // A slow press counts too (see BigButton).
            longPressThreshold: 24 * 3600
            onTapped: root.controller.dismissThanks()
        }
    }
    Text {
        objectName: "thanksText"
        textFormat: Text.PlainText
        anchors.centerIn: parent
        width: parent.width - root.unit * 8
        text: root.controller.texts.thanks || ""
        color: Theme.accentText
        font.pixelSize: Math.max(40, root.unit * 7)
        font.weight: Font.Bold
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
    }
}
