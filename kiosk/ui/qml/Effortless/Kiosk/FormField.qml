import QtQuick
import QtQuick.Controls.Basic

// A text field of a form typed on the on-screen keyboard: Enter moves to the next field,
// and on the last one (no next) submits the form.
TextField {
    id: root
    property real unit: 8
    property Item next: null
    signal submitted()
    // Its name for assistive technology: what the empty field says it is for, kept while
    // it holds text (the placeholder is gone then). Qt gives a password field no name
    // whatever is set, so the description says it too.
    property string label: root.placeholderText
    Accessible.name: root.label
    Accessible.description: root.label

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
