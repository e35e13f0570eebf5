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
        id: thanksText
        objectName: "thanksText"
        textFormat: Text.PlainText
        Accessible.role: Accessible.StaticText
        Accessible.name: thanksText.text
        anchors.centerIn: parent
        width: parent.width - root.unit * 8
        text: root.controller.texts.thanks || ""
        color: Theme.accentText
        font.pixelSize: Math.max(Theme.minText, root.unit * 7) * Theme.textScale
        font.weight: Font.Bold
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
    }
    // Within a seated shopper's reach; in the accessibility mode with the languages too.
    ReachBar {
        id: bar
        namePrefix: "thanks_"
        languages: false
        controller: root.controller
        unit: root.unit
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: root.unit * 3
    }
}
