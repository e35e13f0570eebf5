import QtQuick

Rectangle {
    id: root
    property real unit: 8
    required property KioskController controller
    color: Qt.rgba(0.06, 0.09, 0.16, 0.92)
    // Catches every tap, so nothing underneath can be pressed while the question shows.
    MouseArea {
        anchors.fill: parent
        onPressed: root.controller.stillHere()
    }
    Column {
        anchors.centerIn: parent
        width: parent.width - root.unit * 8
        spacing: root.unit * 4
        Text {
            objectName: "stillThereText"
            textFormat: Text.PlainText
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: root.controller.texts.ui ? root.controller.texts.ui.still_there : ""
            color: Theme.overlayText
            font.pixelSize: Math.max(40, root.unit * 7)
            font.weight: Font.Bold
            wrapMode: Text.WordWrap
        }
        BigButton {
            objectName: "stillHereButton"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.max(Theme.minTouch * 3, implicitWidth)
            text: root.controller.texts.ui ? root.controller.texts.ui.still_there_hint : ""
            fontSize: Math.max(24, root.unit * 3.5)
            onClicked: root.controller.stillHere()
        }
    }
}
