import QtQuick
import QtQuick.Controls.Basic

Item {
    id: root
    property real unit: 8
    required property KioskController controller
    property real keyboardHeight: 0
    readonly property int maxLength: root.controller.texts.commentMaxLength || 280

    // Hidden, the field lets go of focus too, or the keyboard would stay up elsewhere.
    function clear() { field.text = ""; field.focus = false }

    // Focus opens the on-screen keyboard straight away: no extra tap needed.
    onVisibleChanged: visible ? field.forceActiveFocus() : clear()

    Column {
        anchors.top: parent.top
        anchors.topMargin: root.unit * 4
        anchors.horizontalCenter: parent.horizontalCenter
        width: parent.width - root.unit * 8
        spacing: root.unit * 2
        Heading {
            objectName: "commentPrompt"
            unit: root.unit
            text: root.controller.texts.commentPrompt || ""
        }
        TextArea {
            id: field
            objectName: "commentField"
            textFormat: TextEdit.PlainText
            width: parent.width
            height: Math.max(Theme.minTouch * 1.5,
                             Math.min(root.unit * 22, root.height - root.keyboardHeight - root.unit * 36))
            wrapMode: TextEdit.Wrap
            font.pixelSize: Math.max(22, root.unit * 3)
            color: Theme.text
            placeholderText: root.controller.texts.ui ? root.controller.texts.ui.comment_placeholder : ""
            placeholderTextColor: Theme.mutedText
            selectByMouse: false
            persistentSelection: false
            inputMethodHints: Qt.ImhNoPredictiveText
            Accessible.name: root.controller.texts.commentPrompt || ""
            Accessible.description: notice.text
            background: Rectangle {
                radius: 12
                color: "#ffffff"
                border.width: 3
                border.color: Theme.factorButtonBorder
            }
            // The limit is the survey's; typing past it is cut off here.
            onTextChanged: {
                if (length > root.maxLength)
                    remove(root.maxLength, length)
                root.controller.activity()
            }
        }
        // The notice shares the counter's line, so it costs no height: with the keyboard up
        // at 1280x800 there is none to spare above the buttons.
        Item {
            width: parent.width
            height: Math.max(notice.height, charactersLeft.height)
            Text {
                id: notice
                objectName: "commentNotice"
                textFormat: Text.PlainText
                anchors.left: parent.left
                width: parent.width - charactersLeft.width - root.unit * 2
                wrapMode: Text.WordWrap
                text: root.controller.texts.ui ? root.controller.texts.ui.comment_notice : ""
                color: Theme.text
                font.pixelSize: Math.max(18, root.unit * 2.2)
                Accessible.role: Accessible.StaticText
                Accessible.name: notice.text
            }
            Text {
                id: charactersLeft
                objectName: "charactersLeft"
                textFormat: Text.PlainText
                anchors.right: parent.right
                horizontalAlignment: Text.AlignRight
                text: (root.maxLength - field.length) + " " + (root.controller.texts.ui ? root.controller.texts.ui.characters_left : "")
                color: Theme.mutedText
                font.pixelSize: Math.max(18, root.unit * 2.2)
            }
        }
        Row {
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: root.unit * 3
            BigButton {
                objectName: "skipComment"
                secondary: true
                width: Math.max(Theme.minTouch * 2.5, implicitWidth)
                text: root.controller.texts.ui ? root.controller.texts.ui.skip : ""
                fontSize: Math.max(22, root.unit * 3)
                onClicked: root.controller.skipComment()
            }
            BigButton {
                objectName: "sendComment"
                width: Math.max(Theme.minTouch * 2.5, implicitWidth)
                text: root.controller.texts.ui ? root.controller.texts.ui.send : ""
                fontSize: Math.max(22, root.unit * 3)
                onClicked: root.controller.submitComment(field.text)
            }
        }
    }
}
