pragma ComponentBehavior: Bound
import QtQuick

Item {
    id: root
    property real unit: 8
    required property KioskController controller
    readonly property bool questionMode: root.controller.texts.questionOnAttract === true

    Item {
        objectName: "startArea"
        anchors.fill: parent
        Accessible.role: Accessible.Button
        Accessible.name: root.controller.texts.ui ? root.controller.texts.ui.tap_to_start : ""
        TapHandler {
            objectName: "pressHandler"
            gesturePolicy: TapHandler.ReleaseWithinBounds
            // A slow press counts too (see BigButton).
            longPressThreshold: 24 * 3600
            onTapped: root.controller.start()
        }
    }

    LanguageBar {
        namePrefix: "attract_"
        controller: root.controller
        unit: root.unit
        anchors.top: parent.top
        anchors.right: parent.right
        anchors.margins: root.unit * 3
    }

    // "You said, we did": what the store changed because of answers like these.
    Rectangle {
        id: saidBanner
        objectName: "youSaidBanner"
        property int current: 0
        readonly property var messages: root.controller.texts.messages || []
        visible: messages.length > 0
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        height: saidText.implicitHeight + root.unit * 4
        color: Theme.accent
        Text {
            id: saidText
            objectName: "youSaidText"
            textFormat: Text.PlainText
            anchors.centerIn: parent
            width: parent.width - root.unit * 6
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: saidBanner.visible
                  ? (root.controller.texts.ui.you_said + ": " + saidBanner.messages[saidBanner.current % saidBanner.messages.length])
                  : ""
            color: Theme.accentText
            font.pixelSize: Math.max(20, root.unit * 2.8)
            font.weight: Font.DemiBold
        }
        Timer {
            interval: 8000
            repeat: true
            running: saidBanner.visible && saidBanner.messages.length > 1 && root.visible
            onTriggered: saidBanner.current = (saidBanner.current + 1) % saidBanner.messages.length
        }
    }

    Column {
        anchors.centerIn: parent
        width: parent.width - root.unit * 8
        spacing: root.unit * 4

        Row {
            visible: !root.questionMode
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: root.unit * 2
            Repeater {
                model: root.controller.shape.attractIcons || []
                Image {
                    required property string modelData
                    source: modelData
                    width: root.unit * 11; height: width
                    sourceSize.width: width; sourceSize.height: height
                    Accessible.ignored: true
                }
            }
        }
        Heading {
            objectName: "teaserText"
            unit: root.unit
            visible: !root.questionMode
            text: root.controller.texts.teaser || ""
            font.pixelSize: Math.max(36, root.unit * 6.5)
        }
        // Looks like a button, but the whole screen is the button.
        Rectangle {
            visible: !root.questionMode
            anchors.horizontalCenter: parent.horizontalCenter
            width: startLabel.implicitWidth + root.unit * 10
            height: Math.max(Theme.minTouch, startLabel.implicitHeight + root.unit * 4)
            radius: height / 2
            color: Theme.button
            Text {
                id: startLabel
                textFormat: Text.PlainText
                anchors.centerIn: parent
                text: root.controller.texts.ui ? root.controller.texts.ui.tap_to_start : ""
                color: Theme.buttonText
                font.pixelSize: Math.max(24, root.unit * 3.5)
                font.weight: Font.DemiBold
            }
        }
        Heading {
            objectName: "attractQuestionText"
            unit: root.unit
            visible: root.questionMode
            text: root.controller.texts.question || ""
        }
        ScaleRow {
            visible: root.questionMode
            controller: root.controller
            namePrefix: "attract_score_"
            unit: root.unit
            width: parent.width
        }
    }
}
