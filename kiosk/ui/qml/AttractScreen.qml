import QtQuick

Item {
    id: root
    property real unit: 8
    readonly property bool questionMode: controller.texts.attractMode === "question"

    Item {
        objectName: "startArea"
        anchors.fill: parent
        Accessible.role: Accessible.Button
        Accessible.name: controller.texts.ui ? controller.texts.ui.tap_to_start : ""
        TapHandler {
            gesturePolicy: TapHandler.ReleaseWithinBounds
            onTapped: controller.start()
        }
    }

    LanguageBar {
        namePrefix: "attract_"
        unit: root.unit
        anchors.top: parent.top
        anchors.right: parent.right
        anchors.margins: root.unit * 3
    }

    Column {
        anchors.centerIn: parent
        width: parent.width - root.unit * 8
        spacing: root.unit * 4

        Heading {
            objectName: "teaserText"
            unit: root.unit
            visible: !root.questionMode
            text: controller.texts.teaser || ""
            font.pixelSize: Math.max(36, root.unit * 6.5)
        }
        Text {
            visible: !root.questionMode
            width: parent.width
            text: controller.texts.ui ? controller.texts.ui.tap_to_start : ""
            color: theme.mutedText
            font.pixelSize: Math.max(24, root.unit * 3.5)
            horizontalAlignment: Text.AlignHCenter
        }
        Heading {
            objectName: "attractQuestionText"
            unit: root.unit
            visible: root.questionMode
            text: controller.texts.question || ""
        }
        ScaleRow {
            visible: root.questionMode
            namePrefix: "attract_score_"
            unit: root.unit
            width: parent.width
        }
    }
}
