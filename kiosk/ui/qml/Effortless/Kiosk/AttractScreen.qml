pragma ComponentBehavior: Bound
import QtQuick

Item {
    id: root
    property real unit: 8
    required property KioskController controller
    readonly property bool questionMode: root.controller.texts.questionOnAttract === true
    onVisibleChanged: saidBanner.paused = false
    // Where keys start (Main.qml): the first answer when the screen asks, else the start.
    readonly property Item firstOption: root.questionMode ? attractScale.firstButton : startArea

    Item {
        id: startArea
        objectName: "startArea"
        anchors.fill: parent
        Accessible.role: Accessible.Button
        Accessible.name: root.controller.texts.ui ? root.controller.texts.ui.tap_to_start : ""
        Accessible.onPressAction: root.controller.start()
        // Keys reach it as a button too; its ring is drawn round the "button" below.
        activeFocusOnTab: !root.questionMode
        Keys.onReturnPressed: root.controller.start()
        Keys.onEnterPressed: root.controller.start()
        Keys.onSpacePressed: root.controller.start()
        TapHandler {
            objectName: "pressHandler"
            gesturePolicy: TapHandler.ReleaseWithinBounds
            // A slow press counts too (see BigButton).
            longPressThreshold: 24 * 3600
            onTapped: root.controller.start()
        }
    }

    // At the top edge, out of a seated shopper's reach: the mode has it in the reach bar.
    LanguageBar {
        visible: !Theme.accessible
        namePrefix: "attract_"
        controller: root.controller
        unit: root.unit
        anchors.top: parent.top
        anchors.right: parent.right
        anchors.margins: root.unit * 3
        // Clear of the manager's hidden corner (Main.qml) when it wraps.
        anchors.left: parent.left
        anchors.leftMargin: Theme.minTouch * 1.5
    }

    // "You said, we did": what the store changed because of answers like these.
    Rectangle {
        id: saidBanner
        objectName: "youSaidBanner"
        property int current: 0
        // Touching the banner stops its turning and touching it again restarts it (WCAG
        // 2.2.2); the screen, hidden and shown again, starts it again for the next shopper.
        property bool paused: false
        readonly property bool turning: turner.running
        readonly property var messages: root.controller.texts.messages || []
        visible: messages.length > 0
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        height: saidText.implicitHeight + root.unit * 4
        color: Theme.accent
        border.width: saidBanner.paused ? 4 : 0
        border.color: Theme.accentText
        // Takes the touch, so that it pauses the banner instead of starting the survey.
        TapHandler {
            objectName: "youSaidPause"
            gesturePolicy: TapHandler.ReleaseWithinBounds
            longPressThreshold: 24 * 3600
            onTapped: saidBanner.paused = !saidBanner.paused
        }
        Text {
            id: saidText
            objectName: "youSaidText"
            textFormat: Text.PlainText
            Accessible.role: Accessible.StaticText
            Accessible.name: saidText.text
            anchors.centerIn: parent
            width: parent.width - root.unit * 14
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: saidBanner.visible
                  ? (root.controller.texts.ui.you_said + ": " + saidBanner.messages[saidBanner.current % saidBanner.messages.length])
                  : ""
            color: Theme.accentText
            font.pixelSize: Math.max(Theme.minText, root.unit * 2.8) * Theme.textScale
            font.weight: Font.DemiBold
        }
        // The paused state, seen: the pause sign at the banner's end, and its edge.
        Row {
            objectName: "youSaidPaused"
            visible: saidBanner.paused
            anchors.right: parent.right
            anchors.rightMargin: root.unit * 3
            anchors.verticalCenter: parent.verticalCenter
            spacing: height / 3
            height: Math.max(Theme.minText, root.unit * 2.8) * Theme.textScale * 0.8
            Repeater {
                model: 2
                Rectangle {
                    width: parent.height / 3; height: parent.height
                    color: Theme.accentText
                }
            }
        }
        Timer {
            id: turner
            interval: 8000
            repeat: true
            running: saidBanner.visible && saidBanner.messages.length > 1 && root.visible
                     && !saidBanner.paused
            onTriggered: saidBanner.current = (saidBanner.current + 1) % saidBanner.messages.length
        }
    }

    Column {
        anchors.horizontalCenter: parent.horizontalCenter
        // Centred; in the accessibility mode on the reach bar, so its controls are in reach.
        y: Theme.accessible ? bar.y - height - root.unit * 3 : (parent.height - height) / 2
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
            font.pixelSize: Math.max(Theme.minText, root.unit * 6.5) * Theme.textScale
        }
        // Looks like a button, but the whole screen is the button.
        Rectangle {
            visible: !root.questionMode
            anchors.horizontalCenter: parent.horizontalCenter
            width: startLabel.implicitWidth + root.unit * 10
            height: Math.max(Theme.minTouch, startLabel.implicitHeight + root.unit * 4)
            radius: height / 2
            color: Theme.button
            FocusRing {
                visible: startArea.activeFocus
                targetRadius: parent.radius
            }
            Text {
                id: startLabel
                textFormat: Text.PlainText
                anchors.centerIn: parent
                text: root.controller.texts.ui ? root.controller.texts.ui.tap_to_start : ""
                color: Theme.buttonText
                font.pixelSize: Math.max(Theme.minText, root.unit * 3.5) * Theme.textScale
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
            id: attractScale
            visible: root.questionMode
            controller: root.controller
            namePrefix: "attract_score_"
            unit: root.unit
            width: parent.width
        }
    }
    // Within a seated shopper's reach; in the accessibility mode with the languages too.
    ReachBar {
        id: bar
        namePrefix: "attract_"
        languages: true
        controller: root.controller
        unit: root.unit
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: saidBanner.visible ? saidBanner.top : parent.bottom
        anchors.margins: root.unit * 3
    }
}
