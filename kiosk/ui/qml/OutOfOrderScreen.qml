import QtQuick

Rectangle {
    id: root
    property real unit: 8
    color: theme.background
    Column {
        anchors.centerIn: parent
        width: parent.width - root.unit * 8
        spacing: root.unit * 3
        Heading {
            objectName: "outOfOrderText"
            unit: root.unit
            text: controller.texts.ui ? controller.texts.ui.out_of_order : ""
        }
        Text {
            textFormat: Text.PlainText
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: controller.texts.ui ? controller.texts.ui.out_of_order_hint : ""
            color: theme.mutedText
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
            text: controller.texts.reason || ""
            color: theme.mutedText
            font.pixelSize: Math.max(18, root.unit * 2.2)
        }
    }
}
