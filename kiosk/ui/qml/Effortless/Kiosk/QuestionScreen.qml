import QtQuick

Item {
    id: root
    property real unit: 8
    required property KioskController controller

    LanguageBar {
        namePrefix: "question_"
        controller: root.controller
        unit: root.unit
        anchors.top: parent.top
        anchors.right: parent.right
        anchors.margins: root.unit * 3
    }
    Column {
        anchors.centerIn: parent
        width: parent.width - root.unit * 8
        spacing: root.unit * 5
        Heading {
            objectName: "questionText"
            unit: root.unit
            text: root.controller.texts.question || ""
        }
        ScaleRow {
            namePrefix: "score_"
            controller: root.controller
            unit: root.unit
            width: parent.width
        }
    }
}
