pragma ComponentBehavior: Bound
import QtQuick

// The answer buttons of the survey's scale, with the end labels written out below.
// In a right-to-left language the whole row mirrors (Main.qml's LayoutMirroring): the
// first point sits on the right, where an Arabic reader starts, and each end label stays
// under its own end (anchors and alignment mirror with it). docs/accessibility.md says why.
Column {
    id: root
    property string namePrefix: "score_"
    property real unit: 8
    required property KioskController controller
    // The buttons follow the survey (controller.shape); their labels, by index, the language,
    // so a language change does not re-create them.
    readonly property var points: root.controller.shape.scalePoints || []
    readonly property var labels: root.controller.texts.scaleLabels || []
    readonly property bool smiley: root.controller.texts.smiley === true
    spacing: unit * 1.5
    // Where keys start on a question (Main.qml).
    readonly property Item firstButton: pointButtons.count > 0 ? pointButtons.itemAt(0) : null

    Row {
        id: buttons
        spacing: root.unit * 1.2
        anchors.horizontalCenter: parent.horizontalCenter
        readonly property real cell: Math.max(Theme.minTouch,
            Math.min(root.unit * (root.smiley ? 22 : 16),
                     (root.width - spacing * (root.points.length - 1)) / Math.max(1, root.points.length)))
        Repeater {
            id: pointButtons
            model: root.points
            BigButton {
                required property var modelData
                required property int index
                readonly property string label: root.labels[index] ?? ""
                objectName: root.namePrefix + modelData.value
                width: buttons.cell
                height: root.smiley ? buttons.cell : Math.max(Theme.minTouch, buttons.cell * 0.9)
                text: root.smiley ? "" : String(modelData.value)
                // "6, Agree": the number a keypad shopper presses, then what it means.
                accessibleName: (index + 1) + ", " + label
                iconSource: modelData.icon
                iconSize: root.smiley ? buttons.cell * 0.8 : 0
                color: root.smiley ? (pressed ? Theme.factorButtonPressed : Theme.factorButton)
                                   : (pressed ? Theme.buttonPressed : Theme.button)
                border.width: root.smiley ? 3 : 0
                border.color: Theme.factorButtonBorder
                fontSize: Math.max(Theme.minText, root.unit * 5) * Theme.textScale
                onClicked: root.controller.answerScore(modelData.value)
            }
        }
    }
    Item {
        width: buttons.width
        height: low.implicitHeight
        anchors.horizontalCenter: parent.horizontalCenter
        Text {
            id: low
            objectName: root.namePrefix + "lowLabel"
            textFormat: Text.PlainText
            anchors.left: parent.left
            width: parent.width / 2 - root.unit
            text: root.controller.texts.lowLabel || ""
            color: Theme.mutedText
            Accessible.role: Accessible.StaticText
            Accessible.name: text
            font.pixelSize: Math.max(Theme.minText, root.unit * 2.6) * Theme.textScale
            wrapMode: Text.WordWrap
        }
        Text {
            objectName: root.namePrefix + "highLabel"
            textFormat: Text.PlainText
            anchors.right: parent.right
            width: parent.width / 2 - root.unit
            horizontalAlignment: Text.AlignRight
            text: root.controller.texts.highLabel || ""
            color: Theme.mutedText
            Accessible.role: Accessible.StaticText
            Accessible.name: text
            font.pixelSize: Math.max(Theme.minText, root.unit * 2.6) * Theme.textScale
            wrapMode: Text.WordWrap
        }
    }
}
