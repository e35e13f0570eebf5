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
    // Where keys start (Main.qml): the first factor.
    readonly property Item firstOption: factorButtons.count > 0 ? factorButtons.itemAt(0) : skip

    // At the top edge, out of a seated shopper's reach: the mode has it in the reach bar.
    LanguageBar {
        visible: !Theme.accessible
        namePrefix: "why_"
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
        // Centred; in the accessibility mode close on the reach bar, so its controls are in
        // reach (Arabic's two-line factor labels, upright, need every pixel of it).
        y: Theme.accessible ? bar.y - height - root.unit * 1.5 : (parent.height - height) / 2
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
                id: factorButtons
                model: root.factors
                BigButton {
                    required property var modelData
                    required property int index
                    objectName: "factor_" + modelData.id
                    width: grid.cellWidth
                    // As tall as icon and label need: the mode's larger labels take two lines.
                    height: Math.max(Theme.minTouch, root.unit * 20, contentImplicitHeight + root.unit * 2)
                    // In the mode, portrait: beside the label, so both rows fit within reach.
                    iconBeside: Theme.accessible && !root.landscape
                    text: root.labels[index] ?? ""
                    // "2, Ease of shopping": the digit that picks it, then the factor.
                    accessibleName: (index + 1) + ", " + text
                    iconSource: modelData.icon
                    iconSize: Math.max(40, root.unit * 8)
                    color: pressed ? Theme.factorButtonPressed : Theme.factorButton
                    border.width: 3
                    border.color: Theme.factorButtonBorder
                    fontSize: Math.max(Theme.minText, root.unit * 3) * Theme.textScale
                    secondary: true
                    onClicked: root.controller.chooseFactor(modelData.id)
                }
            }
        }
        BigButton {
            id: skip
            objectName: "skipFactor"
            // In the mode it is in the reach bar (skipInReach), where there is room in reach.
            visible: !Theme.accessible
            anchors.horizontalCenter: parent.horizontalCenter
            secondary: true
            width: Math.max(Theme.minTouch * 2.5, implicitWidth)
            text: root.controller.texts.ui ? root.controller.texts.ui.skip : ""
            fontSize: Math.max(Theme.minText, root.unit * 3) * Theme.textScale
            onClicked: root.controller.skipFactor()
        }
    }
    // Within a seated shopper's reach; in the accessibility mode with the languages too,
    // upright only: on a landscape screen the mode's larger factor buttons and seven
    // language buttons do not both fit in the lower two thirds (Arabic's longer words wrap
    // the bar onto a third line), and the language was offered on the two screens before.
    ReachBar {
        id: bar
        namePrefix: "why_"
        languages: !root.landscape
        controller: root.controller
        unit: root.unit
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: root.unit * 3
        BigButton {
            id: skipInReach
            objectName: "skipFactor"
            visible: Theme.accessible
            secondary: true
            width: Math.max(Theme.minTouch * 2.5, implicitWidth)
            text: root.controller.texts.ui ? root.controller.texts.ui.skip : ""
            fontSize: Math.max(Theme.minText, root.unit * 3) * Theme.textScale
            onClicked: root.controller.skipFactor()
        }
    }
}
