import QtQuick

// One button per survey language, each labelled in its own language.
Row {
    id: root
    property string namePrefix: ""
    property real unit: 8
    spacing: unit
    Repeater {
        model: controller.texts.languages
        BigButton {
            required property var modelData
            objectName: root.namePrefix + "lang_" + modelData.code
            text: modelData.name
            secondary: modelData.code !== controller.texts.locale
            fontSize: Math.max(20, root.unit * 2.6)
            width: Math.max(theme.minTouch * 1.8, implicitWidth)
            onClicked: controller.chooseLocale(modelData.code)
        }
    }
}
