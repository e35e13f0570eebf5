import QtQuick

Item {
    id: root
    property real unit: 8

    LanguageBar {
        namePrefix: "question_"
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
            text: controller.texts.question || ""
        }
        ScaleRow {
            namePrefix: "score_"
            unit: root.unit
            width: parent.width
        }
    }
}
