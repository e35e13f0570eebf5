pragma ComponentBehavior: Bound
import QtQuick

// The bottom of every shopper screen, within a seated shopper's reach: the accessibility
// button, and in the accessibility mode the language buttons too (which sit at the top
// edge otherwise: the mode's low-reach layout keeps every control in the lower two thirds).
Flow {
    id: root
    required property KioskController controller
    property real unit: 8
    property string namePrefix: ""
    property bool languages: true
    spacing: root.unit * 2

    AccessibilityButton {
        controller: root.controller
        unit: root.unit
    }
    Repeater {
        model: root.languages && Theme.accessible ? root.controller.shape.languages : []
        LanguageButton {
            controller: root.controller
            namePrefix: root.namePrefix
            unit: root.unit
        }
    }
}
