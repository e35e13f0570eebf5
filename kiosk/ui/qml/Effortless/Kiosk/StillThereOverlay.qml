import QtQuick

Rectangle {
    id: root
    property real unit: 8
    required property KioskController controller
    // The overlay colour, nearly opaque: the screen underneath shows only as a hint.
    color: Qt.alpha(Theme.overlay, 0.92)
    // Modal for assistive technology as it is on screen: Main hides what is underneath.
    Accessible.role: Accessible.Dialog
    Accessible.name: stillThereText.text
    // Any key answers, as any tap does.
    onVisibleChanged: {
        if (root.visible)
            (root.controller.keyboardInUse ? hereButton : root).forceActiveFocus()
    }
    Keys.onPressed: (event) => {
        root.controller.stillHere()
        event.accepted = true
    }
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
            id: stillThereText
            objectName: "stillThereText"
            textFormat: Text.PlainText
            Accessible.role: Accessible.StaticText
            Accessible.name: stillThereText.text
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: root.controller.texts.ui ? root.controller.texts.ui.still_there : ""
            color: Theme.overlayText
            font.pixelSize: Math.max(Theme.minText, root.unit * 7) * Theme.textScale
            font.weight: Font.Bold
            wrapMode: Text.WordWrap
        }
        BigButton {
            id: hereButton
            objectName: "stillHereButton"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.max(Theme.minTouch * 3, implicitWidth)
            text: root.controller.texts.ui ? root.controller.texts.ui.still_there_hint : ""
            fontSize: Math.max(Theme.minText, root.unit * 3.5) * Theme.textScale
            onClicked: root.controller.stillHere()
        }
    }
}
