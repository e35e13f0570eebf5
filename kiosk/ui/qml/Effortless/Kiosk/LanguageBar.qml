pragma ComponentBehavior: Bound
import QtQuick

// One button per survey language, each labelled in its own language. The model is the
// survey's (controller.shape), not the language's: a language change keeps the buttons.
// A Flow: seven languages take two lines on a narrow screen, in the survey's order.
Flow {
    id: root
    property string namePrefix: ""
    property real unit: 8
    required property KioskController controller
    spacing: unit
    Repeater {
        model: root.controller.shape.languages
        LanguageButton {
            controller: root.controller
            namePrefix: root.namePrefix
            unit: root.unit
        }
    }
}
