import QtQuick

Rectangle {
    id: root
    property real unit: 8
    color: theme.accent
    Item {
        objectName: "thanksArea"
        anchors.fill: parent
        TapHandler {
            gesturePolicy: TapHandler.ReleaseWithinBounds
            onTapped: controller.dismissThanks()
        }
    }
    Text {
        objectName: "thanksText"
        textFormat: Text.PlainText
        anchors.centerIn: parent
        width: parent.width - root.unit * 8
        text: controller.texts.thanks || ""
        color: theme.accentText
        font.pixelSize: Math.max(40, root.unit * 7)
        font.weight: Font.Bold
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
    }
}
