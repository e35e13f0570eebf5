pragma ComponentBehavior: Bound
import QtQuick

Item {
    id: root
    property real unit: 8
    required property KioskController controller
    // The buttons follow the survey (controller.shape); their labels, by index, the language,
    // so a language change does not re-create them.
    readonly property var factors: root.controller.shape.factors || []
    readonly property var labels: root.controller.texts.factorLabels || []
    readonly property bool landscape: width >= height
    readonly property int columns: landscape ? Math.min(4, factors.length) : Math.min(2, factors.length)

    LanguageBar {
        namePrefix: "why_"
        controller: root.controller
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
            objectName: "whyPrompt"
            unit: root.unit
            text: root.controller.texts.whyPrompt || ""
        }
        Grid {
            id: grid
            columns: root.columns
            spacing: root.unit * 2
            anchors.horizontalCenter: parent.horizontalCenter
            readonly property real cellWidth: (parent.width - spacing * (columns - 1)) / Math.max(1, columns)
            Repeater {
                model: root.factors
                BigButton {
                    required property var modelData
                    required property int index
                    objectName: "factor_" + modelData.id
                    width: grid.cellWidth
                    height: Math.max(Theme.minTouch, root.unit * 20)
                    text: root.labels[index] ?? ""
                    iconSource: modelData.icon
                    iconSize: Math.max(40, root.unit * 8)
                    color: pressed ? Theme.factorButtonPressed : Theme.factorButton
                    border.width: 3
                    border.color: Theme.factorButtonBorder
                    fontSize: Math.max(22, root.unit * 3)
                    secondary: true
                    onClicked: root.controller.chooseFactor(modelData.id)
                }
            }
        }
        BigButton {
            objectName: "skipFactor"
            anchors.horizontalCenter: parent.horizontalCenter
            secondary: true
            width: Math.max(Theme.minTouch * 2.5, implicitWidth)
            text: root.controller.texts.ui ? root.controller.texts.ui.skip : ""
            fontSize: Math.max(22, root.unit * 3)
            onClicked: root.controller.skipFactor()
        }
    }
}
