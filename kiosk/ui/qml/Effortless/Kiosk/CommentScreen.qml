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

    // Focus opens the on-screen keyboard straight away: no extra tap needed. The text is
    // cleared only when the shopper leaves the screen: the still-there question hides the
    // screen too (Main.qml), and the comment must be there when the shopper comes back.
    readonly property bool current: root.controller.screen === KioskController.Screen.COMMENT
    onVisibleChanged: {
        if (root.visible)
            field.forceActiveFocus()
        else if (!root.current)
            root.clear()
    }
    onCurrentChanged: {
        if (!root.current)
            root.clear()
    }

    // Everything above the keyboard. Where it does not all fit there (the accessibility
    // mode's larger text in landscape), the field and the buttons stay in view just above
    // the keyboard, and the texts above them scroll.
    Flickable {
        id: scroller
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        height: root.height - root.keyboardHeight
        contentWidth: width
        contentHeight: column.y + column.height + root.unit * 3
        contentY: Math.max(0, scroller.contentHeight - scroller.height)
        interactive: scroller.contentHeight > scroller.height
        clip: true
        boundsBehavior: Flickable.StopAtBounds

    Column {
        id: column
        x: root.unit * 4
        // Less margin in the accessibility mode, whose larger text needs the room.
        y: root.unit * (Theme.accessible ? 2 : 4)
        width: scroller.width - root.unit * 8
        spacing: root.unit * 2
        Heading {
            id: prompt
            objectName: "commentPrompt"
            unit: root.unit
            text: root.controller.texts.commentPrompt || ""
        }
        TextArea {
            id: field
            objectName: "commentField"
            textFormat: TextEdit.PlainText
            width: parent.width
            // What the keyboard leaves over between the texts and the buttons, so that the
            // buttons sit just above the keyboard, in reach (lower two thirds) also in
            // portrait; the accessibility mode's larger texts take more of it.
            // At least a line of text: in the mode's larger text at 1280x800, where the
            // keyboard leaves 422 px, a touch size more would scroll the prompt away.
            height: Math.max(font.pixelSize * 1.2 + topPadding + bottomPadding + 8,
                             root.height - root.keyboardHeight - prompt.height
                             - noticeLine.height - buttons.height - column.y - root.unit * 9)
            wrapMode: TextEdit.Wrap
            font.pixelSize: Math.max(Theme.minText, root.unit * 3) * Theme.textScale
            color: Theme.text
            placeholderText: root.controller.texts.ui ? root.controller.texts.ui.comment_placeholder : ""
            placeholderTextColor: Theme.mutedText
            selectByMouse: false
            persistentSelection: false
            inputMethodHints: Qt.ImhNoPredictiveText
            // Tab leaves the field for the buttons, as everywhere else, instead of typing a tab.
            Keys.onTabPressed: field.nextItemInFocusChain(true).forceActiveFocus()
            Keys.onBacktabPressed: field.nextItemInFocusChain(false).forceActiveFocus()
            Accessible.name: root.controller.texts.commentPrompt || ""
            Accessible.description: notice.text
            background: Rectangle {
                radius: 12
                color: Theme.field
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
        // The notice has the column's width: the counter is on the buttons' line, where it
        // costs no height (with the keyboard up at 1280x800 there is none to spare).
        Item {
            id: noticeLine
            width: parent.width
            // In the mode the counter is beside the notice, or under it where beside it would
            // leave the notice too narrow (portrait).
            readonly property bool stacked: noticeCounter.implicitWidth > width / 3
            height: !noticeCounter.visible ? notice.height
                    : stacked ? notice.height + noticeCounter.height
                    : Math.max(notice.height, noticeCounter.height)
            Text {
                id: notice
                objectName: "commentNotice"
                textFormat: Text.PlainText
                width: noticeCounter.visible && !noticeLine.stacked
                       ? parent.width - noticeCounter.width - root.unit * 2 : parent.width
                wrapMode: Text.WordWrap
                text: root.controller.texts.ui ? root.controller.texts.ui.comment_notice : ""
                color: Theme.text
                font.pixelSize: Math.max(Theme.minText, root.unit * 2.2) * Theme.textScale
                Accessible.role: Accessible.StaticText
                Accessible.name: notice.text
            }
            // In the accessibility mode under the notice: on the buttons' line its larger
            // text would push the buttons onto a second line, out of reach above the keyboard.
            Text {
                id: noticeCounter
                objectName: "charactersLeft"
                visible: Theme.accessible
                textFormat: Text.PlainText
                Accessible.role: Accessible.StaticText
                Accessible.name: noticeCounter.text
                anchors.right: parent.right
                y: noticeLine.stacked ? notice.height : 0
                text: charactersLeft.text
                color: Theme.mutedText
                font.pixelSize: charactersLeft.font.pixelSize
            }
        }
        // The accessibility button shares the buttons' line: with the keyboard up there is
        // no other place within reach. A Flow, so a narrow (portrait) screen wraps it.
        Flow {
            id: buttons
            width: parent.width
            spacing: root.unit * 3
            AccessibilityButton {
                controller: root.controller
                unit: root.unit
            }
            BigButton {
                objectName: "skipComment"
                secondary: true
                width: Math.max(Theme.minTouch * 2.5, implicitWidth)
                text: root.controller.texts.ui ? root.controller.texts.ui.skip : ""
                fontSize: Math.max(Theme.minText, root.unit * 3) * Theme.textScale
                onClicked: root.controller.skipComment()
            }
            BigButton {
                objectName: "sendComment"
                width: Math.max(Theme.minTouch * 2.5, implicitWidth)
                text: root.controller.texts.ui ? root.controller.texts.ui.send : ""
                fontSize: Math.max(Theme.minText, root.unit * 3) * Theme.textScale
                onClicked: root.controller.submitComment(field.text)
            }
            Text {
                id: charactersLeft
                objectName: "charactersLeft"
                visible: !Theme.accessible
                textFormat: Text.PlainText
                Accessible.role: Accessible.StaticText
                Accessible.name: charactersLeft.text
                height: Theme.minTouch
                verticalAlignment: Text.AlignVCenter
                text: (root.maxLength - field.length) + " " + (root.controller.texts.ui ? root.controller.texts.ui.characters_left : "")
                color: Theme.mutedText
                font.pixelSize: Math.max(Theme.minText, root.unit * 2.2) * Theme.textScale
            }
        }
    }
    }
}
