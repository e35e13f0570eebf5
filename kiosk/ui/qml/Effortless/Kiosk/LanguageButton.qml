import QtQuick

// One survey language, labelled in its own language; the chosen one is filled. In the
// language bar at the top, or, in the accessibility mode, in the reach bar at the bottom.
BigButton {
    id: root
    required property var modelData
    required property KioskController controller
    property string namePrefix: ""
    property real unit: 8
    objectName: root.namePrefix + "lang_" + root.modelData.code
    text: root.modelData.name
    secondary: root.modelData.code !== root.controller.texts.locale
    fontSize: Math.max(Theme.minText, root.unit * 2.6) * Theme.textScale
    // Less padding than other buttons (16 px a side) and as narrow as 1.5 touch sizes:
    // seven languages then fit one line at 1280 px, and in the accessibility mode's larger
    // text two lines of the reach bar, not three.
    width: Math.max(Theme.minTouch * 1.5, implicitWidth - 16)
    onClicked: root.controller.chooseLocale(root.modelData.code)
    // The language in use is announced as chosen, not only shown filled.
    Accessible.checkable: true
    Accessible.checked: !root.secondary
}
