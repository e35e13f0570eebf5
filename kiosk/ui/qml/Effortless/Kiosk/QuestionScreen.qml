import QtQuick

Item {
    id: root
    property real unit: 8
    required property KioskController controller
    // Where keys start (Main.qml): the first answer.
    readonly property Item firstOption: scale.firstButton

    // At the top edge, out of a seated shopper's reach: the mode has it in the reach bar.
    LanguageBar {
        visible: !Theme.accessible
        namePrefix: "question_"
        controller: root.controller
        unit: root.unit
        anchors.top: parent.top
        anchors.right: parent.right
        anchors.margins: root.unit * 3
        // Clear of the manager's hidden corner (Main.qml) when it wraps.
        anchors.left: parent.left
        anchors.leftMargin: Theme.minTouch * 1.5
    }
    Column {
        anchors.horizontalCenter: parent.horizontalCenter
        // Centred; in the accessibility mode on the reach bar, so its controls are in reach.
        y: Theme.accessible ? bar.y - height - root.unit * 3 : (parent.height - height) / 2
        width: parent.width - root.unit * 8
        spacing: root.unit * 5
        Heading {
            objectName: "questionText"
            unit: root.unit
            text: root.controller.texts.question || ""
        }
        ScaleRow {
            id: scale
            namePrefix: "score_"
            controller: root.controller
            unit: root.unit
            width: parent.width
        }
    }
    // Within a seated shopper's reach; in the accessibility mode with the languages too.
    ReachBar {
        id: bar
        namePrefix: "question_"
        languages: true
        controller: root.controller
        unit: root.unit
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: root.unit * 3
    }
}
