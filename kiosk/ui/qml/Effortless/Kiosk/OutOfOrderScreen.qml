import QtQuick

Rectangle {
    id: root
    property real unit: 8
    required property KioskController controller
    color: Theme.background
    Column {
        anchors.centerIn: parent
        width: parent.width - root.unit * 8
        spacing: root.unit * 3
        Heading {
            objectName: "outOfOrderText"
            unit: root.unit
            text: root.controller.texts.ui ? root.controller.texts.ui.out_of_order : ""
        }
        Text {
            textFormat: Text.PlainText
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: root.controller.texts.ui ? root.controller.texts.ui.out_of_order_hint : ""
            color: Theme.mutedText
            font.pixelSize: Math.max(22, root.unit * 3)
        }
        // Why, in plain words (disk full, ask the store manager ...), for the staff.
        Text {
            objectName: "outOfOrderReason"
            width: parent.width
            visible: text !== ""
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            textFormat: Text.PlainText
            text: root.controller.texts.reason || ""
            color: Theme.mutedText
            font.pixelSize: Math.max(18, root.unit * 2.2)
        }
    }
}
