import QtQuick
import QtQuick.Controls.Basic

// A text field of a form typed on the on-screen keyboard: Enter moves to the next field,
// and on the last one (no next) submits the form.
TextField {
    id: root
    property real unit: 8
    property Item next: null
    signal submitted()

    height: Theme.minTouch
    placeholderTextColor: Theme.mutedText
    font.pixelSize: Math.max(20, root.unit * 2.5)
    onAccepted: {
        if (root.next !== null && root.next.visible)
            root.next.forceActiveFocus()
        else
            root.submitted()
    }
}
