pragma ComponentBehavior: Bound
import QtQuick

// One button per survey language, each labelled in its own language. The model is the
// survey's (controller.shape), not the language's: a language change keeps the buttons.
Row {
    id: root
    property string namePrefix: ""
    property real unit: 8
    required property KioskController controller
    spacing: unit
    Repeater {
        model: root.controller.shape.languages
        BigButton {
            required property var modelData
            objectName: root.namePrefix + "lang_" + modelData.code
            text: modelData.name
            secondary: modelData.code !== root.controller.texts.locale
            fontSize: Math.max(20, root.unit * 2.6)
            width: Math.max(Theme.minTouch * 1.8, implicitWidth)
            onClicked: root.controller.chooseLocale(modelData.code)
        }
    }
}
